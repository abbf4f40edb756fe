"""Helpers the command groups share: output escaping, the scan summary, optional modules."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from govscan.errors import UsageError

SEVERITIES = ("info", "low", "medium", "high", "critical", "none")


def csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def printable(text: str) -> str:
    """``text`` with control characters escaped: a file named in a message may hold a
    newline or an escape sequence, and a CI log must not read it as a command."""
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)


def optional(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(f"{what} is not available in this installation: {exc}") from None


def print_summary(outcome: Any) -> None:
    summary = outcome.scan.summary
    parts = ", ".join(f"{k}: {v}" for k, v in summary.items())
    click.echo(f"{len(outcome.scan.results)} results ({parts})")
    undetermined = outcome.scan.results.undetermined_count()
    if undetermined:
        click.echo(
            f"{undetermined} error(s) need values unknown before apply "
            "(--tf-var-file or a plan JSON decides them; --strict-unknown makes them exit 3)",
            err=True,
        )
    if outcome.per_run_fingerprints:
        click.echo(
            "note: finding fingerprints of cloud resources hold for this run only; set "
            "GOVSCAN_FINGERPRINT_KEY to compare runs (baselines, history)",
            err=True,
        )
    for cid, (old, new) in sorted(outcome.overridden.items()):
        click.echo(f"note: control {cid} from {new} overrides the built-in {old}", err=True)
    if outcome.scan.errors:
        click.echo(
            f"{len(outcome.scan.errors)} collection error(s): the assessment is incomplete",
            err=True,
        )
        for e in outcome.scan.errors[:10]:
            where = " ".join(x for x in (e.account, e.region, e.operation) if x)
            click.echo(printable(f"  {e.collector} {where}: {e.message}"), err=True)
    html = outcome.output_dir / "report.html"
    click.echo(f"bundle: {outcome.output_dir}")
    if html.exists():
        click.echo(f"report: {html}")


_F = TypeVar("_F", bound=Callable[..., Any])


def history_option(help: str, name: str | None = None) -> Callable[[_F], _F]:
    """``--history [URL]``: given alone, the default history (``GOVSCAN_HISTORY``, else
    the per-user SQLite file); with a value, a file path or ``postgresql://...`` URL.
    One definition, so every command reads the flag the same way."""
    names = ["--history", *([name] if name else [])]
    return click.option(
        *names, is_flag=False, flag_value="default", default=None, metavar="[URL]", help=help
    )
