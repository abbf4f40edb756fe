"""``govscan merge``: shard bundles of one plan into one signed bundle (docs/scale.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govscan.cli.common import SEVERITIES, history_option


@click.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Directory of the merged bundle (not one of the shards).",
)
@click.option("--format", "formats", help="Comma-separated reports to render (default: json,html).")
@click.option("--lang", type=click.Choice(["en", "de"]), default="en", help="Report language.")
@click.option(
    "--sign-key",
    type=click.Path(path_type=Path),
    help="Ed25519 private key (PEM) to sign the merged manifest; or GOVSCAN_SIGNING_KEY.",
)
@click.option(
    "--public-key",
    type=click.Path(path_type=Path),
    help="Ed25519 public key (PEM): every shard's signature must verify with it.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="info",
    show_default=True,
    help="Lowest failing severity that makes the exit code 1 ('none': never).",
)
@history_option(
    "Append the merged run to a history (as govscan scan --history does).",
)
def merge(
    shards: tuple[Path, ...],
    output_dir: Path,
    formats: str | None,
    lang: str,
    sign_key: Path | None,
    public_key: Path | None,
    fail_on: str,
    history: str | None,
) -> None:
    """Verify the shard bundles of one plan and join them into one bundle whose
    results equal a single-process scan's."""
    from govscan.cli.bundles import _read_key
    from govscan.cli.common import print_summary
    from govscan.cli.scan import _default_formats, _signing_key
    from govscan.errors import ExitCode, StorageError
    from govscan.history.appending import append_scan, open_history
    from govscan.model import Severity
    from govscan.reporters.interface import ReportOptions
    from govscan.reporters.registry import parse_formats
    from govscan.results.verdict import exit_code_for
    from govscan.runner import ScanOutcome
    from govscan.shard.merge import merge_bundles

    key = _signing_key(sign_key)
    if key is not None:
        from govscan.evidence.signing import load_private_key

        load_private_key(key)  # a bad key stops before anything is read
    # Opened first: a history that cannot be reached stops the merge at once.
    store = open_history(history) if history is not None else None
    try:
        scan = merge_bundles(
            shards,
            output_dir,
            tuple(parse_formats(formats or _default_formats())),
            ReportOptions(lang=lang),
            sign_key_pem=key,
            public_key=_read_key(public_key, "public key"),
        )
        code = exit_code_for(scan, None if fail_on == "none" else Severity(fail_on), False)
        print_summary(ScanOutcome(scan, output_dir, code))
        n = scan.run.shard.count if scan.run.shard else len(shards)
        click.echo(f"merged {n} shard bundle(s) into {output_dir}", err=True)
        if store is not None:
            try:
                click.echo(append_scan(store, scan, int(code), output_dir), err=True)
            except StorageError as exc:
                # The merged bundle is written: nothing is lost, the run is incomplete.
                click.echo(f"{exc}; the bundle is complete in {output_dir}", err=True)
                code = max(code, ExitCode.INCOMPLETE)
    finally:
        if store is not None:
            store.close()
    sys.exit(int(code))
