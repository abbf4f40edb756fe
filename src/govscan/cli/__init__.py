"""The command line: click commands only, and the one place that exits.

One module per command group (``scan``, ``catalog``, ``bundles``,
``collectors``). Heavy modules (the engine, the collectors, cloud SDKs,
jsonschema, rich) are imported inside the commands, so ``govscan --version``
and ``--help`` start fast.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from govscan import __version__
from govscan.cli.common import printable
from govscan.errors import ExitCode, GovscanError, ValidationError

log = logging.getLogger("govscan")


def _setup_logging(verbose: int) -> None:
    env = os.environ.get("GOVSCAN_LOG_LEVEL", "").upper()
    if verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    elif env in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        level = getattr(logging, env)
    else:
        level = logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("govscan: %(levelname)s: %(message)s"))
    pkg = logging.getLogger("govscan")
    pkg.handlers[:] = [handler]
    pkg.setLevel(level)
    pkg.propagate = False
    # The collectors' SDK loggers are quieted when the collectors are built
    # (``Collector.sdk_loggers``), before any SDK is imported.


def _fail(exc: GovscanError) -> NoReturn:
    if isinstance(exc, ValidationError):
        for p in exc.problems:
            click.echo(str(p), err=True)
        click.echo(f"govscan: {len(exc.problems)} problem(s) found", err=True)
    else:
        click.echo(f"govscan: error: {exc.message}", err=True)
    sys.exit(int(exc.exit_code))


class _Group(click.Group):
    """Turns every GovscanError into its one-line message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GovscanError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("govscan: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            # A defect in govscan, not bad input: still one line on stderr, with the
            # traceback only for -vv, and never an exit code that reads as a verdict.
            log.debug("traceback of the internal error below", exc_info=True)
            detail = printable(str(exc))[:300]
            click.echo(
                f"govscan: internal error: {type(exc).__name__}: {detail} "
                "(run with -vv for the traceback and please report it)",
                err=True,
            )
            sys.exit(int(ExitCode.INCOMPLETE))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="govscan", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """govscan: compliance-as-code for cloud accounts and infrastructure code."""
    _setup_logging(verbose)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="govscan", standalone_mode=True
        )
    except GovscanError as exc:
        _fail(exc)
    sys.exit(0)


# Imported after ``cli`` exists: each module only defines its commands.
from govscan.cli import (  # noqa: E402
    baseline,
    bundles,
    catalog,
    collectors,
    controltests,
    diff,
    history,
    merge,
    plan,
    scan,
    soa,
)

for _command in (
    scan.scan,
    plan.plan,
    merge.merge,
    catalog.validate,
    catalog.controls,
    catalog.frameworks,
    catalog.policies,
    catalog.schema,
    bundles.report,
    bundles.evidence,
    collectors.demo,
    collectors.permissions,
    controltests.test_controls,
    history.history,
    baseline.baseline,
    diff.diff,
    soa.soa,
):
    cli.add_command(_command)

__all__ = ["cli", "main", "printable"]
