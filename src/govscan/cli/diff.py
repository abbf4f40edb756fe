"""``govscan diff OLD NEW``: new, fixed, regressed, still failing and re-rated findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from govscan.cli.common import history_option


def _control_frameworks() -> dict[str, tuple[str, ...]]:
    """Control id -> frameworks of the built-in controls: a history keeps none."""
    from govscan.catalog.controls import load_control_dirs
    from govscan.collectors.declared import resource_types

    control_set, _ = load_control_dirs([], resource_types=resource_types())
    return {cid: tuple(c.frameworks) for cid, c in control_set.controls.items()}


@click.command("diff")
@click.argument("old")
@click.argument("new")
@history_option(
    "History for run:ID, run:N or run:latest (default: GOVSCAN_HISTORY, else the "
    "per-user SQLite file).",
    "url",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html"]),
    default="md",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
def diff(old: str, new: str, url: str | None, fmt: str, output: Path | None) -> None:
    """Compare two runs: each a bundle directory or run:ID / run:latest of a history."""
    from govscan.history.diff import compare, is_run_ref, load_side
    from govscan.history.diff_render import RENDERERS

    history: Any = None
    uses_history = is_run_ref(old) or is_run_ref(new)
    if uses_history:
        from govscan.history.appending import open_history

        history = open_history(url or "default")
    try:
        before, after = load_side(old, history), load_side(new, history)
    finally:
        if history is not None:
            history.close()
    text = RENDERERS[fmt](compare(before, after, _control_frameworks() if uses_history else None))
    if output is None:
        click.echo(text, nl=False)
        return
    from govscan.evidence.safeio import replace_file

    data = text.encode("utf-8", "surrogatepass")
    replace_file(output, lambda fh: fh.write(data))
    click.echo(f"diff written to {output}", err=True)
