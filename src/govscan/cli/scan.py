"""``govscan scan``: general options, plus the options each collector declares,
shown in one help section per collector."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govscan.cli.baseline import print_baseline
from govscan.cli.common import SEVERITIES, history_option, print_summary
from govscan.errors import UsageError

if TYPE_CHECKING:
    from govscan.collectors.interface import Collector, CollectorOption

log = logging.getLogger(__name__)


def _click_option(opt: CollectorOption) -> click.Option:
    kwargs: dict[str, Any] = {"help": opt.help or None, "metavar": opt.metavar}
    if opt.kind == "switch":
        kwargs.update(is_flag=True, default=None)
    elif opt.kind in ("path", "paths"):
        kwargs.update(type=click.Path(path_type=Path), multiple=opt.kind == "paths")
    elif opt.kind == "int":
        kwargs["type"] = click.IntRange(min=1)
    return click.Option([str(opt.flag), opt.key], **kwargs)


class ScanCommand(click.Command):
    """Adds the collectors' options when the command runs or prints its help, so that
    ``govscan --version`` and ``govscan --help`` import no collector."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built: tuple[tuple[str, type], ...] | None = None
        self._sections: list[tuple[str, list[click.Option]]] = []

    def collector_sections(self) -> list[tuple[str, list[click.Option]]]:
        """(heading, options) per collector with flags, in the collectors' order."""
        from govscan.collectors.declared import declared

        collectors = declared()
        key = tuple(collectors.items())
        if key != self._built:
            self._sections = self._build(collectors)
            self._built = key
        return self._sections

    def _build(
        self, collectors: dict[str, type[Collector]]
    ) -> list[tuple[str, list[click.Option]]]:
        taken = {p.name for p in self.params} | {o for p in self.params for o in p.opts}
        sections = []
        for name, cls in collectors.items():
            options = []
            for opt in cls.options:
                if opt.flag is None:
                    continue
                if opt.flag in taken or opt.key in taken:
                    log.warning("collector %s: %s is a general option; ignored", name, opt.flag)
                    continue
                options.append(_click_option(opt))
            if options:
                heading = f"{cls.title or name} options"
                if cls.placeholder:
                    heading += " (no collector installed yet: accepted, nothing scanned)"
                sections.append((heading, options))
        return sections

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        extra = [o for _, options in self.collector_sections() for o in options]
        return [*super().get_params(ctx), *extra]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        general = [r for p in super().get_params(ctx) if (r := p.get_help_record(ctx))]
        with formatter.section("Options"):
            formatter.write_dl(general)
        for heading, options in self.collector_sections():
            records = [r for o in options if (r := o.get_help_record(ctx))]
            if records:
                with formatter.section(heading):
                    formatter.write_dl(records)


def _params(values: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects key=value, got {item!r}")
        out[key.strip()] = val
    return out


def _load_config(path: Path | None) -> dict[str, Any]:
    from govscan.config import load_config

    if path is None:
        default = Path("govscan.yaml")
        if not default.is_file():
            return {}
        path = default
    return load_config(path)


_CATALOG_OPTIONS = (
    click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Settings and targets file (default: ./govscan.yaml when present).",
    ),
    click.option("--policy", help="Policy name or file (default: baseline)."),
    click.option(
        "--controls",
        "controls_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Folder of extra controls; overrides built-in ids. Repeatable.",
    ),
    click.option(
        "--policies",
        "policy_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Folder of extra policies. Repeatable.",
    ),
    click.option(
        "--param",
        "params",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override a policy parameter. Repeatable.",
    ),
)


def catalog_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The settings file and what selects and sets the controls: the same for
    ``govscan scan`` and ``govscan plan`` (a plan must be made as its shards scan)."""
    for option in reversed(_CATALOG_OPTIONS):
        command = option(command)
    return command


@click.command(cls=ScanCommand)
@catalog_options
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Lowest failing severity that "
    "makes the exit code 1 (default: info; 'none' never fails on findings).",
)
@click.option(
    "--redact/--no-redact",
    default=None,
    help="Pseudonymise personal data in the bundle and reports (default: on).",
)
@click.option(
    "--strict-unknown/--no-strict-unknown",
    default=None,
    help="Count results undetermined before apply (values only apply knows) toward "
    "exit code 3 (default: off).",
)
@click.option(
    "--format", "formats", help="Comma-separated: json,html,sarif,junit,oscal,csv,md,gitlab,pdf."
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    help="Bundle directory (default: ./govscan-results).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge as of this date (waiver expiry, ages, reviews).",
)
@click.option("--lang", type=click.Choice(["en", "de"]), help="Report language.")
@click.option("--sarif-include-passes", is_flag=True, default=None)
@click.option(
    "--sign-key",
    type=click.Path(path_type=Path),
    help="Ed25519 private key (PEM) to sign the manifest; or GOVSCAN_SIGNING_KEY.",
)
@history_option(
    "Append the run to a history: alone the per-user SQLite file (or "
    "GOVSCAN_HISTORY), else a file path or postgresql://... URL.",
)
@click.option(
    "--baseline",
    metavar="FILE|history",
    help="Count only findings not in this baseline file (or the last run of the same "
    "targets in --history) toward the exit code.",
)
@click.option(
    "--attestations",
    type=click.Path(path_type=Path),
    help="Folder of attestation files (*.yaml): requirements people answer, judged as results.",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path),
    help="Scan the units of this plan (govscan plan) instead of discovering them.",
)
@click.option(
    "--shard",
    metavar="I/N|auto/N",
    help="Scan the I-th of N shares of the plan's units; auto/N reads I from the "
    "engine's environment (docs/scale.md).",
)
def scan(config_path: Path | None, plan_file: Path | None, shard: str | None, **opts: Any) -> None:
    """Scan the given targets and write the evidence bundle and reports."""
    from govscan import runner
    from govscan.config import merge_scan_options
    from govscan.model import Severity
    from govscan.reporters.registry import parse_formats

    merged = merge_scan_options(_load_config(config_path), opts)
    fail_on = merged.get("fail_on") or "info"
    sign_key = _signing_key(merged.get("sign_key"))
    if sign_key is not None:
        from govscan.evidence.signing import load_private_key

        load_private_key(sign_key)  # a bad key stops the run before anything is scanned
    config = runner.ScanConfig(
        **catalog_config(merged),
        formats=tuple(parse_formats(merged.get("formats") or _default_formats())),
        output_dir=Path(merged.get("output_dir") or "govscan-results"),
        fail_on=None if fail_on == "none" else Severity(fail_on),
        lang=merged.get("lang") or "en",
        sarif_include_passes=bool(merged.get("sarif_include_passes")),
        sign_key_pem=sign_key,
        redact=merged.get("redact") is not False,
        strict_unknown=merged.get("strict_unknown") is True,
        history=merged.get("history"),
        baseline=merged.get("baseline"),
        attestations=Path(merged["attestations"]) if merged.get("attestations") else None,
        plan_file=plan_file,
        shard=shard,
    )
    outcome = _with_progress(lambda cb: runner.run(config, on_progress=cb))
    print_summary(outcome)
    if outcome.history_note:
        click.echo(outcome.history_note, err=True)
    print_baseline(outcome.scan)
    sys.exit(int(outcome.exit_code))


def catalog_config(merged: dict[str, Any]) -> dict[str, Any]:
    """The ``ScanConfig`` fields that decide what a scan covers and how it is judged:
    one reading for ``govscan scan`` and ``govscan plan``, whose hashes must agree."""
    return {
        "policy": merged.get("policy") or "baseline",
        "controls_dirs": tuple(Path(p) for p in merged.get("controls_dirs", ())),
        "policy_dirs": tuple(Path(p) for p in merged.get("policy_dirs", ())),
        "params": _params(merged.get("params", ())),
        "targets": merged["targets"],
        "as_of": _as_date(merged.get("as_of")),
    }


def _default_formats() -> str:
    from govscan import runner
    from govscan.reporters.registry import available_formats

    known = set(available_formats())
    return ",".join(f for f in runner.DEFAULT_FORMATS.split(",") if f in known)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"--as-of expects YYYY-MM-DD, got {value!r}") from None


def _signing_key(path: Any) -> bytes | None:
    if path:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read signing key {path}: {exc.strerror}") from None
    env = os.environ.get("GOVSCAN_SIGNING_KEY")
    if env:
        candidate = Path(env)
        if "BEGIN" not in env and candidate.is_file():
            return candidate.read_bytes()
        return env.encode("utf-8")
    return None


def _with_progress(work: Any) -> Any:
    if not sys.stderr.isatty():
        return work(None)
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("collecting ...") as status:

        def update(resources: int, results: int) -> None:
            status.update(f"{resources:,} resources judged, {results:,} results")

        return work(update)
