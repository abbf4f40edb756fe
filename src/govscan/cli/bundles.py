"""Commands on evidence bundles: ``report`` and ``evidence verify``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govscan.cli.common import csv
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
def report(
    bundle: Path,
    formats: str,
    output_dir: Path | None,
    lang: str,
    sarif_include_passes: bool,
    must_verify: bool,
    public_key: Path | None,
    sign_key: Path | None,
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
    _check_bundle(bundle, _read_key(public_key, "public key"), must_verify)
    written = render_formats(
        bundle,
        names,
        ReportOptions(lang=lang, sarif_include_passes=sarif_include_passes),
        target,
        sign_key_pem=_read_key(sign_key, "signing key"),
    )
    for path in written:
        click.echo(str(path))


DEFAULT_REPORT_DIR = "govscan-reports"


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
