"""The command line: click commands only, and the one place that exits.

Heavy modules (the engine, cloud SDKs, jsonschema, rich) are imported inside
the commands, so ``govscan --version`` and ``--help`` start fast.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from govscan import __version__
from govscan.errors import ExitCode, GovscanError, UsageError, ValidationError

log = logging.getLogger("govscan")

SEVERITIES = ("info", "low", "medium", "high", "critical", "none")


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
    # SDK debug logs print whole API responses (Lambda environment values among them);
    # they stay quiet whatever the root logger is set to.
    for noisy in ("botocore", "boto3", "urllib3", "azure", "google", "moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="govscan", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """govscan: compliance-as-code for cloud accounts and infrastructure code."""
    _setup_logging(verbose)


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


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


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Settings and targets file (default: ./govscan.yaml when present).",
)
@click.option("--policy", help="Policy name or file (default: baseline).")
@click.option(
    "--controls",
    "controls_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of extra controls; overrides built-in ids. Repeatable.",
)
@click.option(
    "--policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of extra policies. Repeatable.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a policy parameter. Repeatable.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Lowest failing severity that "
    "makes the exit code 1 (default: info; 'none' never fails on findings).",
)
@click.option("--aws", is_flag=True, default=None, help="Scan AWS with boto3's credentials.")
@click.option("--aws-profile")
@click.option("--aws-regions", help="Comma-separated regions (default: all enabled).")
@click.option("--aws-role-arn")
@click.option("--aws-external-id")
@click.option("--aws-accounts", "aws_accounts_file", type=click.Path(path_type=Path))
@click.option(
    "--aws-organizations",
    is_flag=True,
    default=None,
    help="Discover member accounts through AWS Organizations.",
)
@click.option("--azure", is_flag=True, default=None)
@click.option("--azure-subscriptions")
@click.option("--gcp", is_flag=True, default=None)
@click.option("--gcp-projects")
@click.option("--repo", type=click.Path(path_type=Path), help="Repository or folder to scan.")
@click.option(
    "--tf-var-file",
    "tf_var_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Terraform .tfvars file for every root module, applied last (like -var-file).",
)
@click.option(
    "--max-file-size",
    help="Largest repository file read, e.g. '20 MiB' (default 10 MiB; a plan JSON 10 times it).",
)
@click.option("--registry", type=click.Path(path_type=Path), help="AVV registry file.")
@click.option(
    "--records",
    type=click.Path(path_type=Path),
    help="Records of processing activities (Art. 30 VVT) linked to the registry.",
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
@click.option("--format", "formats", help="Comma-separated: json,html,sarif,junit,oscal,csv,md.")
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
def scan(config_path: Path | None, **opts: Any) -> None:
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
        policy=merged.get("policy") or "baseline",
        controls_dirs=tuple(Path(p) for p in merged.get("controls_dirs", ())),
        policy_dirs=tuple(Path(p) for p in merged.get("policy_dirs", ())),
        params=_params(merged.get("params", ())),
        targets=merged["targets"],
        formats=tuple(parse_formats(merged.get("formats") or _default_formats())),
        output_dir=Path(merged.get("output_dir") or "govscan-results"),
        fail_on=None if fail_on == "none" else Severity(fail_on),
        as_of=_as_date(merged.get("as_of")),
        lang=merged.get("lang") or "en",
        sarif_include_passes=bool(merged.get("sarif_include_passes")),
        sign_key_pem=sign_key,
        redact=merged.get("redact") is not False,
        strict_unknown=merged.get("strict_unknown") is True,
    )
    outcome = _with_progress(lambda cb: runner.run(config, on_progress=cb))
    _print_summary(outcome)
    sys.exit(int(outcome.exit_code))


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


def printable(text: str) -> str:
    """``text`` with control characters escaped: a file named in a message may hold a
    newline or an escape sequence, and a CI log must not read it as a command."""
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)


def _print_summary(outcome: Any) -> None:
    summary = outcome.scan.summary
    parts = ", ".join(f"{k}: {v}" for k, v in summary.items())
    click.echo(f"{len(outcome.scan.results)} results ({parts})")
    undetermined = outcome.scan.results.undetermined_count()
    if undetermined:
        click.echo(
            f"{undetermined} error(s) need values unknown before apply "
            "(--tf-var-file or a plan JSON decides them; --strict-unknown makes them exit 3)",
            err=True,
        )
    for cid, (old, new) in sorted(outcome.overridden.items()):
        click.echo(f"note: control {cid} from {new} overrides the built-in {old}", err=True)
    if outcome.scan.errors:
        click.echo(
            f"{len(outcome.scan.errors)} collection error(s): the assessment is incomplete",
            err=True,
        )
        for e in outcome.scan.errors[:10]:
            where = " ".join(x for x in (e.account, e.region, e.operation) if x)
            click.echo(printable(f"  {e.collector} {where}: {e.message}"), err=True)
    html = outcome.output_dir / "report.html"
    click.echo(f"bundle: {outcome.output_dir}")
    if html.exists():
        click.echo(f"report: {html}")


@cli.command()
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


@cli.group()
def controls() -> None:
    """List and show controls."""


def _all_controls(dirs: Sequence[Path]) -> list[Any]:
    from govscan.catalog.controls import load_control_dirs

    control_set, problems = load_control_dirs(dirs)
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


@cli.group()
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
@click.option("--uncovered", is_flag=True, help="Only requirements no control covers.")
def frameworks_show(key: str, uncovered: bool) -> None:
    """Each requirement, the controls covering it, and which have none."""
    from govscan.catalog.frameworks import load_frameworks

    fws = load_frameworks()
    if key not in fws:
        raise UsageError(f"unknown framework '{key}' (known: {', '.join(fws)})")
    by_req: dict[str, list[str]] = {}
    for c in _all_controls(()):
        for rid in c.frameworks.get(key, ()):
            by_req.setdefault(rid, []).append(c.id)
    fw = fws[key]
    none = 0
    for req in fw.requirements:
        ids = by_req.get(req.id, [])
        if not ids:
            none += 1
        if uncovered and ids:
            continue
        click.echo(f"{req.id:<14} {req.title}")
        click.echo(
            "    "
            + (", ".join(sorted(ids)) if ids else "(no automated control: manual evidence needed)")
        )
    click.echo(
        f"{len(fw.requirements) - none} of {len(fw.requirements)} requirements covered", err=True
    )


@cli.group()
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


@cli.command()
@click.argument("kind", type=click.Choice(["control", "policy", "results", "registry", "records"]))
def schema(kind: str) -> None:
    """Print a JSON Schema (for editors via yaml-language-server, or for CI checks)."""
    from govscan.schemas import schema_text

    click.echo(schema_text(kind), nl=False)


@cli.command()
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
    from govscan.evidence.bundle import render_formats
    from govscan.reporters.interface import ReportOptions
    from govscan.reporters.registry import parse_formats

    names = [f for f in parse_formats(formats) if f != "json" or "json" in _csv(formats)]
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


@cli.group()
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


@cli.command()
@click.option(
    "--output-dir", type=click.Path(path_type=Path), default=Path("govscan-demo"), show_default=True
)
@click.option(
    "--format", "formats", default="json,html,sarif,junit,oscal,csv,md", show_default=True
)
@click.option("--lang", type=click.Choice(["en", "de"]), default="en")
def demo(output_dir: Path, formats: str, lang: str) -> None:
    """Scan an embedded demo company (local AWS mock, repository, AVV registry)."""
    demo_module = _optional("govscan.demo.run", "the demo")
    outcome = demo_module.run_demo(output_dir, formats, lang)
    _print_summary(outcome)


@cli.command()
@click.option("--policy", default="baseline", show_default=True)
@click.option("--controls", "controls_dirs", multiple=True, type=click.Path(path_type=Path))
@click.option("--provider", type=click.Choice(["aws"]), default="aws", show_default=True)
def permissions(policy: str, controls_dirs: tuple[Path, ...], provider: str) -> None:
    """Print the least-privilege IAM policy for the API calls a policy needs."""
    import json

    from govscan import runner
    from govscan.collectors.interface import CollectionPlan

    iam_policy_document = _optional("govscan.collectors.aws.permissions", "AWS").iam_policy_document
    from govscan.engine.plan import needed_fields

    controls_, pol, _ = runner.load_catalog(controls_dirs, policy, (), {})
    fields = {t: f for t, f in needed_fields(controls_).items() if t.startswith(f"{provider}.")}
    click.echo(json.dumps(iam_policy_document(CollectionPlan(fields, dict(pol.values))), indent=2))


def _optional(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(f"{what} is not available in this installation: {exc}") from None


def main(argv: Sequence[str] | None = None) -> NoReturn:
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="govscan", standalone_mode=True
        )
    except GovscanError as exc:
        _fail(exc)
    sys.exit(0)


__all__ = ["cli", "main"]
