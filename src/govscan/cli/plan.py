"""``govscan plan``: find a scan's units once, for shards to share (docs/scale.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from govscan.cli.scan import ScanCommand, _load_config, catalog_config, catalog_options


@click.command(cls=ScanCommand)
@catalog_options
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge as of this date (default: the plan's day, for every shard).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Plan file to write (JSON), e.g. units.json.",
)
def plan(config_path: Path | None, output: Path, **opts: Any) -> None:
    """Write the units of a scan (accounts x regions, subscriptions, projects, root
    modules) once; then run `govscan scan --plan FILE --shard I/N` N times and
    `govscan merge` the bundles."""
    from govscan import runner
    from govscan.config import merge_scan_options
    from govscan.shard.planfile import write_plan

    merged = merge_scan_options(_load_config(config_path), opts)
    config = runner.ScanConfig(**catalog_config(merged))
    planned = runner.plan_scan(config)
    write_plan(planned.plan, output)
    counts: dict[str, int] = {}
    for u in planned.plan.units:
        counts[u.collector] = counts.get(u.collector, 0) + 1
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
    click.echo(f"{output}: {len(planned.plan.units)} units ({summary}); {planned.plan.digest}")
    for e in planned.plan.errors:
        where = "/".join(x for x in (e.account, e.region) if x)
        click.echo(f"warning: {e.collector} {where}: {e.message}", err=True)
