"""``govscan history``: the runs a history holds, one run, trends, pruning."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click

from govscan.cli.common import printable
from govscan.errors import UsageError

_URL_HELP = (
    "History: a file path or postgresql://... URL (default: GOVSCAN_HISTORY, else the "
    "per-user SQLite file)."
)


def _store(url: str | None) -> Any:
    from govscan.history.appending import open_history

    return open_history(url or "default")


def _since(value: str | None) -> str | None:
    """``90d``, ``12w`` or a date -> the ISO start time runs must have."""
    if not value:
        return None
    text = value.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "w"):
        days = int(text[:-1]) * (7 if text.endswith("w") else 1)
        return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(
            f"--since expects a number of days (90d), weeks (12w) or a date, got {value!r}"
        ) from None


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


@click.group()
def history() -> None:
    """The runs a history holds (scan --history appends them)."""


@history.command("list")
@click.option("--history", "url", metavar="URL", help=_URL_HELP)
@click.option("--since", help="Only runs since a date or 90d / 12w ago.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def list_runs(url: str | None, since: str | None, as_json: bool) -> None:
    """Every run, oldest first."""
    from govscan.history.query import list_runs as runs_of

    store = _store(url)
    try:
        rows = runs_of(store, _since(since))
    finally:
        store.close()
    if as_json:
        _emit_json([r.to_dict() for r in rows])
        return
    if not rows:
        click.echo(f"no runs in {store.location.shown}")
        return
    click.echo(
        f"{'run':>5}  {'started (UTC)':19}  {'fail':>5} {'error':>5} {'pass':>5}  policy / targets"
    )
    for r in rows:
        st = r.counts.get("status", {})
        click.echo(
            printable(
                f"{r.number:>5}  {r.started_at[:19]:19}  {st.get('fail', 0):>5} "
                f"{st.get('error', 0):>5} {st.get('pass', 0):>5}  {r.policy} / {r.series}"
            )
        )


@history.command("show")
@click.argument("run")
@click.option("--history", "url", metavar="URL", help=_URL_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.option("--all", "show_all", is_flag=True, help="List passed findings too.")
def show(run: str, url: str | None, as_json: bool, show_all: bool) -> None:
    """One run (its number, its run id or 'latest'): scores and findings."""
    from govscan.history.query import show_run

    store = _store(url)
    try:
        row, scores, findings = show_run(store, run)
    finally:
        store.close()
    if as_json:
        _emit_json(
            {"run": row.to_dict(), "scores": scores, "findings": [f.to_dict() for f in findings]}
        )
        return
    click.echo(printable(f"run {row.number} ({row.run_id}), {row.started_at}, policy {row.policy}"))
    click.echo(printable(f"targets: {row.series}"))
    if row.bundle_digest:
        signed = f", signed by key {row.key_id}" if row.key_id else ", not signed"
        click.echo(f"bundle manifest {row.bundle_digest}{signed}")
    for s in scores:
        click.echo(
            f"  {s['framework']:16} {s['passed']:>4} of {s['assessed']:>4} assessed "
            f"requirements pass ({s['ratio']:.0%}), {s['covered']} of {s['total']} covered"
        )
    shown = [f for f in findings if show_all or f.status in ("fail", "error")]
    for f in shown:
        click.echo(
            printable(
                f"  {f.status:7} {f.severity:8} {f.control_id}  {f.resource_id}  "
                f"(since {f.since[:10]})"
            )
        )
    hidden = len(findings) - len(shown)
    if hidden:
        click.echo(f"  ... and {hidden} passed, waived or not applicable (--all lists them)")


@history.command("trend")
@click.option("--history", "url", metavar="URL", help=_URL_HELP)
@click.option("--since", help="Only runs since a date or 90d / 12w ago.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def trend(url: str | None, since: str | None, as_json: bool) -> None:
    """Failing findings by severity and framework scores, run by run."""
    from govscan.history.query import trend as trend_of

    store = _store(url)
    try:
        points = trend_of(store, _since(since))
    finally:
        store.close()
    if as_json:
        _emit_json([p.to_dict() for p in points])
        return
    severities = ("critical", "high", "medium", "low", "info")
    frameworks = sorted({k for p in points for k in p.scores})
    head = "  ".join(f"{s[:4]:>4}" for s in severities)
    click.echo(
        f"{'run':>5}  {'started':10}  {head}  " + "  ".join(f"{f[:10]:>10}" for f in frameworks)
    )
    for p in points:
        counts = "  ".join(f"{p.failing.get(s, 0):>4}" for s in severities)
        scores = "  ".join(
            f"{p.scores[f]:>10.0%}" if f in p.scores else f"{'-':>10}" for f in frameworks
        )
        click.echo(f"{p.number:>5}  {p.started_at[:10]:10}  {counts}  {scores}")


@history.command("prune")
@click.option("--history", "url", metavar="URL", help=_URL_HELP)
@click.option(
    "--before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Delete the runs started before this date (YYYY-MM-DD).",
)
def prune(url: str | None, before: datetime) -> None:
    """Delete old runs and the findings only they held (storage limitation)."""
    from govscan.history.query import prune as prune_runs

    store = _store(url)
    try:
        runs, findings = prune_runs(store, before.date())
    finally:
        store.close()
    click.echo(f"deleted {runs} run(s) and {findings} finding(s) from {store.location.shown}")
