"""The on-disk result spool reads back exactly what an in-memory result set holds."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date

import pytest

from govscan.model import (
    Location,
    ResourceRef,
    Result,
    ResultList,
    ScanResult,
    Severity,
    Status,
    WaiverInfo,
    triage_order,
)
from govscan.reporters.interface import ReportOptions
from govscan.reporters.registry import get_reporter
from govscan.results.spool import ResultSpool
from govscan.serialize import (
    ResultDecoder,
    ResultEncoder,
    encode_compact,
    result_from_dict,
    result_to_dict,
)

from ..reporters.sample_scan import sample_scan

FORMATS = ("json", "sarif", "junit", "oscal", "csv", "md", "html")


def _results(n: int, seed: int = 7) -> list[Result]:
    rng = random.Random(seed)
    refs = [
        ResourceRef(
            type="aws.s3.bucket",
            id=f"arn:aws:s3:::b-{i:03d}",
            name=f'b-{i:03d} \u00e4"<x>',
            provider="aws",
            account="123456789012",
            region=rng.choice(["eu-central-1", "us-east-1", ""]),
            location=rng.choice([None, Location("main.tf", i + 1), Location("m.tf", 3, 9)]),
        )
        for i in range(max(1, n // 3))
    ]
    fws = [{"iso27001-2022": ("A.8.24",)}, {"dsgvo": ("Art. 32(1)(a)",), "x": ()}, {}]
    out = []
    for _ in range(n):
        status = rng.choice(list(Status))
        waiver = None
        if status is Status.WAIVED:
            waiver = WaiverInfo("accepted", "ops", rng.choice([None, date(2030, 1, 1)]), False)
        out.append(
            Result(
                control_id=f"c.{rng.randint(0, 5)}",
                title=rng.choice(["Title", "Other title"]),
                severity=rng.choice(list(Severity)),
                status=status,
                resource=rng.choice(refs),
                frameworks=rng.choice(fws),
                message=rng.choice(["", "bad", 'b\u00f6se \\ "quoted"', "bad"]),
                evidence="resources.jsonl#x",
                waiver=waiver,
            )
        )
    return out


def _spool(results: list[Result]) -> ResultSpool:
    spool = ResultSpool(batch=7)  # small batches: reads must see unflushed rows too
    for r in results:
        spool.add(r)
    return spool


def test_encoder_writes_the_plain_encoding_byte_for_byte() -> None:
    encode = ResultEncoder()
    for r in _results(400):
        assert encode(r) == encode_compact(result_to_dict(r))


def test_encoder_notices_a_control_whose_mapping_changed() -> None:
    encode = ResultEncoder()
    r = _results(1)[0]
    encode(r)
    changed = replace(r, frameworks={"nist-800-53-r5": ("SC-28",)}, title="New")
    assert encode(changed) == encode_compact(result_to_dict(changed))


def test_spool_iterates_in_the_order_of_a_result_list() -> None:
    results = _results(300)
    spool = _spool(results).seal()
    listed = ResultList(results)
    assert list(spool) == list(listed)
    assert len(spool) == len(listed) == 300
    assert list(spool.in_triage_order()) == sorted(listed, key=triage_order)
    assert list(spool.in_triage_order()) == list(listed.in_triage_order())


def test_spool_answers_every_query_like_a_result_list() -> None:
    results = _results(300, seed=3)
    spool, listed = _spool(results).seal(), ResultList(results)
    assert dict(spool.counts()) == dict(listed.counts())
    assert spool.counts_by_control() == listed.counts_by_control()
    assert spool.first_per_control() == listed.first_per_control()
    wanted = (Status.FAIL, Status.WAIVED)
    assert list(spool.select(wanted)) == list(listed.select(wanted))
    assert list(spool.in_triage_order([Status.ERROR])) == list(
        listed.in_triage_order([Status.ERROR])
    )
    assert list(spool.select(())) == []
    assert list(spool.encoded()) == [encode_compact(result_to_dict(r)) for r in listed]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_is_the_same_from_disk_and_from_memory(fmt: str) -> None:
    in_memory = sample_scan()
    on_disk = replace(in_memory, results=_spool(list(in_memory.results)).seal())
    reporter = get_reporter(fmt)
    for options in (ReportOptions(), ReportOptions(lang="de", sarif_include_passes=True)):
        assert reporter.render(on_disk, options) == reporter.render(in_memory, options)


def test_rewrite_revisits_only_older_rows_and_keeps_counts() -> None:
    results = _results(60, seed=11)
    spool = ResultSpool()
    for i, r in enumerate(results):
        spool.add(r, mark=0 if i < 30 else 5)
    seen: list[Result] = []

    def fix(r: Result) -> Result:
        seen.append(r)
        return replace(r, message=r.message.replace("bad", "anon"))

    changed = spool.rewrite(5, fix, needles=["bad"])
    assert len(seen) == sum(1 for r in results[:30] if "bad" in r.message)
    assert changed == sum(1 for r in results[:30] if r.message == "bad")
    messages = [r.message for r in spool.seal()]
    assert messages.count("anon") == changed
    assert sum(spool.counts().values()) == 60


def test_a_sealed_spool_takes_no_more_results() -> None:
    spool = _spool(_results(3)).seal()
    with pytest.raises(RuntimeError, match="sealed"):
        spool.add(_results(1)[0])


def test_scan_result_accepts_plain_tuples_and_keeps_them_ordered() -> None:
    scan = sample_scan()
    shuffled = list(scan.results)
    random.Random(1).shuffle(shuffled)
    again = ScanResult(run=scan.run, results=tuple(shuffled))
    assert isinstance(again.results, ResultList)
    assert list(again.results) == list(scan.results)
    assert again.summary == scan.summary


def test_decoder_reads_what_the_plain_path_reads() -> None:
    decode = ResultDecoder()
    results = _results(300, seed=5)
    renamed = replace(results[0], resource=replace(results[0].resource, name="renamed"))
    remapped = replace(results[0], frameworks={"bsi-c5-2020": ("CRY-03",)})
    for r in [*results, renamed, remapped, results[0]]:
        line = encode_compact(result_to_dict(r))
        assert decode(line) == result_from_dict(json.loads(line)) == r


def test_a_spool_written_in_one_thread_is_read_in_another() -> None:
    import threading

    results = _results(50)
    spool = _spool(results).seal()
    seen: list[Result] = []
    reader = threading.Thread(target=lambda: seen.extend(spool))
    reader.start()
    reader.join()
    assert seen == list(ResultList(results))
