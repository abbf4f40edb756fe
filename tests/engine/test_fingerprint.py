"""Finding fingerprints: unkeyed and line-free for code, keyed for cloud, the same in
results.json and SARIF, and the run says whether cloud ones outlive it."""

from __future__ import annotations

import hmac
import json
import pickle
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
import rfc8785
from click.testing import CliRunner

from govscan import plugins
from govscan.canonical import content_hash
from govscan.cli import cli
from govscan.collectors.interface import CollectionPlan, Collector, Item
from govscan.errors import ExitCode, UsageError
from govscan.evidence.bundle import load_scan
from govscan.fingerprint import ENV_KEY, Fingerprinter, code_fingerprint
from govscan.model import (
    CollectionError,
    FieldSpec,
    Location,
    Resource,
    ResourceRef,
    ResourceTypeSpec,
    Result,
    Severity,
    Status,
)
from govscan.reporters.interface import ReportOptions
from govscan.reporters.sarif import SarifReporter
from govscan.runner import ScanConfig, run
from govscan.schemas import schema
from govscan.serialize import ResultDecoder, ResultEncoder, encode_compact, result_to_dict

CASES = Path(__file__).parents[1] / "repo" / "cases"
KEY_HEX = "00112233445566778899aabbccddeeff" * 2
OTHER_KEY = "a fingerprint key of the history store"
USER, KEY, GROUP = "fptest.user", "fptest.key", "fptest.group"
MAX = "arn:aws:iam::111122223333:user/max.muster"
KWAGNER = "arn:aws:iam::111122223333:user/kwagner"


# --- the functions -----------------------------------------------------------------------


def test_code_fingerprint_is_the_hash_of_canonical_json() -> None:
    # Any RFC 8785 implementation recomputes it; odd characters are escaped as JCS does.
    for rid in ("infra: aws_s3_bucket.logs", 'x: a["\x01\t\u2028ü\\""]'):
        parts = ["code", "aws.s3.bucket-versioning", "infra/main.tf", rid]
        want = content_hash(parts).removeprefix("sha256:")[:32]
        assert code_fingerprint(*parts[1:]) == want


def test_a_lone_surrogate_in_an_id_does_not_stop_the_scan() -> None:
    assert len(code_fingerprint("c", "p", "bad \ud800 id")) == 32
    assert len(Fingerprinter.per_run().cloud("c", "bad \udfff id")) == 32


def test_code_fingerprint_ignores_the_line_and_the_key() -> None:
    at = ResourceRef("aws.s3.bucket", "infra: aws_s3_bucket.logs", location=Location("a.tf", 3))
    moved = ResourceRef("aws.s3.bucket", at.id, location=Location("a.tf", 40, 52))
    one, two = Fingerprinter.from_secret(KEY_HEX), Fingerprinter.per_run()
    assert (
        one.of("c", at, "code")
        == two.of("c", moved, "code")
        == code_fingerprint("c", "a.tf", at.id)
    )
    # The defining file and the control are part of it.
    elsewhere = ResourceRef("aws.s3.bucket", at.id, location=Location("b.tf", 3))
    assert one.of("c", elsewhere, "code") != one.of("c", at, "code")
    assert one.of("d", at, "code") != one.of("c", at, "code")


def test_cloud_fingerprint_is_keyed() -> None:
    ref = ResourceRef(USER, MAX)
    same = Fingerprinter.from_secret(KEY_HEX).of("c", ref, "cloud")
    assert Fingerprinter.from_secret(KEY_HEX).of("c", ref, "cloud") == same
    assert Fingerprinter.from_secret(OTHER_KEY).of("c", ref, "cloud") != same
    assert Fingerprinter.per_run().of("c", ref, "cloud") != Fingerprinter.per_run().of(
        "c", ref, "cloud"
    )
    # Without the key the plain hash of a guessed ARN does not match it.
    assert code_fingerprint("c", "", MAX) != same


def test_cloud_fingerprint_is_hmac_sha256_of_canonical_json() -> None:
    for key in (b"k" * 16, b"long key " * 20):  # a key longer than a block is hashed first
        message = rfc8785.dumps(["cloud", "c", MAX])
        want = hmac.digest(key, message, "sha256").hex()[:32]
        assert Fingerprinter(key, "persistent").cloud("c", MAX) == want
        ref = ResourceRef(USER, MAX)
        assert Fingerprinter(key, "persistent").for_resource(ref, "cloud")("c") == want


def test_key_is_hex_or_text_and_long_enough() -> None:
    assert Fingerprinter.from_secret(KEY_HEX).mode == "persistent"
    hex_key = Fingerprinter.from_secret(KEY_HEX)
    as_bytes = Fingerprinter(bytes.fromhex(KEY_HEX), "persistent")
    assert hex_key.cloud("c", MAX) == as_bytes.cloud("c", MAX)
    assert Fingerprinter.from_secret(OTHER_KEY).cloud("c", MAX) == Fingerprinter(
        OTHER_KEY.encode(), "persistent"
    ).cloud("c", MAX)
    with pytest.raises(UsageError, match=ENV_KEY):
        Fingerprinter.from_secret("short")
    assert Fingerprinter.from_environment({}).mode == "per-run"
    assert Fingerprinter.from_environment({ENV_KEY: "  "}).mode == "per-run"
    assert Fingerprinter.from_environment({ENV_KEY: KEY_HEX}).mode == "persistent"


def test_the_key_never_shows() -> None:
    fp = Fingerprinter.from_secret(KEY_HEX)
    assert KEY_HEX not in repr(fp) and "00112233" not in repr(fp)
    with pytest.raises(TypeError):
        pickle.dumps(fp)


def test_results_json_carries_the_fingerprint_both_ways() -> None:
    r = Result(
        "c", "t", Severity.LOW, Status.FAIL, ResourceRef(USER, MAX), {}, fingerprint="ab" * 16
    )
    line = ResultEncoder()(r)
    assert line == encode_compact(result_to_dict(r))
    assert json.loads(line)["fingerprint"] == "ab" * 16
    assert ResultDecoder()(line) == r
    old = encode_compact({k: v for k, v in result_to_dict(r).items() if k != "fingerprint"})
    assert ResultDecoder()(old).fingerprint == ""


# --- whole scans -------------------------------------------------------------------------


class FingerprintCollector(Collector):
    """A cloud collector with two IAM-user-like resources, a failed scope and an empty type."""

    name: ClassVar[str] = "fptest"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        return cls()

    @classmethod
    def resource_type_specs(cls) -> Mapping[str, ResourceTypeSpec]:
        fields = {"mfa": FieldSpec("mfa", "any")}
        return {
            t: ResourceTypeSpec(t, "fptest", "test type", True, fields) for t in (USER, KEY, GROUP)
        }

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        for arn, mfa in ((MAX, False), (KWAGNER, True)):
            name = arn.rsplit("/", 1)[-1]
            ref = ResourceRef(USER, arn, name, "aws", "111122223333")
            yield Resource(ref=ref, data={"mfa": mfa})
        yield CollectionError("fptest", "AccessDenied", (KEY,), "111122223333", "eu-west-1")


def _control(rtype: str) -> str:
    return (
        f"id: {rtype}.mfa\ntitle: MFA on\nseverity: high\nresource: {rtype}\n"
        "check: {path: mfa, op: eq, value: true}\nframeworks: {iso27001-2022: [A.5.17]}\n"
    )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    plugins.register(plugins.COLLECTORS_GROUP, "fptest", FingerprintCollector)
    controls = tmp_path / "controls"
    controls.mkdir()
    for rtype in (USER, KEY, GROUP):
        (controls / f"{rtype}.yaml").write_text(_control(rtype))
    (tmp_path / "policy.yaml").write_text("name: fp\nselect: [{ids: ['fptest.*']}]\n")
    yield tmp_path
    plugins.unregister(plugins.COLLECTORS_GROUP, "fptest")


def _run(project: Path, out: str, *, redact: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    config = ScanConfig(
        policy=str(project / "policy.yaml"),
        controls_dirs=(project / "controls",),
        formats=("json", "sarif"),
        output_dir=project / out,
        fail_on=None,
        redact=redact,
        sarif_include_passes=True,
    )
    run(config)
    doc = json.loads((project / out / "results.json").read_text())
    sarif = json.loads((project / out / "results.sarif").read_text())
    jsonschema.validate(doc, schema("results"))
    assert _sarif_prints(sarif) == [(r["control_id"], r["fingerprint"]) for r in doc["results"]]
    return doc, sarif


def _sarif_prints(sarif: dict[str, Any]) -> list[tuple[str, str]]:
    results = sarif["runs"][0]["results"]
    return [(r["ruleId"], r["partialFingerprints"]["govscan/v2"]) for r in results]


def _prints(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(control, status) -> fingerprint: ids are pseudonyms that differ per run."""
    out = {(r["control_id"], r["status"]): r["fingerprint"] for r in doc["results"]}
    assert len(out) == len(doc["results"]) == len(set(out.values()))
    return out


def test_same_key_same_fingerprints_across_redacted_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, KEY_HEX)
    first, _ = _run(project, "one")
    second, _ = _run(project, "two")
    assert first["run"]["fingerprints"] == second["run"]["fingerprints"] == "persistent"
    text = json.dumps(first)
    assert "max.muster" not in text and "kwagner" not in text
    # The pseudonyms differ from run to run; the fingerprints do not.
    ids = {r["resource"]["id"] for r in first["results"]} ^ {
        r["resource"]["id"] for r in second["results"]
    }
    assert any(i.startswith("arn:aws:iam::111122223333:user/anon-") for i in ids)
    assert _prints(first) == _prints(second)
    fail = next(r for r in first["results"] if r["status"] == "fail")
    assert fail["fingerprint"] == Fingerprinter.from_secret(KEY_HEX).cloud(f"{USER}.mfa", MAX)
    statuses = {s for _, s in _prints(first)}
    assert statuses == {"pass", "fail", "error", "not_applicable"}
    # Re-rendered from the bundle (spooled or in memory), SARIF shows the same values.
    for spool_above in (0, 1 << 30):
        again = load_scan(project / "one", spool_above=spool_above)
        assert again.run.fingerprints == "persistent"
        rendered = json.loads(SarifReporter().render(again, ReportOptions()))
        want = {(c, p) for (c, s), p in _prints(first).items() if s in ("fail", "error")}
        assert set(_sarif_prints(rendered)) == want


def test_different_keys_give_different_cloud_fingerprints(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, KEY_HEX)
    first = _prints(_run(project, "one")[0])
    monkeypatch.setenv(ENV_KEY, OTHER_KEY)
    second = _prints(_run(project, "two")[0])
    for key in ((f"{USER}.mfa", "pass"), (f"{USER}.mfa", "fail")):
        assert first[key] != second[key]
    # A failed scope and an empty type name no resource: they need no key.
    for key in ((f"{KEY}.mfa", "error"), (f"{GROUP}.mfa", "not_applicable")):
        assert first[key] == second[key]


def test_without_a_key_the_run_says_fingerprints_are_per_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_KEY, raising=False)
    first, _ = _run(project, "one", redact=False)
    second, _ = _run(project, "two", redact=False)
    assert first["run"]["fingerprints"] == "per-run"
    one, two = _prints(first), _prints(second)
    assert one[(f"{USER}.mfa", "fail")] != two[(f"{USER}.mfa", "fail")]
    assert one[(f"{KEY}.mfa", "error")] == two[(f"{KEY}.mfa", "error")]


def test_a_short_key_is_a_one_line_usage_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, "tiny-secret")
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--controls", str(project / "controls")),
            *("--policy", str(project / "policy.yaml"), "--output-dir", str(project / "o")),
        ],
    )
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output
    assert f"{ENV_KEY} is too short" in result.output
    assert "tiny-secret" not in result.output  # the key is never echoed
    assert not (project / "o").exists()  # nothing was written


# --- code ----------------------------------------------------------------------------------


def _scan_repo(repo: Path, out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(repo), "--format", "json,sarif", "--output-dir", str(out)),
            *("--no-redact", "--fail-on", "none", "--sarif-include-passes"),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text())
    sarif = json.loads((out / "results.sarif").read_text())
    assert _sarif_prints(sarif) == [(r["control_id"], r["fingerprint"]) for r in doc["results"]]
    return doc, sarif


def test_code_fingerprints_hold_across_scans_keys_and_moved_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / "fp_module_twice"
    moved = tmp_path / "moved" / case.name  # the repository's own id is its folder's name
    shutil.copytree(case, moved)
    for tf in moved.rglob("*.tf"):
        tf.write_text("# moved down\n\n\n" + tf.read_text())
    monkeypatch.setenv(ENV_KEY, KEY_HEX)
    first, _ = _scan_repo(case, tmp_path / "o1")
    monkeypatch.delenv(ENV_KEY)
    second, _ = _scan_repo(moved, tmp_path / "o2")

    def prints(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
        return {(r["control_id"], r["resource"]["id"]): r["fingerprint"] for r in doc["results"]}

    assert prints(first) == prints(second)
    assert len(set(prints(first).values())) == len(first["results"])
    lines = {
        r["resource"]["id"]: r["resource"]["location"]["line"]
        for d in (first, second)
        for r in d["results"]
        if r["resource"]["id"] == ".: aws_ebs_volume.root"
    }
    assert len(lines) == 1  # same id; its line moved, and the fingerprint did not
    module = [r for r in first["results"] if "module." in r["resource"]["id"]]
    assert {r["resource"]["location"]["path"] for r in module} == {"modules/disk/main.tf"}
    assert module[0]["fingerprint"] == code_fingerprint(
        module[0]["control_id"], "modules/disk/main.tf", module[0]["resource"]["id"]
    )


def test_the_outcome_says_when_cloud_fingerprints_are_per_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outcome(out: str) -> Any:
        return run(
            ScanConfig(
                policy=str(project / "policy.yaml"),
                controls_dirs=(project / "controls",),
                formats=("json",),
                output_dir=project / out,
                fail_on=None,
            )
        )

    monkeypatch.delenv(ENV_KEY, raising=False)
    assert outcome("no-key").per_run_fingerprints
    monkeypatch.setenv(ENV_KEY, "ab" * 16)
    assert not outcome("key").per_run_fingerprints
