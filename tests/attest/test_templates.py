"""The attestation templates: generated from the catalogs, failing until filled in."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.validate import validate_paths

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "attestations"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "attestation_templates", ROOT / "scripts" / "attestation_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(text: str) -> str:
    text = text.replace("<URL where the evidence is kept>", "https://intranet.example.com/x")
    text = re.sub(r"  - file: <[^>]*>\n    sha256: <[^>]*>\n", "", text)
    text = text.replace("<YYYY-MM-DD of the last review>", "2026-03-01")
    text = text.replace("<YYYY-MM-DD after which it must be reviewed again>", "2027-02-28")
    text = text.replace("<owner role>", "Information Security Officer")
    return text.replace("<what is in place, in your own words>", "It is in place.")


def test_the_script_writes_one_template_per_uncovered_requirement(tmp_path: Path) -> None:
    written = _script().write_templates(tmp_path)
    iso = sorted(p.name for p in (tmp_path / "iso27001-2022").glob("*.yaml"))
    assert written["iso27001-2022"] == len(iso) > 0
    assert all(name.startswith("iso27001-2022-a.") for name in iso)
    # A.8.24 (cryptography) is judged by packaged controls: no template for it.
    assert "iso27001-2022-a.8.24.yaml" not in iso
    assert written["bsi-c5-2020"] > 0


def test_the_shipped_templates_are_those_the_script_writes(tmp_path: Path) -> None:
    _script().write_templates(tmp_path)
    for key in ("iso27001-2022", "bsi-c5-2020"):
        shipped = {p.name: p.read_text() for p in (EXAMPLES / key).glob("*.yaml")}
        fresh = {p.name: p.read_text() for p in (tmp_path / key).glob("*.yaml")}
        # New control mappings shrink the fresh set: rerun the script then.
        assert set(fresh) <= set(shipped)
        assert all(shipped[name] == text for name, text in fresh.items())


def test_an_unfilled_template_fails_with_file_and_line() -> None:
    template = EXAMPLES / "iso27001-2022" / "iso27001-2022-a.5.1.yaml"
    problems, counts = validate_paths([template])
    assert counts["attestations"] == 1
    shown = [f"{p.line}: {p.message}" for p in problems]
    assert "11: placeholder '<owner role>' is not filled in" in shown
    assert all("placeholder" in p.message for p in problems)
    assert len(problems) == 7


@pytest.mark.parametrize("key", ["iso27001-2022", "bsi-c5-2020"])
def test_every_filled_template_validates(tmp_path: Path, key: str) -> None:
    for template in sorted((EXAMPLES / key).glob("*.yaml")):
        (tmp_path / template.name).write_text(_fill(template.read_text()))
    problems, counts = validate_paths([tmp_path])
    assert problems == []
    assert counts["attestations"] == len(list((EXAMPLES / key).glob("*.yaml")))


def test_the_demo_attestations_validate() -> None:
    demo = ROOT / "src" / "govscan" / "demo" / "attestations"
    result = CliRunner().invoke(cli, ["validate", str(demo)])
    assert result.exit_code == 0, result.output
    assert "4 attestations" in result.output


def test_schema_command_prints_the_attestation_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "attestation"])
    assert result.exit_code == 0
    assert '"valid_until"' in result.output
