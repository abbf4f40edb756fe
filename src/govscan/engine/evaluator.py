"""Judging one resource against the compiled controls of its type.

Before a check runs, what the resource could not tell is settled: a field the
collector could not read, or a path inside one (``unavailable``), and a value
unknown before apply (``unknown``) that the check needs each make the result
``error``, never a guessed pass or fail; the second kind is marked
``undetermined``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from govscan.catalog.jurisdictions import JurisdictionTables, packaged_tables
from govscan.engine.conditions import EvalContext, EvaluationError, compile_check
from govscan.engine.known_items import decided_by_known_items
from govscan.engine.messages import render_message
from govscan.engine.plan import control_fields
from govscan.engine.waivers import WaiverIndex, inline_suppression
from govscan.fingerprint import Fingerprinter
from govscan.language.reads import check_reads, unknown_reads
from govscan.model import Control, Policy, Resource, ResourceRef, Result, Status


class _Compiled:
    """One control, compiled once per scan."""

    __slots__ = (
        "applies",
        "applies_pred",
        "applies_reads",
        "check",
        "check_pred",
        "control",
        "fields",
        "frameworks",
        "origins",
        "reads",
    )

    def __init__(self, control: Control) -> None:
        self.control = control
        self.check = compile_check(control.check)
        self.applies = compile_check(control.applies_when) if control.applies_when else None
        self.fields = control_fields(control)
        self.applies_reads = (
            check_reads(control.applies_when) if control.applies_when else frozenset()
        )
        self.reads = check_reads(control.check) | self.applies_reads
        self.frameworks = control.frameworks
        self.origins = frozenset(control.origins)
        # The bare predicates: one call fewer for every control and resource.
        self.check_pred = self.check.predicate
        self.applies_pred = self.applies.predicate if self.applies is not None else None


def _ref_fields(ref: ResourceRef) -> dict[str, str]:
    return {
        "id": ref.id,
        "name": ref.name or ref.id,
        "type": ref.type,
        "provider": ref.provider,
        "account": ref.account,
        "region": ref.region,
    }


def _unavailable_reads(
    cc: _Compiled, unavailable: Mapping[str, str], data: Mapping[str, Any]
) -> list[str]:
    """The unavailable entries a control needs, sorted: a field it reads, or a path
    inside a field (one entry of a map the provider left out) that its checks read."""
    hit = cc.fields.intersection(unavailable)
    paths = {k: v for k, v in unavailable.items() if "." in k}
    if paths:
        hit |= set(unknown_reads(cc.reads, paths, data))
    return sorted(hit)


class Evaluator:
    """Judges resources against compiled controls; usable on its own (see bench/)."""

    def __init__(
        self,
        controls: Sequence[Control],
        policy: Policy,
        as_of: datetime,
        *,
        fingerprints: Fingerprinter | None = None,
        jurisdictions: JurisdictionTables | None = None,
    ) -> None:
        self._by_type: dict[str, list[_Compiled]] = {}
        for c in controls:
            self._by_type.setdefault(c.resource, []).append(_Compiled(c))
        self._params = dict(policy.values)
        self._as_of = as_of
        self._ctx: dict[str, EvalContext] = {}
        self._waivers = WaiverIndex(policy.waivers, as_of.date(), controls)
        self._fingerprints = fingerprints or Fingerprinter.per_run()
        self._jurisdictions = jurisdictions if jurisdictions is not None else packaged_tables()

    def context(self, provider: str) -> EvalContext:
        ctx = self._ctx.get(provider)
        if ctx is None:
            ctx = EvalContext(
                as_of=self._as_of,
                params=self._params,
                resource_provider=provider,
                jurisdictions=self._jurisdictions,
            )
            self._ctx[provider] = ctx
        return ctx

    def controls_for(self, resource_type: str) -> list[_Compiled]:
        return self._by_type.get(resource_type, [])

    @staticmethod
    def _not_applicable(
        cc: _Compiled, data: Mapping[str, Any], unknown: Mapping[str, str], ctx: EvalContext
    ) -> bool:
        """Whether ``applies_when`` is known false: then the unknown values its check
        would need do not matter."""
        if cc.applies is None or unknown_reads(cc.applies_reads, unknown, data):
            return False
        try:
            return not cc.applies(data, ctx)
        except EvaluationError:
            return False

    def evaluate(self, resource: Resource, emit: Callable[[Result], None]) -> None:
        compiled = self._by_type.get(resource.ref.type)
        if not compiled:
            return
        ref = resource.ref
        data = resource.data
        ctx = self.context(ref.provider)
        evidence = f"resources.jsonl#{ref.id}"
        # From the provider's id, before any pseudonym replaces it.
        fingerprint = self._fingerprints.for_resource(ref, resource.origin)
        unavailable = resource.unavailable
        unknown = resource.unknown
        ref_fields: dict[str, str] | None = None  # built at the first failure, then shared
        for cc in compiled:
            if resource.origin not in cc.origins:
                continue
            c = cc.control
            waiver = None
            message = ""
            undetermined = False
            if unavailable and (missing := _unavailable_reads(cc, unavailable, data)):
                status = Status.ERROR
                message = "; ".join(f"{f}: {unavailable[f]}" for f in missing)
            elif unknown and (blocked := unknown_reads(cc.reads, unknown, data)):
                # Judging the rest would be a guess: only apply decides these values.
                status = Status.ERROR
                undetermined = True
                message = "; ".join(f"{f}: {unknown[f]}" for f in blocked)
                if self._not_applicable(cc, data, unknown, ctx):
                    status, undetermined, message = Status.NOT_APPLICABLE, False, ""
                elif (known := decided_by_known_items(cc, data, unknown, blocked, ctx)) is not None:
                    # The list's known items decide it, whatever its unknown ones hold.
                    status = Status.PASS if known else Status.FAIL
                    undetermined, message = False, ""
            else:
                try:
                    applies = cc.applies_pred
                    if applies is not None and not applies(data, ctx):
                        status = Status.NOT_APPLICABLE
                    elif cc.check_pred(data, ctx):
                        status = Status.PASS
                    else:
                        status = Status.FAIL
                except EvaluationError as exc:
                    status = Status.ERROR
                    message = str(exc)
            if status is Status.FAIL:
                message = (
                    render_message(
                        c.message, data, ref_fields or (ref_fields := _ref_fields(ref)), unknown
                    )
                    if c.message
                    else c.title
                )
                waiver = (
                    inline_suppression(resource.suppressions, c.id, c.replaces)
                    if resource.suppressions
                    else None
                )
                if waiver is None:
                    waiver = self._waivers.lookup(c.id, ref.id, ref.name)
                if waiver is not None and not waiver.expired:
                    status = Status.WAIVED
                elif waiver is not None:
                    message += f" (waiver by {waiver.owner} expired on {waiver.expires})"
            emit(
                Result(
                    control_id=c.id,
                    title=c.title,
                    severity=c.severity,
                    status=status,
                    resource=ref,
                    frameworks=cc.frameworks,
                    message=message,
                    evidence=evidence,
                    waiver=waiver,
                    undetermined=undetermined,
                    fingerprint=fingerprint(c.id),
                )
            )
