"""``govscan soa``: the Statement of Applicability of a framework from a bundle."""

from __future__ import annotations

from pathlib import Path

import click

from govscan.catalog.frameworks import FRAMEWORK_KEYS


@click.command()
@click.option(
    "--framework", required=True, type=click.Choice(FRAMEWORK_KEYS), help="Framework key."
)
@click.option(
    "--bundle", required=True, type=click.Path(path_type=Path), help="Evidence bundle to read."
)
@click.option(
    "--format",
    "formats",
    default="xlsx",
    show_default=True,
    help="Comma-separated: xlsx, csv, md, html.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path(),
    help="Where to write soa-<framework>.<ext> (default: the current directory; never "
    "inside the bundle).",
)
@click.option("--lang", type=click.Choice(["en", "de"]), default="en")
@click.option("--force", is_flag=True, help="Replace existing soa-<framework>.* files.")
@click.option("--verify", "must_verify", is_flag=True, help="Refuse a bundle that does not verify.")
@click.option(
    "--public-key",
    type=click.Path(path_type=Path),
    help="Ed25519 public key (PEM): also check the bundle's signature.",
)
def soa(
    framework: str,
    bundle: Path,
    formats: str,
    output_dir: Path,
    lang: str,
    force: bool,
    must_verify: bool,
    public_key: Path | None,
) -> None:
    """Write the Statement of Applicability of FRAMEWORK from an evidence bundle.

    Every requirement (for ISO/IEC 27001:2022 every Annex A control) with its
    applicability and justification, implementation status, evidence, owner and
    last review (docs/soa.md).
    """
    from govscan.catalog.frameworks import load_framework
    from govscan.cli.bundles import _check_bundle, _read_key
    from govscan.evidence.attestations import read_attestations
    from govscan.evidence.bundle import load_scan
    from govscan.soa.build import build_soa, manifest_digest
    from govscan.soa.output import (
        check_output_dir,
        check_targets,
        parse_formats,
        render_all,
        write_all,
    )

    names = parse_formats(formats)
    if "xlsx" in names:
        from govscan.soa.xlsx import require_openpyxl

        require_openpyxl()
    check_output_dir(bundle, output_dir)
    check_targets(output_dir, framework, names, force)
    _check_bundle(bundle, _read_key(public_key, "public key"), must_verify)
    scan = load_scan(bundle)
    statement = build_soa(
        scan, load_framework(framework), read_attestations(bundle), manifest_digest(bundle)
    )
    rendered = render_all(statement, names, lang)
    for path in write_all(output_dir, framework, rendered, force):
        click.echo(str(path))
