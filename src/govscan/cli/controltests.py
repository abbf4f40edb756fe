"""``govscan test``: run the test cases that controls carry."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the outcomes as JUnit XML to FILE.",
)
@click.option("--require-tests", is_flag=True, help="Fail when a control under PATH has no test.")
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
def test_controls(
    paths: tuple[Path, ...], junit: Path | None, require_tests: bool, verbose: bool
) -> None:
    """Run the test cases of controls (<id>.test.yaml beside a control, or its tests: list).

    Without PATH: the built-in controls. Exit 0 when every case holds, 1 when one
    fails (or, with --require-tests, a control has none), 2 for invalid files."""
    from govscan.controltest import run_cli

    sys.exit(run_cli(list(paths), junit, require_tests, click.echo, verbose=verbose))
