"""What a ``govscan scan`` does between parsing flags and exiting.

Kept out of ``cli.py`` so that the command layer only translates flags and
exit codes, and so that tests and other programs can run a scan directly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Re-exported: the one content hash lives in its own module.
from govscan.canonical import content_hash as content_hash
from govscan.errors import CollectorError, ExitCode, StorageError, UsageError, ValidationError
from govscan.fingerprint import ENV_KEY
from govscan.history.appending import append_scan, open_history, scan_trend
from govscan.history.baseline_scan import apply_baseline, check_baseline
from govscan.model import Control, Policy, ScanResult, Severity
from govscan.results.verdict import exit_code_for as exit_code_for

if TYPE_CHECKING:
    from govscan.shard.planning import Planned, ShardRun

log = logging.getLogger(__name__)

DEFAULT_FORMATS = "json,html"


@dataclass(frozen=True)
class ScanConfig:
    policy: str = "baseline"
    controls_dirs: tuple[Path, ...] = ()
    policy_dirs: tuple[Path, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    targets: Mapping[str, Any] = field(default_factory=dict)
    """Collector options, by the keys the collectors declare (``CollectorOption.key``)."""
    formats: tuple[str, ...] = ("json", "html")
    output_dir: Path = Path("govscan-results")
    fail_on: Severity | None = Severity.INFO
    as_of: date | None = None
    lang: str = "en"
    sarif_include_passes: bool = False
    sign_key_pem: bytes | None = None
    redact: bool = True
    """Pseudonymise personal data (user names, e-mail addresses) in the bundle."""
    strict_unknown: bool = False
    """Results undetermined before apply make the run incomplete (exit 3)."""
    baseline: str | None = None
    """A baseline file, or ``history``: the last run of the same targets in the history."""
    history: str | None = None
    """A history to append the run to (``default``, a path or a URL); None: none."""
    attestations: Path | None = None
    plan_file: Path | None = None
    """A plan (``govscan plan``): scan its units, or with ``shard`` a share of them."""
    shard: str | None = None
    """``I/N`` or ``auto/N``: scan the I-th of N shares of the plan's units."""


@dataclass(frozen=True)
class ScanOutcome:
    scan: ScanResult
    output_dir: Path
    exit_code: ExitCode
    overridden: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old control ids (``replaces``) the policy, control files or inline suppressions
    still name -> current id; each is logged once as a deprecation."""
    per_run_fingerprints: bool = False
    """Cloud resources were judged without a persistent fingerprint key: their
    findings' fingerprints will differ in the next run."""
    history_note: str = ""
    """What became of appending to the history (recorded as run N, or why not)."""


def load_catalog(
    controls_dirs: Sequence[Path],
    policy_name: str,
    policy_dirs: Sequence[Path],
    params: Mapping[str, str],
) -> tuple[list[Control], Policy, Mapping[str, tuple[str, str]]]:
    selected, policy, overridden, _ = _load_catalog(controls_dirs, policy_name, policy_dirs, params)
    return selected, policy, overridden


def _load_catalog(
    controls_dirs: Sequence[Path],
    policy_name: str,
    policy_dirs: Sequence[Path],
    params: Mapping[str, str],
) -> tuple[list[Control], Policy, Mapping[str, tuple[str, str]], dict[str, str]]:
    """Also returns the old control ids (``replaces``) the policy and control files name."""
    from govscan.catalog.controls import load_control_dirs
    from govscan.catalog.policies import load_policy, select_controls
    from govscan.catalog.renames import renamed_references
    from govscan.collectors.declared import resource_types

    control_set, problems = load_control_dirs(controls_dirs, resource_types=resource_types())
    if problems:
        raise ValidationError(problems)
    policy = load_policy(
        policy_name,
        extra_dirs=policy_dirs,
        overrides=params,
        known_controls=control_set.known_ids(),
    )
    selected = select_controls(policy, control_set.controls.values())
    _check_params(selected, policy)
    from govscan.catalog.parameters import param_value_problems

    bad_values = param_value_problems(selected, policy, from_flags=params)
    if bad_values:
        more = f" (and {len(bad_values) - 1} more)" if len(bad_values) > 1 else ""
        raise UsageError(bad_values[0] + more)
    named = [w.control for w in policy.waivers] + list(policy.severity_overrides)
    named += [i for sel in (*policy.include, *policy.exclude) for i in sel.ids]
    renamed = {**control_set.renamed, **renamed_references(named, control_set)}
    return selected, policy, control_set.overridden, renamed


def _check_params(controls: Sequence[Control], policy: Policy) -> None:
    from govscan.language.reads import check_params

    for c in controls:
        for name in sorted(check_params(c.check)):
            # A default written at the reference makes the parameter optional.
            if name not in policy.values and not _param_has_default(c.check, name):
                raise UsageError(
                    f"control {c.id} ({c.source}) uses parameter '{name}', which policy "
                    f"'{policy.name}' does not declare"
                )


def _param_has_default(tree: Any, name: str) -> bool:
    if isinstance(tree, dict):
        if tree.get("param") == name and "default" in tree:
            return True
        return any(_param_has_default(v, name) for v in tree.values())
    if isinstance(tree, list):
        return any(_param_has_default(v, name) for v in tree)
    return False


def controls_hash(controls: Sequence[Control]) -> str:
    from govscan.serialize import control_to_dict

    docs = [control_to_dict(c) for c in sorted(controls, key=lambda c: c.id)]
    for d in docs:
        d.pop("source", None)
    return content_hash(docs)


def policy_hash(policy: Policy) -> str:
    doc = asdict(policy)
    doc.pop("source", None)
    return content_hash(doc)


def build_collectors(targets: Mapping[str, Any]) -> list[Any]:
    from govscan.collectors.declared import declared, target_hint

    out = []
    collectors = declared()
    for name, cls in collectors.items():
        for sdk in cls.sdk_loggers:
            # SDK debug logs print whole API responses; quiet whatever the root logger says.
            logging.getLogger(sdk).setLevel(logging.WARNING)
        try:
            col = cls.from_options(targets)
        except (UsageError, CollectorError):
            raise
        except Exception as exc:  # a broken plugin is reported and skipped
            log.warning("collector %s cannot start: %s: %s", name, type(exc).__name__, exc)
            continue
        if col is not None:
            out.append(col)
    if not out:
        raise UsageError(
            f"nothing to scan: give at least one target ({target_hint(collectors)}) "
            "or a govscan.yaml with targets"
        )
    return out


def run(config: ScanConfig, on_progress: Callable[[int, int], None] | None = None) -> ScanOutcome:
    from govscan.catalog.renames import note_renames

    controls, policy, overridden, renamed = _load_catalog(
        config.controls_dirs, config.policy, config.policy_dirs, config.params
    )
    noted: set[str] = set()
    note_renames(renamed, noted)
    check_baseline(config.baseline, config.history)  # a bad baseline stops the run here
    if config.shard is not None and config.history is not None:
        # A shard is part of a run: the merged bundle is what a history records.
        raise UsageError(
            "--history with --shard: append the merged run instead (govscan merge --history)"
        )
    # Opened before collecting: a history that cannot be reached stops the run at once.
    history = open_history(config.history) if config.history is not None else None
    try:
        fingerprint_key = os.environ.get(ENV_KEY, "").strip() or (
            history.fingerprint_key() if history else None
        )
        return _run(
            config,
            controls,
            policy,
            overridden,
            renamed,
            noted,
            history,
            fingerprint_key,
            on_progress,
        )
    finally:
        if history is not None:
            history.close()


def _run(
    config: ScanConfig,
    controls: Sequence[Control],
    policy: Policy,
    overridden: Mapping[str, tuple[str, str]],
    renamed: Mapping[str, str],
    noted: set[str],
    history: Any,
    fingerprint_key: str | None,
    on_progress: Callable[[int, int], None] | None,
) -> ScanOutcome:
    from govscan.catalog.renames import note_renames
    from govscan.evidence.outdir import claim_output_dir

    # Claimed before collecting: a directory govscan may not replace stops the run
    # with nothing scanned, and a second run into the same place fails at once.
    with claim_output_dir(config.output_dir) as out:
        targets = {**config.targets, "exclude_paths": out.excluded}
        collectors = build_collectors(targets)
        shard = None
        if config.shard is not None or config.plan_file is not None:
            shard = _shard(config, collectors, controls, policy, targets)
            collectors = list(shard.collectors)
            config = replace(config, as_of=shard.plan.as_of)
        in_code: dict[str, str] = {}
        scan = _scan_into(
            config,
            controls,
            policy,
            collectors,
            out.staging,
            on_progress,
            in_code,
            fingerprint_key,
            history,
            shard,
        )
        out.commit()
    note_renames(in_code, noted)
    code = exit_code_for(scan, config.fail_on, config.strict_unknown)
    per_run = scan.run.fingerprints == "per-run" and any(c.origin == "cloud" for c in collectors)
    note = ""
    if history is not None:
        try:
            note = append_scan(history, scan, int(code), config.output_dir)
        except StorageError as exc:
            # The bundle is written: nothing is lost, the run is incomplete.
            code = max(code, ExitCode.INCOMPLETE)
            note = f"{exc}; the bundle is complete in {config.output_dir}"
    return ScanOutcome(
        scan, config.output_dir, code, overridden, {**renamed, **in_code}, per_run, note
    )


def plan_scan(config: ScanConfig) -> Planned:
    """``govscan plan``: the units of the scan ``config`` describes, found once."""
    from govscan.shard.planning import make_plan

    controls, policy, _overridden, _renamed = _load_catalog(
        config.controls_dirs, config.policy, config.policy_dirs, config.params
    )
    collectors = build_collectors(config.targets)
    hashes = (controls_hash(controls), policy_hash(policy))
    return make_plan(collectors, controls, policy, config.targets, hashes, config.as_of)


def _shard(
    config: ScanConfig,
    collectors: list[Any],
    controls: Sequence[Control],
    policy: Policy,
    targets: Mapping[str, Any],
) -> ShardRun:
    from govscan.shard.assign import ShardSpec, parse_shard
    from govscan.shard.planning import prepare_shard, require_shared_keys

    spec = parse_shard(config.shard) if config.shard is not None else ShardSpec(1, 1)
    if spec.count > 1:
        require_shared_keys(config.redact)
    hashes = (controls_hash(controls), policy_hash(policy))
    return prepare_shard(
        config.plan_file, spec, collectors, controls, policy, targets, hashes, config.as_of
    )


def _scan_into(
    config: ScanConfig,
    controls: Sequence[Control],
    policy: Policy,
    collectors: list[Any],
    out_dir: Path,
    on_progress: Callable[[int, int], None] | None,
    renamed: dict[str, str] | None = None,
    fingerprint_key: str | None = None,
    history: Any = None,
    shard: ShardRun | None = None,
) -> ScanResult:
    """Collect, judge and write the whole bundle into ``out_dir`` (a fresh directory);
    old control ids inline suppressions name are added to ``renamed``."""
    from govscan.engine.scan import ScanOptions, run_scan
    from govscan.evidence.files import RESOURCES
    from govscan.evidence.resources import ResourceWriter
    from govscan.evidence.sinks import RedactedResults, RedactingSink, RenameWatch
    from govscan.fingerprint import Fingerprinter
    from govscan.render import write_scan_bundle
    from govscan.reporters.interface import ReportOptions

    if config.as_of is not None:
        as_of = datetime.combine(config.as_of, time(23, 59, 59), tzinfo=UTC)
    else:
        as_of = datetime.now(UTC)
    options = ScanOptions(
        as_of=as_of,
        controls_hash=controls_hash(controls),
        policy_hash=policy_hash(policy),
        # Without a persistent key cloud fingerprints hold for this run only; the run
        # metadata says which (``fingerprints``).
        fingerprints=Fingerprinter.from_secret(fingerprint_key)
        if fingerprint_key
        else Fingerprinter.per_run(),
        shard=shard.info if shard else None,
        planned_targets=shard.plan.targets if shard else (),
        planned_errors=shard.planned_errors if shard else (),
    )
    redactor = None
    if config.redact:
        from govscan.evidence.pseudonymise import Redactor

        # Unless shards share one (GOVSCAN_PSEUDONYM_KEY), the key lives only in
        # memory: pseudonyms are stable within this bundle only.
        redactor = Redactor.from_environment(os.environ)
        # Waiver owners are known before anything is collected: a resource or message
        # naming one gets the pseudonym its waivers show.
        redactor.learn_people(w.owner for w in policy.waivers)
    from govscan.results.spool import ResultSpool

    # The spool's temporary database lives as long as the returned ScanResult.
    spool = ResultSpool()
    results: Any = RedactedResults(spool, redactor) if redactor is not None else spool
    from govscan.attest.scan import add_attestations

    add_attestations(config.attestations, as_of.date(), results, out_dir)
    with ResourceWriter(out_dir / RESOURCES) as writer:
        sink: Any = RedactingSink(writer, redactor) if redactor is not None else writer
        if renamed is not None and any(c.replaces for c in controls):
            sink = RenameWatch(sink, controls, renamed)
        scan = run_scan(
            controls,
            policy,
            collectors,
            options,
            sink=sink,
            results=results,
            on_progress=on_progress,
        )
    if redactor is not None:
        scan = replace(
            scan,
            run=redactor.run(scan.run),
            errors=tuple(redactor.error(e) for e in scan.errors),
        )
    scan = apply_baseline(scan, config.baseline, config.history, config.as_of)
    personal = "pseudonymised" if redactor is not None else "kept"
    scan = replace(scan, run=replace(scan.run, personal_data=personal))
    write_scan_bundle(
        scan,
        out_dir,
        config.formats,
        ReportOptions(lang=config.lang, sarif_include_passes=config.sarif_include_passes),
        sign_key_pem=config.sign_key_pem,
        trend=scan_trend(history, scan),  # the history before this run, and this run
    )
    return scan
