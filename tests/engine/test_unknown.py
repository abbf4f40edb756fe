"""Values unknown before apply: never a pass, never a guessed fail, and an exit code
that tells "only apply decides" apart from "could not collect"."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from govscan.cli import cli
from govscan.config import load_config, merge_scan_options
from govscan.engine.messages import render_message
from govscan.engine.scan import Evaluator
from govscan.errors import ExitCode, ValidationError
from govscan.language.reads import Read, check_fields, check_reads, unknown_reads
from govscan.model import (
    Control,
    Policy,
    Resource,
    ResourceRef,
    Result,
    ResultList,
    RunInfo,
    ScanResult,
    Severity,
    Status,
)
from govscan.results.spool import ResultSpool
from govscan.runner import exit_code_for
from govscan.schemas import schema
from govscan.serialize import ResultDecoder, ResultEncoder, encode_compact, result_to_dict

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
WHY = "value unknown before apply: var.admin_cidrs; pass --tf-var-file or scan the plan JSON"
REF = "value unknown before apply: aws_kms_key.k.arn"
CASES = Path(__file__).parents[1] / "repo" / "cases"


def _control(check: dict[str, Any], **kw: Any) -> Control:
    return Control(
        id=kw.pop("id", "t.c"),
        title="T",
        severity=Severity.HIGH,
        resource="aws.ec2.volume",
        check=check,
        frameworks={},
        **kw,
    )


def _judge(control: Control, data: dict[str, Any], unknown: dict[str, str]) -> Result:
    res = Resource(
        ResourceRef("aws.ec2.volume", "code:1", "aws_ebs_volume.v", "aws"),
        data,
        unknown=unknown,
        origin="code",
    )
    out: list[Result] = []
    Evaluator([control], Policy(name="p"), AS_OF).evaluate(res, out.append)
    (result,) = out
    return result


# --- what a check reads ---------------------------------------------------------------------


def test_reads_tell_presence_tests_from_value_tests() -> None:
    check = {
        "all": [
            {"path": "kms_key_id", "op": "present"},
            {"not": {"path": "tags", "op": "empty"}},
            {"path": "encrypted", "op": "eq", "value": True},
            {"path": "default_encryption.algorithm", "op": "eq", "value": "aws:kms"},
            {"every": "rules", "check": {"path": "cidrs", "op": "internet-open"}},
            {"path": "grants[?public].name", "op": "empty"},
        ]
    }
    assert check_reads(check) == {
        Read("kms_key_id", True),
        Read("tags", True),
        Read("encrypted", False),
        Read("default_encryption.algorithm", False),
        Read("rules", False),  # a quantifier reads the items' values
        Read("grants", False),  # JMESPath: what it touches inside is decided by the data
    }
    assert check_fields(check) == {
        "kms_key_id",
        "tags",
        "encrypted",
        "default_encryption",
        "rules",
        "grants",
    }


@pytest.mark.parametrize(
    ("read", "unknown", "data", "blocked"),
    [
        (Read("encrypted", False), "encrypted", {}, True),
        (Read("encrypted", True), "encrypted", {}, True),  # not there at all
        (Read("kms", True), "kms", {"kms": "aws_kms_key.k.arn"}, False),  # a placeholder
        (Read("kms", False), "kms", {"kms": "aws_kms_key.k.arn"}, True),
        (Read("enc.algorithm", False), "enc.kms", {"enc": {"algorithm": "x"}}, False),
        (Read("enc", False), "enc.kms", {"enc": {}}, True),  # the whole map holds it
        (Read("enc", True), "enc.kms", {"enc": {}}, True),  # emptiness depends on it
        (Read("rules.cidrs", False), "rules", {"rules": []}, True),
        (Read("encrypted_at", False), "encrypted", {}, False),  # a prefix of the name only
    ],
)
def test_which_unknown_paths_block_a_read(
    read: Read, unknown: str, data: dict[str, Any], blocked: bool
) -> None:
    assert bool(unknown_reads([read], {unknown: "why"}, data)) is blocked


# --- results --------------------------------------------------------------------------------


def test_a_plain_unknown_is_an_undetermined_error_with_the_reason() -> None:
    control = _control({"path": "encrypted", "op": "eq", "value": True})
    r = _judge(control, {"size_gib": 10}, {"encrypted": WHY})
    assert (r.status, r.undetermined) == (Status.ERROR, True)
    assert r.message == f"encrypted: {WHY}"


def test_a_negated_value_test_is_not_a_guessed_pass_either() -> None:
    control = _control({"not": {"path": "encrypted", "op": "eq", "value": False}})
    assert _judge(control, {}, {"encrypted": WHY}).status is Status.ERROR


def test_a_reference_is_present_for_presence_tests_only() -> None:
    data = {"kms_key_id": "aws_kms_key.k.arn"}
    unknown = {"kms_key_id": REF}
    present = _judge(_control({"path": "kms_key_id", "op": "present"}), data, unknown)
    assert (present.status, present.undetermined) == (Status.PASS, False)
    absent = _judge(_control({"path": "kms_key_id", "op": "absent"}), data, unknown)
    assert absent.status is Status.FAIL
    value = _judge(_control({"path": "kms_key_id", "op": "regex", "value": ".*"}), data, unknown)
    assert (value.status, value.undetermined, value.message) == (
        Status.ERROR,
        True,
        f"kms_key_id: {REF}",
    )


def test_known_siblings_of_an_unknown_map_value_are_judged() -> None:
    data = {"enc": {"algorithm": "aws:kms"}}
    unknown = {"enc.kms_key_id": REF}
    control = _control({"path": "enc.algorithm", "op": "eq", "value": "aws:kms"})
    assert _judge(control, data, unknown).status is Status.PASS


def test_applies_when_reading_an_unknown_is_undetermined_too() -> None:
    control = _control(
        {"path": "size_gib", "op": "gt", "value": 1},
        applies_when={"path": "encrypted", "op": "eq", "value": True},
    )
    assert _judge(control, {"size_gib": 10}, {"encrypted": WHY}).undetermined


def test_a_control_that_does_not_apply_is_not_applicable_whatever_is_unknown() -> None:
    control = _control(
        {"path": "encrypted", "op": "eq", "value": True},
        applies_when={"path": "size_gib", "op": "gt", "value": 100},
    )
    r = _judge(control, {"size_gib": 10}, {"encrypted": WHY})
    assert (r.status, r.undetermined, r.message) == (Status.NOT_APPLICABLE, False, "")
    assert _judge(control, {"size_gib": 500}, {"encrypted": WHY}).undetermined


def test_unknowns_the_check_does_not_read_change_nothing() -> None:
    control = _control({"path": "size_gib", "op": "gt", "value": 100})
    r = _judge(control, {"size_gib": 10}, {"encrypted": WHY})
    assert (r.status, r.undetermined) == (Status.FAIL, False)


def test_a_collection_failure_is_never_undetermined() -> None:
    control = _control({"path": "encrypted", "op": "eq", "value": True})
    res = Resource(
        ResourceRef("aws.ec2.volume", "code:1", "v", "aws"),
        {},
        unavailable={"encrypted": "AccessDenied"},
        unknown={"encrypted": WHY},
    )
    out: list[Result] = []
    Evaluator([control], Policy(name="p"), AS_OF).evaluate(res, out.append)
    assert (out[0].status, out[0].undetermined) == (Status.ERROR, False)
    assert out[0].message == "encrypted: AccessDenied"


# --- messages -------------------------------------------------------------------------------


def test_messages_never_state_an_unknown_or_empty_value_as_a_fact() -> None:
    ref = {"name": "aws_ebs_volume.v", "region": "", "account": ""}
    text = render_message("Volume {name} in {region} is not encrypted", {}, ref)
    assert text == "Volume aws_ebs_volume.v in (region unknown) is not encrypted"
    assert "in  is" not in text
    text = render_message("Key {kms_key_id} is {size}", {"size": ""}, ref, {"kms_key_id": REF})
    assert text == "Key (unknown before apply) is (empty)"


def test_an_unknown_name_falls_back_to_the_resources_identity() -> None:
    ref = {"name": "aws_s3_bucket.logs", "region": "eu-central-1"}
    text = render_message("Bucket {name} in {region}", {}, ref, {"name": WHY})
    assert text == "Bucket aws_s3_bucket.logs in eu-central-1"


def test_an_aside_that_would_only_say_unknown_is_left_out() -> None:
    text = render_message("Group {name} ({group_id}) is open", {"name": "g"}, {}, {"group_id": WHY})
    assert text == "Group g is open"


def test_a_failure_message_reads_unknown_fields_as_unknown() -> None:
    control = _control(
        {"path": "encrypted", "op": "eq", "value": True}, message="Volume {name} uses {kms_key_id}"
    )
    r = _judge(control, {"encrypted": False}, {"kms_key_id": REF})
    assert r.message == "Volume aws_ebs_volume.v uses (unknown before apply)"


# --- results.json, spool, exit code ---------------------------------------------------------


def _result(status: Status, undetermined: bool = False, cid: str = "t.c") -> Result:
    return Result(
        control_id=cid,
        title="T",
        severity=Severity.HIGH,
        status=status,
        resource=ResourceRef("aws.ec2.volume", f"code:{cid}", "v", "aws"),
        frameworks={"iso": ("A.1",)},
        message=WHY if undetermined else "",
        undetermined=undetermined,
    )


def test_the_flag_is_written_only_when_true_and_read_back() -> None:
    plain, flagged = _result(Status.ERROR), _result(Status.ERROR, True)
    assert "undetermined" not in result_to_dict(plain)
    assert result_to_dict(flagged)["undetermined"] is True
    encode = ResultEncoder()
    for r in (plain, flagged):
        line = encode(r)
        assert line == encode_compact(result_to_dict(r))
        assert ResultDecoder()(line) == r


def test_results_v1_schema_takes_the_flag_on_errors_only() -> None:
    results = schema("results")
    validator = jsonschema.Draft202012Validator(
        {**results["$defs"]["result"], "$defs": results["$defs"]}
    )
    assert validator.is_valid(result_to_dict(_result(Status.ERROR, True)))
    assert validator.is_valid(result_to_dict(_result(Status.PASS)))
    assert not validator.is_valid({**result_to_dict(_result(Status.PASS)), "undetermined": True})


def test_the_spool_counts_undetermined_results_through_rewrites() -> None:
    spool = ResultSpool(batch=2)
    spool.add(_result(Status.ERROR, True, "a"))
    spool.add(_result(Status.ERROR, False, "b"))
    spool.add(_result(Status.ERROR, True, "c"))
    assert spool.undetermined_count() == 2
    spool.rewrite(1, lambda r: replace(r, undetermined=False) if r.control_id == "a" else r)
    spool.seal()
    assert spool.undetermined_count() == 1
    assert [r.undetermined for r in spool] == [False, False, True]
    assert ResultList(spool).undetermined_count() == 1
    spool.close()


def _scan(*results: Result) -> ScanResult:
    run = RunInfo("r", AS_OF, AS_OF, "0", "p")
    return ScanResult(run=run, results=results)


@pytest.mark.parametrize(
    ("results", "strict", "code"),
    [
        ((_result(Status.ERROR, True),), False, ExitCode.OK),
        ((_result(Status.ERROR, True),), True, ExitCode.INCOMPLETE),
        ((_result(Status.ERROR, True), _result(Status.FAIL, cid="f")), False, ExitCode.FAILURES),
        ((_result(Status.ERROR, True), _result(Status.ERROR, cid="e")), False, ExitCode.INCOMPLETE),
        ((_result(Status.ERROR),), False, ExitCode.INCOMPLETE),
    ],
)
def test_undetermined_results_make_exit_3_only_when_strict(
    results: tuple[Result, ...], strict: bool, code: ExitCode
) -> None:
    assert exit_code_for(_scan(*results), Severity.INFO, strict) is code
    spool = ResultSpool()
    for r in results:
        spool.add(r)
    spooled = replace(_scan(), results=spool.seal())
    assert exit_code_for(spooled, Severity.INFO, strict) is code
    spool.close()


# --- configuration --------------------------------------------------------------------------


def test_strict_unknown_comes_from_govscan_yaml_unless_a_flag_says_otherwise(
    tmp_path: Path,
) -> None:
    cfg = tmp_path / "govscan.yaml"
    cfg.write_text("strict_unknown: true\n")
    config = load_config(cfg)
    assert merge_scan_options(config, {})["strict_unknown"] is True
    assert merge_scan_options(config, {"strict_unknown": False})["strict_unknown"] is False
    cfg.write_text('strict_unknown: "false"\n')
    with pytest.raises(ValidationError, match="strict_unknown"):
        load_config(cfg)


@pytest.mark.parametrize(("flags", "code"), [((), 0), (("--strict-unknown",), 3)])
def test_a_scan_with_values_unknown_before_apply_exits_by_the_flag(
    tmp_path: Path, flags: tuple[str, ...], code: int
) -> None:
    result = CliRunner().invoke(
        cli,
        [
            *("scan", "--repo", str(CASES / "unknown_vars"), "--format", "json"),
            *("--output-dir", str(tmp_path), "--fail-on", "none", *flags),
        ],
    )
    assert result.exit_code == code, result.output
    doc = json.loads((tmp_path / "results.json").read_text())
    undetermined = [r for r in doc["results"] if r.get("undetermined")]
    assert undetermined
    assert all(r["status"] == "error" for r in undetermined)
    assert any("var.admin_cidrs" in r["message"] for r in undetermined)
