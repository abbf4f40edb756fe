"""results.json round-trips exactly, so bundles can be re-rendered byte for byte."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, date, datetime

import jsonschema
import pytest

from govscan.model import (
    ApiCall,
    CollectionError,
    Control,
    Location,
    ResourceRef,
    Result,
    RunInfo,
    ScanResult,
    Severity,
    Status,
    Target,
    WaiverInfo,
)
from govscan.schemas import schema
from govscan.serialize import (
    Encoded,
    api_call_to_dict,
    control_to_dict,
    dumps,
    encode_compact,
    scan_from_dict,
    scan_to_dict,
    write_json,
)


def sample() -> ScanResult:
    ref = ResourceRef(
        "aws.ec2.volume",
        "arn:aws:ec2:eu-central-1:123456789012:volume/vol-1",
        "vol-1",
        "aws",
        "123456789012",
        "eu-central-1",
    )
    code = ResourceRef(
        "aws.s3.bucket",
        "infra: module.logs.aws_s3_bucket.this[0]",
        "infra: module.logs.aws_s3_bucket.this[0]",
        "aws",
        location=Location("modules/logs/main.tf", 12, 20, (Location("infra/main.tf", 3, 7),)),
    )
    control = Control(
        "aws.ebs.volume-encrypted",
        "EBS encrypted",
        Severity.HIGH,
        "aws.ec2.volume",
        {"path": "encrypted", "op": "eq", "value": True},
        {"nist-800-53-r5": ("SC-28",)},
        origins=("cloud",),
    )
    return ScanResult(
        run=RunInfo(
            "run-1",
            datetime(2026, 11, 24, 10, tzinfo=UTC),
            datetime(2026, 11, 24, 10, 1, tzinfo=UTC),
            "0.1.0",
            "baseline",
            (Target("aws", "123456789012", {"regions": ["eu-central-1"]}),),
            "sha256:aa",
            "sha256:bb",
            {"n": 1},
            date(2026, 11, 24),
        ),
        results=(
            Result(
                "aws.ebs.volume-encrypted",
                "EBS encrypted",
                Severity.HIGH,
                Status.FAIL,
                ref,
                {"nist-800-53-r5": ("SC-28",)},
                "vol-1 is not encrypted",
                "resources.jsonl#" + ref.id,
            ),
            Result(
                "aws.s3.x",
                "x",
                Severity.LOW,
                Status.WAIVED,
                code,
                {"dsgvo": ("Art. 44",)},
                "m",
                "",
                WaiverInfo("r", "o", date(2027, 1, 1)),
            ),
        ),
        errors=(
            CollectionError(
                "aws",
                "AccessDenied",
                ("aws.s3.bucket",),
                "123456789012",
                "us-east-1",
                "s3:ListBuckets",
            ),
        ),
        controls=(control,),
        api_calls=(
            ApiCall("aws", "ec2", "DescribeVolumes", "123456789012", "eu-central-1", 2, 0, 12.5),
        ),
    )


def test_results_json_is_schema_valid_and_round_trips() -> None:
    scan = sample()
    doc = scan_to_dict(scan)
    jsonschema.validate(doc, schema("results"))
    assert doc["summary"] == {"pass": 0, "fail": 1, "error": 0, "not_applicable": 0, "waived": 1}
    again = scan_from_dict(
        doc,
        [control_to_dict(c) for c in scan.controls],
        [api_call_to_dict(a) for a in scan.api_calls],
    )
    assert again == scan
    assert dumps(scan_to_dict(again)) == dumps(doc)


def _random_doc(rng: random.Random, level: int = 0) -> object:
    if level > 4 or rng.random() < 0.3:
        return rng.choice([1, 2.5, "x", "\u00fc<&>", None, True, [], {}])
    if rng.random() < 0.5:
        return [_random_doc(rng, level + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": _random_doc(rng, level + 1) for i in range(rng.randint(0, 3))}


def test_streamed_json_is_the_same_bytes_as_dumps() -> None:
    rng = random.Random(5)
    for _ in range(500):
        doc, depth = _random_doc(rng), rng.randint(0, 5)
        buf = io.BytesIO()
        write_json(buf, doc, depth, flush_at=rng.randint(1, 64))
        assert buf.getvalue().decode("utf-8") == dumps(doc, depth)


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": 1}, [2, "\u00e4"]]])
def test_encoded_lists_stream_in_the_layout_of_plain_lists(items: list[object]) -> None:
    buf = io.BytesIO()
    doc = {"head": 1, "items": Encoded(encode_compact(i) for i in items), "tail": []}
    write_json(buf, doc)
    assert buf.getvalue().decode("utf-8") == dumps({"head": 1, "items": items, "tail": []})


def test_results_json_streams_the_same_bytes_as_the_whole_document() -> None:
    from govscan.evidence.files import results_bytes, results_sha256

    from ..reporters.sample_scan import sample_scan

    scan = sample_scan()
    data = results_bytes(scan)
    assert data.decode("utf-8") == dumps(scan_to_dict(scan))
    assert results_sha256(scan) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_encoded_lists_below_the_indented_levels_stay_on_one_line(depth: int) -> None:
    items = [{"a": 1}, ["b", None]]
    doc = {"outer": {"items": Encoded(encode_compact(i) for i in items)}, "none": Encoded([])}
    buf = io.BytesIO()
    write_json(buf, doc, depth)
    assert buf.getvalue().decode("utf-8") == dumps({"outer": {"items": items}, "none": []}, depth)
