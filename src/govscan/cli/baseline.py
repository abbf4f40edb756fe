"""``govscan baseline create|update|merge``: the findings a scan accepts as known."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govscan.cli.common import printable

if TYPE_CHECKING:
    from govscan.history.baseline import Baseline
    from govscan.model import ScanResult


def _bundle(path: Path) -> ScanResult:
    from govscan.evidence.bundle import load_scan

    return load_scan(path)


def _say(text: str) -> None:
    click.echo(printable(text), err=True)


def _per_run_warning(b: Baseline) -> None:
    cloud = b.cloud_entries()
    if b.fingerprints != "persistent" and cloud:
        _say(
            f"warning: the bundle's run has per-run fingerprints: its {cloud} cloud entries "
            "will match no later scan (scan with GOVSCAN_FINGERPRINT_KEY or --history, then "
            "create the baseline from that bundle); code entries are unaffected"
        )


@click.group()
def baseline() -> None:
    """Accept today's findings: with scan --baseline only new findings fail."""


@baseline.command("create")
@click.option(
    "--from", "source", required=True, type=click.Path(path_type=Path), help="Bundle directory."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path(".govscan-baseline.json"),
    show_default=True,
)
@click.option("--reason", default="", help="Why these findings are accepted (every entry).")
@click.option("--owner", default="", help="Who answers for them (every entry).")
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The entries count again from the day after (YYYY-MM-DD).",
)
def create(source: Path, output: Path, reason: str, owner: str, expires: datetime | None) -> None:
    """A baseline of the failing and erroneous findings of a bundle."""
    from govscan.history.baseline import baseline_from_scan, write_baseline

    scan = _bundle(source)
    day: date | None = expires.date() if expires is not None else None
    made = baseline_from_scan(scan, reason, owner, day)
    write_baseline(output, made)
    _say(f"baseline: {len(made.entries)} entries written to {output}")
    _per_run_warning(made)


@baseline.command("update")
@click.option(
    "--from", "source", required=True, type=click.Path(path_type=Path), help="Bundle directory."
)
@click.option(
    "-b",
    "--baseline",
    "path",
    type=click.Path(path_type=Path),
    default=Path(".govscan-baseline.json"),
    show_default=True,
    help="The baseline to update (rewritten in place unless -o is given).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path))
def update(source: Path, path: Path, output: Path | None) -> None:
    """Drop fixed entries, add new findings, keep reasons, owners and expiry."""
    from govscan.history.baseline import load_baseline, updated, write_baseline

    old = load_baseline(path)
    made, added, dropped = updated(old, _bundle(source))
    write_baseline(output or path, made)
    _say(
        f"baseline: {len(made.entries)} entries ({added} added, {dropped} fixed and dropped) "
        f"written to {output or path}"
    )
    _per_run_warning(made)


@baseline.command("merge")
@click.argument("first", type=click.Path(path_type=Path))
@click.argument("second", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def merge(first: Path, second: Path, output: Path) -> None:
    """Join two baselines; differing reasons or owners are both kept."""
    from govscan.history.baseline import load_baseline, merged, write_baseline

    made, conflicts = merged(load_baseline(first), load_baseline(second))
    write_baseline(output, made)
    for line in conflicts[:20]:
        _say(f"conflict: {line}")
    if len(conflicts) > 20:
        _say(f"conflict: ... and {len(conflicts) - 20} more")
    _say(f"baseline: {len(made.entries)} entries written to {output}")


def print_baseline(scan: ScanResult) -> None:
    """After a scan: what the baseline accepted, what is new, and its notes."""
    from govscan.results.baseline import FINDINGS, view_of

    view = view_of(scan)
    if view is None:
        return
    known = new = 0
    for r in scan.results.select(FINDINGS):
        if view.known(r):
            known += 1
        else:
            new += 1
    _say(
        f"baseline {view.use.source}: {new} new finding(s) count, {known} known; "
        f"{len(view.absent(scan.results))} baseline entries no longer found"
    )
    for note in view.use.notes:
        _say(f"note: {note}")
