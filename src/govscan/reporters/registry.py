"""Report formats by name, from the ``govscan.reporters`` entry-point group."""

from __future__ import annotations

from govscan.errors import UsageError
from govscan.plugins import REPORTERS_GROUP, load
from govscan.reporters.interface import Reporter


def reporters() -> dict[str, type[Reporter]]:
    return {cls.format: cls for cls in load(REPORTERS_GROUP, Reporter).values()}


def available_formats() -> list[str]:
    return sorted(reporters())


def get_reporter(fmt: str) -> Reporter:
    found = reporters().get(fmt)
    if found is None:
        raise UsageError(
            f"unknown report format '{fmt}' (available: {', '.join(available_formats())})"
        )
    return found()


def parse_formats(spec: str | None) -> list[str]:
    """``json,html`` -> validated, de-duplicated list (json always first: it is the contract)."""
    names = [f.strip().lower() for f in (spec or "").split(",") if f.strip()]
    found = reporters()
    known = set(found)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"unknown report format {', '.join(repr(u) for u in unknown)} "
            f"(available: {', '.join(sorted(known))})"
        )
    for name in names:
        why = found[name].unavailable()
        if why:
            raise UsageError(why)
    return ["json", *[n for n in dict.fromkeys(names) if n != "json"]]
