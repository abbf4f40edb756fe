"""Commands about collectors: ``permissions`` (the grant a scan needs) and ``demo``."""

from __future__ import annotations

from pathlib import Path

import click

from govscan.cli.common import optional, print_summary
from govscan.errors import UsageError


@click.command()
@click.option(
    "--output-dir", type=click.Path(path_type=Path), default=Path("govscan-demo"), show_default=True
)
@click.option(
    "--format", "formats", default="json,html,sarif,junit,oscal,csv,md", show_default=True
)
@click.option("--lang", type=click.Choice(["en", "de"]), default="en")
def demo(output_dir: Path, formats: str, lang: str) -> None:
    """Scan an embedded demo company: its three cloud estates served locally, a
    repository and an AVV registry."""
    import logging

    # The mock logs every request and response it serves at debug level.
    logging.getLogger("moto").setLevel(logging.WARNING)
    demo_module = optional("govscan.demo.run", "the demo")
    outcome = demo_module.run_demo(output_dir, formats, lang)
    print_summary(outcome)


@click.command()
@click.option("--policy", default="baseline", show_default=True)
@click.option("--controls", "controls_dirs", multiple=True, type=click.Path(path_type=Path))
@click.option(
    "--collector",
    "--provider",
    "collector",
    metavar="NAME",
    help="Collector whose grant to print (default: the only one that has one).",
)
def permissions(policy: str, controls_dirs: tuple[Path, ...], collector: str | None) -> None:
    """Print the least-privilege grant for the API calls a policy needs, in the cloud's
    own format."""
    import fnmatch
    import json

    from govscan import runner
    from govscan.collectors.declared import declared
    from govscan.collectors.interface import CollectionPlan
    from govscan.engine.plan import needed_fields

    offering = {n: c for n, c in declared().items() if c.offers_permissions()}
    names = ", ".join(offering) or "none installed"
    if collector is None:
        if len(offering) != 1:
            raise UsageError(f"say which collector's grant to print: --collector ({names})")
        collector = next(iter(offering))
    cls = offering.get(collector)
    if cls is None:
        raise UsageError(
            f"collector '{collector}' has no permissions to print (collectors that have: {names})"
        )
    controls_, pol, _ = runner.load_catalog(controls_dirs, policy, (), {})
    globs = cls.produces or (f"{cls.name}.*",)
    fields = {
        t: f
        for t, f in needed_fields(controls_).items()
        if any(fnmatch.fnmatchcase(t, g) for g in globs)
    }
    document = cls.permissions(CollectionPlan(fields, dict(pol.values)))
    if document is None:
        raise UsageError(f"collector '{collector}' needs no grant")
    click.echo(json.dumps(dict(document), indent=2))
