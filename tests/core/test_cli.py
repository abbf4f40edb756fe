"""The command line through click's runner, and once through the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.schemas import schema

from .fakes import OTHER, FakeCollector, error, thing

CONTROL = """
id: fake.thing.encrypted
title: Things are encrypted
severity: high
resource: fake.thing
check: {path: encrypted, op: eq, value: true}
message: "{name} is not encrypted"
frameworks:
  nist-800-53-r5: [SC-28]
  dsgvo: ["Art. 32(1)(a)"]
"""

OTHER_CONTROL = """
id: fake.other.sized
title: Others have a size
severity: low
resource: fake.other
check: {path: size, op: present}
frameworks: {iso27001-2022: [A.8.24]}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "encrypted.yaml").write_text(CONTROL)
    (controls / "other.yaml").write_text(OTHER_CONTROL)
    (tmp_path / "policy.yaml").write_text(
        "name: fake\nextends: baseline\nselect: [{ids: ['fake.*']}]\n"
    )
    FakeCollector.always = True
    return tmp_path


def _scan(project: Path, *extra: str) -> tuple[int, str, dict[str, Any]]:
    out = project / "out"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--controls",
            str(project / "controls"),
            "--policy",
            str(project / "policy.yaml"),
            "--format",
            "json",
            "--output-dir",
            str(out),
            *extra,
        ],
    )
    results = out / "results.json"
    doc = json.loads(results.read_text()) if results.exists() else {}
    return result.exit_code, result.output, doc


def test_scan_writes_valid_results_json_and_exits_1_on_failure(project: Path) -> None:
    FakeCollector.items = [thing("t/a", encrypted=True), thing("t/b", encrypted=False)]
    code, output, doc = _scan(project)
    assert code == 1, output
    jsonschema.validate(doc, schema("results"))
    assert doc["schema"] == "govscan/results/v1"
    assert doc["summary"]["fail"] == 1 and doc["summary"]["pass"] == 1
    fail = next(r for r in doc["results"] if r["status"] == "fail")
    assert fail["message"] == "b is not encrypted"
    assert fail["frameworks"]["dsgvo"] == ["Art. 32(1)(a)"]


def test_fail_on_threshold_and_none(project: Path) -> None:
    FakeCollector.items = [thing("t/b", encrypted=False)]
    assert _scan(project, "--fail-on", "critical")[0] == 0
    assert _scan(project, "--fail-on", "none")[0] == 0
    assert _scan(project, "--fail-on", "high")[0] == 1


def test_collection_error_exits_3_even_with_failures(project: Path) -> None:
    FakeCollector.items = [thing("t/b", encrypted=False), error((OTHER,))]
    code, output, doc = _scan(project)
    assert code == 3
    assert doc["errors"][0]["operation"] == "fake:ListThings"
    assert "incomplete" in output


def test_param_override_and_unknown_param(project: Path) -> None:
    FakeCollector.items = [thing("t/a", encrypted=True)]
    code, output, _ = _scan(project, "--param", "max_access_key_age_days=30")
    assert code == 0, output
    code, output, _ = _scan(project, "--param", "no_such_param=1")
    assert code == 2
    assert "declares no such parameter" in output
    code, output, _ = _scan(project, "--param", "max_access_key_age_days=abc")
    assert code == 2
    assert "parameter 'max_access_key_age_days' expects a value of type integer" in output


def test_user_control_overriding_builtin_says_so(project: Path, tmp_path: Path) -> None:
    from govscan.catalog.controls import load_control_dirs

    builtin, _ = load_control_dirs([])
    if not builtin.controls:
        pytest.skip("no built-in controls installed")
    victim = next(iter(builtin.controls.values()))
    text = Path(victim.source).read_text().replace(victim.title, "Overridden title")
    override = tmp_path / "override"
    override.mkdir()
    (override / "x.yaml").write_text(text)
    loaded, problems = load_control_dirs([override])
    assert not problems
    assert loaded.controls[victim.id].title == "Overridden title"
    assert victim.id in loaded.overridden


def test_unknown_policy_is_usage_error(project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["scan", "--policy", "nope", "--output-dir", str(project / "o")]
    )
    assert result.exit_code == 2
    assert "unknown policy 'nope'" in result.output
    assert "Traceback" not in result.output


def test_nothing_to_scan_is_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no govscan.yaml here
    result = CliRunner().invoke(cli, ["scan", "--output-dir", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nothing to scan" in result.output


def test_config_file_targets_and_flags(project: Path) -> None:
    FakeCollector.items = [thing("t/b", encrypted=False)]
    cfg = project / "govscan.yaml"
    cfg.write_text(
        "policy: policy.yaml\ncontrols: [controls]\nfail_on: critical\n"
        "formats: [json]\noutput_dir: fromcfg\n"
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert (project / "fromcfg" / "results.json").exists()
    cfg.write_text("polcy: x\n")
    result = CliRunner().invoke(cli, ["scan", "--config", str(cfg)])
    assert result.exit_code == 2
    assert "govscan.yaml:1:1: unknown setting 'polcy'" in result.output


def test_controls_list_show_and_filters() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["controls", "list"])
    assert listed.exit_code == 0, listed.output
    filtered = runner.invoke(cli, ["controls", "list", "--severity", "critical"])
    assert filtered.exit_code == 0
    for line in filtered.stdout.splitlines():
        assert " critical " in line
    missing = runner.invoke(cli, ["controls", "show", "no.such.control"])
    assert missing.exit_code == 2 and "unknown control" in missing.output


def test_frameworks_and_policies_commands() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["frameworks", "list"])
    assert out.exit_code == 0, out.output
    for key in ("iso27001-2022", "nist-800-53-r5", "nist-csf-2.0", "dsgvo", "bsi-c5-2020"):
        assert key in out.output
    show = runner.invoke(cli, ["frameworks", "show", "dsgvo"])
    assert show.exit_code == 0
    assert "Art. 44" in show.output
    assert "manual evidence needed" in show.output
    pols = runner.invoke(cli, ["policies", "list"])
    for name in ("baseline", "dsgvo", "iso27001", "nist-800-53", "bsi-c5"):
        assert name in pols.output
    shown = runner.invoke(cli, ["policies", "show", "dsgvo"])
    assert "allowed_jurisdictions" in shown.output


@pytest.mark.parametrize("kind", ["control", "policy", "results"])
def test_schemas_are_valid_json_schema(kind: str) -> None:
    result = CliRunner().invoke(cli, ["schema", kind])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(doc)


def test_shipped_policies_validate_against_policy_schema() -> None:
    import yaml

    from govscan.paths import content_dir

    validator = jsonschema.Draft202012Validator(schema("policy"))
    for path in content_dir("policies").glob("*.yaml"):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, (path, errors[0].message)


def test_console_script_version_and_bad_usage() -> None:
    exe = str(Path(sys.executable).parent / "govscan")
    assert Path(exe).exists(), "the console script is installed with the package"
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("govscan ")
    proc = subprocess.run(
        [exe, "scan", "--fail-on", "urgent"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_version_imports_no_cloud_sdk() -> None:
    code = (
        "import sys; from govscan.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('boto3','botocore','azure','google','moto','jsonschema','jinja2','rich')]\n"
        "print('MODULES:' + ','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "MODULES:", proc.stdout


@pytest.mark.parametrize("kind", ["control", "policy"])
def test_shipped_schema_files_are_current(kind: str) -> None:
    """Editors read the file; it must equal what the code generates (regenerate with
    `govscan schema KIND > src/govscan/data/schemas/KIND.schema.json`)."""
    from govscan import plugins
    from govscan.paths import data_dir

    shipped = json.loads((data_dir() / "schemas" / f"{kind}.schema.json").read_text())
    plugins.unregister(plugins.COLLECTORS_GROUP, "fake")  # the test plugin adds types
    try:
        assert shipped == schema(kind)
    finally:
        plugins.register(plugins.COLLECTORS_GROUP, "fake", FakeCollector)


def test_shipped_controls_validate_against_the_control_schema() -> None:
    import yaml

    from govscan.paths import content_dir

    validator = jsonschema.Draft202012Validator(schema("control"))
    for path in sorted(content_dir("controls").rglob("*.yaml")):
        if path.name.endswith(".test.yaml"):  # control tests, checked by govscan test
            continue
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, (path, errors[0].message)


def test_personal_data_is_pseudonymised_unless_no_redact(project: Path) -> None:
    FakeCollector.items = [thing("t/anna.schmidt@brauwerk.example", encrypted=False)]
    _, _, doc = _scan(project)
    text = json.dumps(doc)
    assert "anna.schmidt@brauwerk.example" not in text
    assert "anon-" in text
    _, _, doc = _scan(project, "--no-redact")
    assert "anna.schmidt@brauwerk.example" in json.dumps(doc)
