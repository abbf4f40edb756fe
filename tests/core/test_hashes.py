"""Content hashes are SHA-256 over RFC 8785 canonical JSON, recomputable by any JCS tool."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import rfc8785

from govscan.canonical import MAX_SAFE_INTEGER, canonical_json, content_hash, jsonable
from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy
from govscan.model import Policy, Selection, Severity, Waiver
from govscan.runner import ScanConfig, controls_hash, policy_hash, run

from .fakes import FakeCollector, thing


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_the_hash_is_sha256_of_the_jcs_bytes() -> None:
    doc = {"b": [1, 2.5, "x"], "a": {"é": None, "A": True}}
    assert canonical_json(doc) == '{"a":{"A":true,"é":null},"b":[1,2.5,"x"]}'.encode()
    assert content_hash(doc) == _sha(rfc8785.dumps(doc))


def test_numbers_and_key_order_are_canonical() -> None:
    # JSON text that differs only in key order or number spelling is one document.
    one = json.loads('{"limit": 1.0, "ratio": 1e2, "z": 0, "a": -0.0}')
    two = json.loads('{"a": 0, "z": 0.0, "ratio": 100, "limit": 1}')
    assert content_hash(one) == content_hash(two)
    # ...where the former sort_keys dump told them apart.
    assert json.dumps(one, sort_keys=True) != json.dumps(two, sort_keys=True)


def test_yaml_values_outside_json_have_one_documented_form() -> None:
    big = MAX_SAFE_INTEGER + 2
    converted = jsonable(
        {
            1: date(2026, 1, 2),
            "t": datetime(2026, 1, 2, 3, 4),
            "sev": Severity.HIGH,
            "tuple": (1, 2),
            "set": {"b", "a"},
            "big": big,
            "nan": float("nan"),
        }
    )
    assert converted == {
        "1": "2026-01-02",
        "t": "2026-01-02T03:04:00",
        "sev": "high",
        "tuple": [1, 2],
        "set": ["a", "b"],
        "big": str(big),
        "nan": "nan",
    }
    assert content_hash({"n": MAX_SAFE_INTEGER}) == _sha(b'{"n":9007199254740991}')


def _controls(tmp_path: Path) -> Path:
    folder = tmp_path / "controls"
    folder.mkdir()
    for cid in ("fake.thing.b", "fake.thing.a"):
        (folder / f"{cid}.yaml").write_text(
            f"id: {cid}\ntitle: T\nseverity: low\nresource: fake.thing\n"
            "check: {path: encrypted, op: eq, value: true}\n"
            "frameworks: {iso27001-2022: [A.8.24]}\n"
        )
    return folder


def test_controls_hash_is_the_jcs_hash_of_the_controls_without_their_files(
    tmp_path: Path,
) -> None:
    from govscan.serialize import control_to_dict

    loaded, _ = load_control_dirs([_controls(tmp_path)], include_builtin=False)
    controls = list(loaded.controls.values())
    docs = [control_to_dict(c) for c in sorted(controls, key=lambda c: c.id)]
    for d in docs:
        del d["source"]
    assert controls_hash(controls) == _sha(rfc8785.dumps(docs))
    assert controls_hash(controls) == controls_hash(list(reversed(controls)))


def test_policy_hash_covers_waivers_and_parameters_not_the_file() -> None:
    waiver = Waiver("a.b", ("*",), "accepted", "ops", date(2026, 12, 31))
    policy = Policy(
        name="p",
        include=(Selection(severities=(Severity.HIGH,)),),
        waivers=(waiver,),
        values={"limit": 5},
        source="/one/p.yaml",
    )
    moved = Policy(**{**policy.__dict__, "source": "/two/p.yaml"})
    assert policy_hash(policy) == policy_hash(moved)
    longer = Policy(**{**policy.__dict__, "waivers": (Waiver("a.b", ("*",), "accepted", "ops"),)})
    assert policy_hash(policy) != policy_hash(longer)
    assert policy_hash(load_policy("baseline")).startswith("sha256:")


def test_a_bundle_manifest_hash_is_recomputable_from_controls_json(tmp_path: Path) -> None:
    FakeCollector.items = [thing("t/a", encrypted=True)]
    (tmp_path / "p.yaml").write_text("name: p\nselect: [{ids: ['fake.*']}]\n")
    outcome = run(
        ScanConfig(
            policy=str(tmp_path / "p.yaml"),
            controls_dirs=(_controls(tmp_path),),
            targets={"fake": True},
            formats=("json",),
            output_dir=tmp_path / "out",
            fail_on=None,
        )
    )
    manifest = json.loads((outcome.output_dir / "manifest.json").read_text())
    shipped = json.loads((outcome.output_dir / "controls.json").read_text())
    for doc in shipped:
        doc.pop("source")
    docs = sorted(shipped, key=lambda d: d["id"])
    assert manifest["run"]["controls_hash"] == _sha(rfc8785.dumps(docs))
