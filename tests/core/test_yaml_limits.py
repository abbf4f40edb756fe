"""The one YAML loader is bounded: alias bombs, deep nesting, special files and huge
files are one located ``YamlSyntaxError``, and every command that reads user YAML
turns it into a one-line error naming the file, under a memory limit."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govscan.catalog.yamlsource import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    YamlDocument,
    YamlSyntaxError,
    load_yaml,
    parse_yaml,
)

BOMB = "\n".join(
    [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        *(
            f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]"
            for a, b in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)
"""Nine levels of nine aliases: 387 million strings from 460 bytes."""

TF = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'
LIMIT = 1024 * 1024 * 1024


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def govscan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """govscan in a child under a 1 GiB address-space limit: a bomb that gets through
    fails the test with a MemoryError instead of exhausting the machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVSCAN_"))}
    env["MALLOC_ARENA_MAX"] = "2"
    return subprocess.run(
        [sys.executable, "-m", "govscan", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
        check=False,
    )


def test_alias_bomb_is_one_located_error() -> None:
    assert len(BOMB) < 600
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml(BOMB, "bomb.yaml")
    problem = exc.value.problem
    # The first alias whose expansion crosses the budget: level f, line 6.
    assert (problem.path, problem.line) == ("bomb.yaml", 6)
    assert f"more than {MAX_ALIAS_NODES:,} nodes" in problem.message


def test_alias_bomb_in_a_child_stays_small(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(BOMB)
    code = (
        "from pathlib import Path\n"
        "from govscan.catalog.yamlsource import load_yaml, YamlSyntaxError\n"
        "try:\n"
        "    load_yaml(Path('bomb.yaml'))\n"
        "except YamlSyntaxError as e:\n"
        "    print(e)\n"
        # VmHWM belongs to this process's own address space; ru_maxrss would also
        # count the pytest worker this child was forked from.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    message, rss_kib = proc.stdout.splitlines()
    assert message.startswith("bomb.yaml:6:"), proc.stdout + proc.stderr
    assert int(rss_kib) < 100 * 1024


def test_legitimate_anchors_and_merge_keys_load() -> None:
    doc = parse_yaml("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\ne: [*b, *b]\n", "m.yaml")
    assert doc.data["d"] == {"x": 3, "y": 2}
    assert doc.data["e"] == [{"x": 1, "y": 2}, {"x": 1, "y": 2}]
    # An explicit key overriding a merged one is not a duplicate.
    assert doc.duplicates == ()


def test_recursive_alias_is_an_error_not_a_recursion() -> None:
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml("a: &a [1, *a]\n", "rec.yaml")
    assert str(exc.value).startswith("rec.yaml:1:")
    assert "refers to a node that contains it" in str(exc.value)


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 20000 + "]" * 20000,
        "a: " + "{b: " * 5000 + "1" + "}" * 5000,
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_DEPTH + 5)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_is_one_error(text: str) -> None:
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml(text, "deep.yaml")
    assert str(exc.value).startswith("deep.yaml:")
    assert len(str(exc.value)) < 200


def test_messages_never_quote_a_long_value() -> None:
    doc = parse_yaml("n: !!int " + "9" * 5000 + "\n", "big.yaml")
    (problem,) = doc.duplicates
    assert str(problem).startswith("big.yaml:1:4: invalid value '99999")
    assert len(str(problem)) < 300


def test_non_scalar_keys_and_bad_keys_are_problems() -> None:
    doc = parse_yaml("? [a, b]\n: 1\n2026-13-01: x\nid: y\n", "k.yaml")
    assert doc.data == {"id": "y"}
    assert [p.line for p in doc.duplicates] == [1, 3]


def test_unsafe_tags_on_keys_are_refused() -> None:
    with pytest.raises(YamlSyntaxError):
        parse_yaml("? !!python/name:os.system\n: 1\n", "k.yaml")


def test_non_printable_characters_are_located() -> None:
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml("a: 1\nb: \x07\n", "ctl.yaml")
    assert str(exc.value).startswith("ctl.yaml:2:4: YAML syntax error")


@pytest.mark.timeout(20)
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(YamlSyntaxError) as exc:
        load_yaml(fifo)
    assert "a FIFO, not a regular file" in str(exc.value)


def test_device_behind_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(YamlSyntaxError) as exc:
        load_yaml(tmp_path / "zero.yaml", "zero.yaml")
    assert str(exc.value) == "zero.yaml:1:1: a device, not a regular file; not read"


def test_size_limit_and_encoding(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(YamlSyntaxError) as exc:
        load_yaml(big, "big.yaml", max_bytes=1024)
    assert "larger than the 1 KiB limit" in str(exc.value)
    assert load_yaml(big, "big.yaml", max_bytes=4096).data["a"] == "x" * 2000
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(YamlSyntaxError) as exc:
        load_yaml(bad, "bad.yaml")
    assert str(exc.value).startswith("bad.yaml:2:4: not UTF-8 text")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_document_or_one_syntax_error(text: str) -> None:
    try:
        doc = parse_yaml(text, "any.yaml")
    except YamlSyntaxError as exc:
        assert str(exc).startswith("any.yaml:")
        assert "\n" not in str(exc)
    else:
        assert isinstance(doc, YamlDocument)


_YAMLISH = st.text(alphabet=list("ab: -[]{},&*<\n'\"!#?|>0x"), max_size=200)


@settings(max_examples=500, deadline=None)
@given(_YAMLISH)
def test_yaml_shaped_text_is_a_document_or_one_syntax_error(text: str) -> None:
    try:
        parse_yaml(text, "y.yaml")
    except YamlSyntaxError as exc:
        assert str(exc).startswith("y.yaml:")


def _control(world: Path) -> list[str]:
    (world / "controls").mkdir()
    (world / "controls" / "bomb.yaml").write_text(BOMB)
    return ["scan", "--repo", "repo", "--controls", "controls", "--output-dir", "out"]


def _validate(world: Path) -> list[str]:
    (world / "controls").mkdir()
    (world / "controls" / "bomb.yaml").write_text(BOMB)
    return ["validate", "controls"]


def _policy(world: Path) -> list[str]:
    (world / "bomb.yaml").write_text(BOMB)
    return ["scan", "--repo", "repo", "--policy", "bomb.yaml", "--output-dir", "out"]


def _config(world: Path) -> list[str]:
    (world / "bomb.yaml").write_text(BOMB)
    return ["scan", "--config", "bomb.yaml", "--output-dir", "out"]


def _registry(world: Path) -> list[str]:
    (world / "bomb.yaml").write_text(BOMB)
    return ["scan", "--repo", "repo", "--registry", "bomb.yaml", "--output-dir", "out"]


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    "build",
    [_control, _validate, _policy, _config, _registry],
    ids=["control", "validate", "policy", "config", "registry"],
)
def test_every_user_yaml_entry_point_names_the_bombed_file(build: object, tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "ok.tf").write_text(TF)
    args = build(tmp_path)  # type: ignore[operator]
    proc = govscan(tmp_path, *args)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "MemoryError" not in output, output[-2000:]
    assert proc.returncode == 2, output[-2000:]
    lines = [ln for ln in output.splitlines() if "bomb.yaml" in ln]
    assert lines and all("aliases expand to more than" in ln for ln in lines), output
