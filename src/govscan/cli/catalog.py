"""Commands that read the catalog: ``validate``, ``controls``, ``frameworks``,
``policies`` and ``schema``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from govscan.cli.common import SEVERITIES, printable
from govscan.errors import ExitCode, UsageError, ValidationError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check controls, policies and registries; report every problem as file:line:col."""
    from govscan.validate import validate_paths

    problems, counts = validate_paths(list(paths))
    for p in problems:
        click.echo(printable(str(p)))
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {summary or 'no files'}", err=True)
        sys.exit(int(ExitCode.USAGE))
    click.echo(f"ok: {summary or 'nothing to check'}", err=True)


@click.group()
def controls() -> None:
    """List and show controls."""


def _all_controls(dirs: Sequence[Path]) -> list[Any]:
    from govscan.catalog.controls import load_control_dirs
    from govscan.collectors.declared import resource_types

    control_set, problems = load_control_dirs(dirs, resource_types=resource_types())
    if problems:
        raise ValidationError(problems)
    return list(control_set.controls.values())


@controls.command("list")
@click.option("--framework", help="Only controls mapped to this framework (key or key:REQ).")
@click.option("--severity", type=click.Choice(SEVERITIES[:-1]))
@click.option("--resource-type", help="Only controls of this resource type (glob).")
@click.option("--controls", "controls_dirs", multiple=True, type=click.Path(path_type=Path))
def controls_list(
    framework: str | None,
    severity: str | None,
    resource_type: str | None,
    controls_dirs: tuple[Path, ...],
) -> None:
    """One line per control: id, severity, resource type, title."""
    from govscan.catalog.policies import select_controls
    from govscan.model import Policy, Selection, Severity

    sel = Selection(
        frameworks=(framework,) if framework else (),
        severities=(Severity(severity),) if severity else (),
        resource_types=(resource_type,) if resource_type else (),
    )
    chosen = select_controls(Policy(name="filter", include=(sel,)), _all_controls(controls_dirs))
    for c in chosen:
        click.echo(f"{c.id:<52} {c.severity.value:<8} {c.resource:<28} {c.title}")
    click.echo(f"{len(chosen)} control(s)", err=True)


@controls.command("show")
@click.argument("control_id")
@click.option("--controls", "controls_dirs", multiple=True, type=click.Path(path_type=Path))
def controls_show(control_id: str, controls_dirs: tuple[Path, ...]) -> None:
    """Everything about one control."""
    import yaml

    from govscan.serialize import control_to_dict

    found = {c.id: c for c in _all_controls(controls_dirs)}
    if control_id not in found:
        import difflib

        close = difflib.get_close_matches(control_id, list(found), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"unknown control '{control_id}'{hint}")
    click.echo(
        yaml.safe_dump(control_to_dict(found[control_id]), sort_keys=False, allow_unicode=True),
        nl=False,
    )


@click.group()
def frameworks() -> None:
    """List frameworks and show coverage of their requirements."""


@frameworks.command("list")
def frameworks_list() -> None:
    from govscan.catalog.frameworks import load_frameworks

    controls_ = _all_controls(())
    for key, fw in load_frameworks().items():
        covered = {r for c in controls_ for r in c.frameworks.get(key, ())}
        click.echo(
            f"{key:<16} {fw.title} ({fw.version}): {len(fw.requirements)} requirements, "
            f"{len(covered)} covered by controls"
        )


@frameworks.command("show")
@click.argument("key")
@click.option("--uncovered", is_flag=True, help="Only requirements in the gap state.")
@click.option(
    "--policy",
    "policy_name",
    help="Count only this policy's controls and its not-applicable declarations.",
)
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(path_type=Path))
def frameworks_show(
    key: str, uncovered: bool, policy_name: str | None, policy_dirs: tuple[Path, ...]
) -> None:
    """Each requirement with its coverage state (automated, attested, not applicable,
    gap) and what answers it."""
    from govscan.catalog.frameworks import load_frameworks
    from govscan.results.coverage import Coverage, declared_not_applicable, framework_coverage

    fws = load_frameworks()
    if key not in fws:
        raise UsageError(f"unknown framework '{key}' (known: {', '.join(fws)})")
    controls_ = _all_controls(())
    not_applicable: dict[str, str] = {}
    if policy_name:
        from govscan.catalog.policies import load_policy, select_controls

        pol = load_policy(policy_name, extra_dirs=policy_dirs)
        controls_ = select_controls(pol, controls_)
        not_applicable = declared_not_applicable(getattr(pol, "not_applicable", None), key)
    cov = framework_coverage(
        key, fws[key], ((c.id, c.frameworks) for c in controls_), not_applicable
    )
    for req in cov.requirements:
        if uncovered and req.state is not Coverage.GAP:
            continue
        click.echo(printable(f"{req.id:<14} {req.state.label:<15} {req.title}"))
        if req.state is Coverage.NOT_APPLICABLE:
            detail = f"not applicable: {req.justification}"
        elif req.state is Coverage.GAP:
            detail = "(no automated control: manual evidence needed)"
        else:
            detail = ", ".join(req.automated + req.attested)
        click.echo(printable("    " + detail))
    click.echo(cov.summary(), err=True)


@click.group()
def policies() -> None:
    """List and show policy packs."""


@policies.command("list")
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(path_type=Path))
def policies_list(policy_dirs: tuple[Path, ...]) -> None:
    from govscan.catalog.policies import available_policies, load_policy, select_controls

    controls_ = _all_controls(())
    for name in available_policies(policy_dirs):
        pol = load_policy(name, extra_dirs=policy_dirs)
        n = len(select_controls(pol, controls_))
        first = pol.description.splitlines()[0] if pol.description else ""
        click.echo(f"{name:<16} {n:>4} controls  {first}")


@policies.command("show")
@click.argument("name")
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(path_type=Path))
def policies_show(name: str, policy_dirs: tuple[Path, ...]) -> None:
    from govscan.catalog.policies import load_policy, select_controls

    pol = load_policy(name, extra_dirs=policy_dirs)
    chosen = select_controls(pol, _all_controls(()))
    click.echo(f"policy: {pol.name} ({pol.source})")
    if pol.description:
        click.echo(pol.description)
    click.echo("parameters:")
    for pname, spec in sorted(pol.parameters.items()):
        click.echo(f"  {pname} ({spec.type}) = {pol.values.get(pname)!r}  {spec.description}")
    click.echo(f"waivers: {len(pol.waivers)}")
    for w in pol.waivers:
        click.echo(
            f"  {w.control} {', '.join(w.resources)} owner={w.owner} expires={w.expires}: "
            f"{w.reason}"
        )
    click.echo(f"controls: {len(chosen)}")
    for c in chosen:
        click.echo(f"  {c.id} [{c.severity.value}]")


@click.command()
@click.argument(
    "kind",
    type=click.Choice(
        ["control", "policy", "results", "registry", "records", "baseline", "attestation"]
    ),
)
def schema(kind: str) -> None:
    """Print a JSON Schema (for editors via yaml-language-server, or for CI checks)."""
    from govscan.schemas import schema_text

    click.echo(schema_text(kind), nl=False)
