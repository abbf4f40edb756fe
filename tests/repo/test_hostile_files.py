"""Hostile repository trees: the scan never reads outside the repository, reads no
special file, bounds every file, and turns one bad file into one error naming it
while every other file is still judged. Each scan runs in a child process under a
1 GiB address-space limit, so a regression fails instead of eating the machine."""

from __future__ import annotations

import gzip
import json
import os
import resource
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Whole-estate or subprocess cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

SECRET = "token-h2-7f3c9a1e"
TF = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'
VOLUME = 'resource "aws_ebs_volume" "v" {\n  size = 1\n  encrypted = true\n}\n'
WORKFLOW = (
    "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: echo hi\n"
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
LIMIT = 1024 * 1024 * 1024


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@dataclass
class Scan:
    code: int
    output: str
    doc: dict[str, Any]
    texts: dict[str, str]

    @property
    def errors(self) -> list[str]:
        return [e["message"] for e in self.doc["errors"]]

    def naming(self, name: str) -> list[str]:
        return [m for m in self.errors if name in m]

    def statuses(self, needle: str) -> set[str]:
        return {r["status"] for r in self.doc["results"] if needle in r["resource"]["name"]}

    def leaks(self, needle: str) -> list[str]:
        return [p for p, t in self.texts.items() if needle in t]


def scan(cwd: Path, repo: str = "repo", *extra: str) -> Scan:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVSCAN_"))}
    env["MALLOC_ARENA_MAX"] = "2"
    out = cwd / "out"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "govscan", "scan", "--repo", repo),
            *("--output-dir", str(out), "--format", "json,html,sarif,csv,md,junit,oscal"),
            *("--fail-on", "none", "--no-redact", *extra),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=_limited,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    texts = {"<output>": output}
    for path in out.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            texts[path.name] = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode(
                "utf-8", "replace"
            )
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return Scan(proc.returncode, output, doc, texts)


@pytest.fixture
def world(tmp_path: Path) -> Path:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "ok.tf").write_text(TF)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(f"token = {SECRET}\n")
    return tmp_path


def _judged(result: Scan) -> None:
    """The good file still has verdicts that are not errors."""
    assert result.statuses("aws_s3_bucket.ok") - {"error"}, result.errors


def test_link_to_etc_passwd_is_never_read(world: Path) -> None:
    (world / "repo" / "main.tf").symlink_to("/etc/passwd")
    result = scan(world)
    assert result.code == 3
    (message,) = result.naming("main.tf")
    assert message == "main.tf:1:1: a symbolic link that leads outside the repository; not read"
    assert result.leaks("root:x:0:0") == []
    _judged(result)


@pytest.mark.parametrize(
    "rel",
    ["leak.tf", "infra/terraform.tfvars", ".github/workflows/ci.yml", "Dockerfile", "plan.json"],
)
def test_links_to_a_token_outside_never_reach_any_output(world: Path, rel: str) -> None:
    link = world / "repo" / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(".tfvars"):
        (link.parent / "main.tf").write_text('variable "token" {}\n')
    link.symlink_to(world / "outside" / "secret.txt")
    result = scan(world)
    assert result.code == 3
    assert [m for m in result.naming(rel) if "leads outside the repository" in m], result.errors
    assert result.leaks(SECRET) == []
    assert result.leaks(str(world / "outside")) == []  # not even the link's target
    _judged(result)


def test_links_inside_the_repository_are_followed(world: Path) -> None:
    (world / "repo" / "real").mkdir()
    (world / "repo" / "real" / "vol.tf").write_text(VOLUME)
    (world / "repo" / "alias.tf").symlink_to("real/vol.tf")
    result = scan(world)
    assert result.errors == []
    encrypted = {
        r["resource"]["id"]: r["status"]
        for r in result.doc["results"]
        if r["control_id"] == "aws.ebs.volume-encrypted"
    }
    assert encrypted == {".: aws_ebs_volume.v": "pass", "real: aws_ebs_volume.v": "pass"}


def test_a_link_to_a_directory_outside_is_reported_and_not_entered(world: Path) -> None:
    (world / "outside" / "infra").mkdir()
    (world / "outside" / "infra" / "main.tf").write_text(TF.replace('"ok"', f'"{SECRET}"'))
    (world / "repo" / "infra").symlink_to(world / "outside" / "infra")
    (world / "repo" / "loop").symlink_to(world / "repo")  # inside: silently not re-entered
    result = scan(world)
    assert result.naming("infra") == [
        "infra: a symbolic link to a directory outside the repository; not scanned"
    ]
    assert result.naming("loop") == []
    assert result.leaks(SECRET) == []
    _judged(result)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("rel", ["main.tf", "Dockerfile", ".github/workflows/f.yml", "f.json"])
def test_fifos_are_never_opened(world: Path, rel: str) -> None:
    path = world / "repo" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    result = scan(world)
    assert [m for m in result.naming(rel) if "a FIFO, not a regular file" in m], result.errors
    _judged(result)


def test_sockets_are_never_opened(world: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(world / "repo" / "sock.tf"))
    sock.close()
    result = scan(world)
    assert result.naming("sock.tf") == ["sock.tf:1:1: a socket, not a regular file; not read"]


@pytest.mark.parametrize("rel", ["Dockerfile", "zero.json", ".github/workflows/z.yml"])
def test_dev_zero_is_not_read(world: Path, rel: str) -> None:
    path = world / "repo" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/dev/zero")
    result = scan(world)
    assert result.code == 3
    assert result.naming(rel), result.errors
    _judged(result)


def test_a_dangling_json_link_is_one_error(world: Path) -> None:
    (world / "repo" / "gone.json").symlink_to(world / "repo" / "missing.json")
    result = scan(world)
    assert result.naming("gone.json") == ["gone.json:1:1: cannot read: No such file or directory"]
    _judged(result)


def test_size_limit_from_the_flag_and_from_govscan_yaml(world: Path) -> None:
    (world / "repo" / "big.tf").write_text(VOLUME + "# " + "x" * 4000 + "\n")
    result = scan(world, "repo", "--max-file-size", "2 KiB")
    # Terraform files get a fifth of the limit: the HCL parser's memory grows fast.
    assert result.naming("big.tf") == [
        "big.tf:1:1: larger than the 409 bytes limit (max_file_size); not read"
    ]
    _judged(result)
    (world / "govscan.yaml").write_text("targets:\n  repo:\n    max_file_size: 1 KiB\n")
    result = scan(world, "repo", "--config", "govscan.yaml")
    assert result.naming("big.tf")
    (world / "govscan.yaml").unlink()
    assert scan(world).naming("big.tf") == []  # 10 MiB by default, 2 MiB for Terraform
    (world / "repo" / "big.tf").write_text(VOLUME + "#" * (2 * 1024 * 1024) + "\n")
    assert scan(world).naming("big.tf") == [
        "big.tf:1:1: larger than the 2 MiB limit (max_file_size); not read"
    ]


@pytest.mark.parametrize(
    "plan",
    [
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": "nope"}}},
        {
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [{"type": 5, "values": [1]}]}},
        },
        {"format_version": "1.2", "planned_values": []},
    ],
    ids=["resources-not-a-list", "entry-types", "planned-values-not-an-object"],
)
def test_a_plan_with_wrong_types_is_one_error(world: Path, plan: dict[str, Any]) -> None:
    (world / "repo" / "plan.json").write_text(json.dumps(plan))
    result = scan(world)
    (message,) = result.naming("plan.json")
    assert message.startswith("plan.json:1:1: plan JSON: ")
    _judged(result)


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("deep.tf", "locals {\n  x = " + "[" * 10000 + "]" * 10000 + "\n}\n"),
        ("paren.tf", "locals {\n  x = " + "(" * 10000 + "1" + ")" * 10000 + "\n}\n"),
        ("blocks.tf", "a {\n" * 3000 + "}\n" * 3000),
        ("deep.json", '{"format_version": "1", "planned_values": ' + "[" * 100000 + "]" * 100000),
    ],
)
def test_deep_nesting_is_one_error_naming_the_file(world: Path, rel: str, text: str) -> None:
    (world / "repo" / rel).write_text(text)
    result = scan(world)
    assert result.code == 3
    (message,) = result.naming(rel)
    assert "nested" in message and len(message) < 200
    _judged(result)


def test_a_3000_step_locals_chain_is_one_error(world: Path) -> None:
    lines = ["locals {", "  a0 = 1", *(f"  a{i} = local.a{i - 1}" for i in range(1, 3001)), "}"]
    lines.append('resource "aws_ebs_volume" "v" {\n  size = local.a3000\n}')
    (world / "repo" / "chain").mkdir()
    (world / "repo" / "chain" / "main.tf").write_text("\n".join(lines) + "\n")
    result = scan(world)
    (message,) = result.naming("chain/main.tf")
    assert message.startswith("chain/main.tf:1:1: values refer to each other more than 100 deep")
    _judged(result)


def test_module_sources_outside_or_looping_are_errors(world: Path) -> None:
    (world / "outside" / "mod").mkdir()
    (world / "outside" / "mod" / "main.tf").write_text(TF.replace('"ok"', f'"{SECRET}"'))
    repo = world / "repo"
    for name, source in [
        ("rel", "../../outside/mod"),
        ("abs", str(world / "outside" / "mod")),
        ("self", "./"),
        ("none", "./missing"),
    ]:
        (repo / name).mkdir()
        (repo / name / "main.tf").write_text(f'module "m" {{\n  source = "{source}"\n}}\n')
    result = scan(world)
    assert result.leaks(SECRET) == []
    assert result.naming("rel/main.tf") == [
        "rel/main.tf:1:1: module.m: the module source leads outside the repository; not followed"
    ]
    assert result.naming("abs/main.tf") == [
        "abs/main.tf:1:1: module.m: an absolute module source path is not followed"
    ]
    assert result.naming("self/main.tf") == [
        "self/main.tf:1:1: module.m: the module calls itself (directly or through other "
        "modules); not followed"
    ]
    assert result.naming("none/main.tf") == [
        "none/main.tf:1:1: module.m: the module source is not a directory in the repository"
    ]
    _judged(result)


def test_a_cycle_of_modules_is_judged_once_and_reported(world: Path) -> None:
    repo = world / "repo"
    for here, there in (("a", "b"), ("b", "a")):
        (repo / here).mkdir()
        (repo / here / "main.tf").write_text(
            f'module "{there}" {{\n  source = "../{there}"\n}}\n'
            + VOLUME.replace('"v"', f'"{here}"')
        )
    result = scan(world)
    # a is the first directory of the cycle: the root; b is called from it, and b's
    # call back to a is the loop.
    assert result.naming("b/main.tf") == [
        "b/main.tf:1:1: module.a: the module calls itself (directly or through other "
        "modules); not followed"
    ]
    volumes = [
        r["resource"]["name"]
        for r in result.doc["results"]
        if r["control_id"] == "aws.ebs.volume-encrypted" and r["status"] != "error"
    ]
    assert sorted(volumes) == ["a: aws_ebs_volume.a", "a: module.b.aws_ebs_volume.b"]


def test_a_workflow_alias_bomb_is_one_error(world: Path) -> None:
    workflows = world / "repo" / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bomb.yml").write_text(BOMB)
    (workflows / "ok.yml").write_text(WORKFLOW)
    result = scan(world)
    (message,) = result.naming("bomb.yml")
    assert message.startswith(".github/workflows/bomb.yml:6:")
    assert "aliases expand to more than" in message
    assert result.statuses(".github/workflows/ok.yml") - {"error"}
    _judged(result)


def _same(results: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["control_id"], r["resource"]["id"], r["status"]) for r in results["results"]}


def test_every_form_of_the_repository_path_gives_the_same_results(tmp_path: Path) -> None:
    repo = tmp_path / "work" / "x"
    (repo / "mod").mkdir(parents=True)
    (repo / "main.tf").write_text('module "m" {\n  source = "./mod"\n}\n' + TF)
    (repo / "mod" / "main.tf").write_text(VOLUME)
    (tmp_path / "checkout").symlink_to(repo)
    (tmp_path / "work" / "y").mkdir()
    forms = [
        (repo, "."),
        (tmp_path / "work", "./x"),
        (tmp_path / "work" / "y", "../x"),
        (tmp_path, str(repo)),
        (tmp_path, "checkout"),
    ]
    seen = []
    for cwd, arg in forms:
        result = scan(cwd, arg)
        assert result.code == 0, (arg, result.errors)
        seen.append(_same(result.doc))
        (cwd / "out").rename(cwd / f"out-{len(seen)}")
    assert ("aws.ebs.volume-encrypted", ".: module.m.aws_ebs_volume.v", "pass") in seen[0]
    assert all(s == seen[0] for s in seen[1:])


def test_control_characters_in_file_names_are_escaped_in_output(world: Path) -> None:
    (world / "repo" / "x\n::error::pwned\x1b[31m.tf").write_text('resource "a" {\n')
    result = scan(world)
    assert result.naming("pwned")
    lines = result.output.splitlines()
    assert not any(line.startswith("::error::") for line in lines)
    assert any("x\\x0a::error::pwned\\x1b[31m.tf" in line for line in lines), result.output


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--max-file-size", "lots"], None, "--max-file-size lots: a size must be"),
        ([], "targets:\n  repo:\n    path: repo\n    max_file_size: -1\n", "govscan.yaml:4:20:"),
    ],
)
def test_a_bad_size_limit_is_a_usage_error(
    world: Path, args: list[str], config: str | None, message: str
) -> None:
    from click.testing import CliRunner

    from govscan.cli import cli

    if config is not None:
        (world / "govscan.yaml").write_text(config)
        args = [*args, "--config", str(world / "govscan.yaml")]
    else:
        args = [*args, "--repo", str(world / "repo")]
    result = CliRunner().invoke(cli, ["scan", *args, "--output-dir", str(world / "out")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
