"""Sinks a scan's resources and results pass through on their way into the bundle:
pseudonymising personal data, and noting old control ids inline suppressions name."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from govscan.model import Control, Result, ResultSet

if TYPE_CHECKING:
    from govscan.evidence.pseudonymise import Redactor
    from govscan.results.spool import ResultSpool


class RenameWatch:
    """Notes the old control ids in resources' inline suppressions on their way out."""

    def __init__(self, sink: Any, controls: Sequence[Control], renamed: dict[str, str]) -> None:
        self._sink = sink
        self._controls = [c for c in controls if c.replaces]
        self._renamed = renamed
        self._seen: set[str] = set()

    def write(self, resource: Any) -> None:
        from govscan.catalog.renames import renamed_references

        fresh = [p for p in resource.suppressions if p not in self._seen]
        if fresh:
            self._seen.update(fresh)
            self._renamed.update(renamed_references(fresh, self._controls))
        self._sink.write(resource)


class RedactingSink:
    def __init__(self, writer: Any, redactor: Any) -> None:
        self._writer = writer
        self._redactor = redactor

    def write(self, resource: Any) -> None:
        self._writer.write(self._redactor.resource(resource))


class RedactedResults:
    """Pseudonymises each result on its way into the spool.

    A name can become known after results that mention it were spooled (an IAM
    user listed after a policy naming it); ``seal`` revisits exactly those.
    """

    def __init__(self, spool: ResultSpool, redactor: Redactor) -> None:
        self._spool = spool
        self._redactor = redactor

    def add(self, result: Result) -> None:
        self._spool.add(self._redactor.result(result), self._redactor.known)

    def seal(self) -> ResultSet:
        # Rows spooled before the last name became known are offered again; only those
        # still containing a known value (as JSON text) are decoded and redacted.
        names = self._redactor.known_values()
        if names:
            needles = [json.dumps(n, ensure_ascii=False)[1:-1] for n in names]
            self._spool.rewrite(self._redactor.known, self._redactor.result, needles)
        return self._spool.seal()
