"""Commands on evidence bundles: ``report``, ``evidence verify``, ``push`` and ``pull``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from govscan.cli.common import csv, history_option
from govscan.errors import ExitCode, UsageError


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--format", "formats", required=True, help="Comma-separated formats to render.")
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    help="Where to write (default: ./govscan-reports). The bundle itself adds the "
    "reports to it and rewrites its manifest.",
)
@click.option("--lang", type=click.Choice(["en", "de"]), default="en")
@click.option("--sarif-include-passes", is_flag=True)
@click.option("--verify", "must_verify", is_flag=True, help="Refuse a bundle that does not verify.")
@click.option(
    "--public-key",
    type=click.Path(path_type=Path),
    help="Ed25519 public key (PEM): also check the bundle's signature.",
)
@click.option(
    "--sign-key",
    type=click.Path(path_type=Path),
    help="Ed25519 private key (PEM) to sign the rewritten manifest when writing into the bundle.",
)
@history_option(
    "Show the trend from this history (alone: GOVSCAN_HISTORY, else the per-user "
    "file; or a path or postgresql://...) instead of the bundle's trend.json.",
    "history_url",
)
@click.option("--since", help="With --history: the period, a date or 90d / 12w ago.")
def report(
    bundle: Path,
    formats: str,
    output_dir: Path | None,
    lang: str,
    sarif_include_passes: bool,
    must_verify: bool,
    public_key: Path | None,
    sign_key: Path | None,
    history_url: str | None,
    since: str | None,
) -> None:
    """Re-render reports from an evidence bundle without scanning."""
    from govscan.render import render_formats
    from govscan.reporters.interface import ReportOptions
    from govscan.reporters.registry import parse_formats

    names = [f for f in parse_formats(formats) if f != "json" or "json" in csv(formats)]
    target = output_dir
    if target is None:
        target = Path(DEFAULT_REPORT_DIR)
        if target.resolve() == bundle.resolve():
            raise UsageError(
                f"{bundle}: to write into the bundle, say so with --output-dir {bundle}"
            )
    if since and history_url is None:
        raise UsageError("--since needs --history: a bundle's own trend covers its own period")
    _check_bundle(bundle, _read_key(public_key, "public key"), must_verify)
    with _history_trend(history_url, since) as history_trend:
        written = render_formats(
            bundle,
            names,
            ReportOptions(lang=lang, sarif_include_passes=sarif_include_passes),
            target,
            sign_key_pem=_read_key(sign_key, "signing key"),
            history_trend=history_trend,
        )
    for path in written:
        click.echo(str(path))


DEFAULT_REPORT_DIR = "govscan-reports"


@contextmanager
def _history_trend(url: str | None, since: str | None) -> Iterator[Any]:
    """Reads the trend of a bundle's scan from the history ``url`` (None: none)."""
    if url is None:
        yield None
        return
    from govscan.cli.history import _since
    from govscan.history.appending import open_history
    from govscan.history.trenddata import trend_from_store

    start = _since(since)
    store = open_history(url)
    try:
        yield lambda scan: trend_from_store(store, scan, start)
    finally:
        store.close()


def _read_key(path: Path | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None


def _check_bundle(bundle: Path, public_key: bytes | None, must_verify: bool) -> None:
    """Say when the bundle does not verify; with ``--verify`` refuse it."""
    from govscan.errors import EvidenceError
    from govscan.evidence.verify import verify_bundle

    try:
        outcome = verify_bundle(bundle, public_key)
    except EvidenceError as exc:
        if must_verify:
            raise
        click.echo(f"govscan: warning: {exc.message}", err=True)
        return
    if outcome.ok:
        return
    problems = [ln for ln in outcome.lines()[:-1] if not ln.startswith(("signature:", "note:"))]
    if outcome.signature_ok is False:
        problems.append(f"signature: {outcome.signature}")
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    message = (
        f"{bundle} does not verify ({problems[0]}{more}); see govscan evidence verify {bundle}"
    )
    if must_verify:
        raise EvidenceError(message)
    click.echo(f"govscan: warning: {message}", err=True)


@click.group()
def evidence() -> None:
    """Work with evidence bundles."""


@evidence.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--public-key", type=click.Path(path_type=Path), help="Ed25519 public key (PEM).")
def evidence_verify(bundle: Path, public_key: Path | None) -> None:
    """Check every file's hash and the signature; exit 1 on any difference."""
    from govscan.evidence.verify import verify_bundle

    key = None
    if public_key is not None:
        try:
            key = public_key.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read public key {public_key}: {exc.strerror}") from None
    outcome = verify_bundle(bundle, key)
    for line in outcome.lines():
        click.echo(line)
    sys.exit(0 if outcome.ok else int(ExitCode.FAILURES))


@evidence.command("push")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.argument("destination", metavar="s3://BUCKET/PREFIX")
@click.option(
    "--retain-days",
    type=click.IntRange(1, 36500),
    required=True,
    help="Days each object is locked (S3 Object Lock, compliance mode).",
)
@click.option(
    "--allow-personal-data",
    is_flag=True,
    help="Push a bundle written with --no-redact: write-once storage cannot erase it.",
)
@click.option("--public-key", type=click.Path(path_type=Path), help="Also check the signature.")
@history_option(
    "Record the object versions in a history (alone: GOVSCAN_HISTORY, else the "
    "per-user SQLite file).",
    "history_url",
)
def evidence_push(
    bundle: Path,
    destination: str,
    retain_days: int,
    allow_personal_data: bool,
    public_key: Path | None,
    history_url: str | None,
) -> None:
    """Upload a verified bundle to an S3 bucket with Object Lock (write-once)."""
    from govscan.evidence.push import check_bucket, prepare_push, push_bundle
    from govscan.evidence.remote import parse_location, s3_client

    where = parse_location(destination)
    local = prepare_push(
        bundle, _read_key(public_key, "public key"), allow_personal_data=allow_personal_data
    )
    store = None
    if history_url is not None:  # opened first: an unreachable history uploads nothing
        from govscan.history.appending import open_history

        store = open_history(history_url)
    try:
        client = s3_client()
        check_bucket(client, where)
        report = push_bundle(client, local, where, retain_days)
        for line in report.lines():
            click.echo(line)
        if store is not None:
            from govscan.errors import StorageError
            from govscan.history.pushes import record_push

            try:
                click.echo(record_push(store, report), err=True)
            except StorageError as exc:
                raise StorageError(
                    f"{exc.message}; the bundle is in {report.url} but the push was not recorded"
                ) from None
    finally:
        if store is not None:
            store.close()


@evidence.command("pull")
@click.argument("source", metavar="s3://BUCKET/PREFIX")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--public-key", type=click.Path(path_type=Path), help="Also check the signature.")
def evidence_pull(source: str, target: Path, public_key: Path | None) -> None:
    """Download a pushed bundle into a new directory and verify it (exit 1 if it does not)."""
    from govscan.evidence.pull import pull_bundle
    from govscan.evidence.remote import parse_location, s3_client

    where = parse_location(source)
    key = _read_key(public_key, "public key")
    report = pull_bundle(s3_client(), where, target, key)
    for line in report.lines():
        click.echo(line)
