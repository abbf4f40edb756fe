"""Hostile repository trees: symlinks out of the tree, special files, bombs, depth,
malformed files of every kind the repository collector reads."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

from .cases_catalog import BOMB
from .harness import SECRET, Case, Outcome, World, scan_args

TF = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'
WORKFLOW_OK = (
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
)


def _scan(*extra: str) -> list[str]:
    return scan_args("--no-redact", *extra)


def _ok_still_judged(world: World, _outcome: Outcome) -> None:
    """Every other file is judged: the good bucket has verdicts that are not errors."""
    doc = json.loads((world.out / "results.json").read_text(encoding="utf-8"))
    mine = [r for r in doc["results"] if "aws_s3_bucket.ok" in r["resource"]["name"]]
    assert mine, "the good file was not judged"
    assert any(r["status"] != "error" for r in mine), mine


def _tree(
    name: str,
    make: Callable[[World], None],
    bad: str,
    *,
    codes: tuple[int, ...] = (3,),
    forbidden: tuple[str, ...] = (SECRET,),
) -> Case:
    def build(world: World) -> list[str]:
        world.write("repo/ok.tf", TF)
        make(world)
        return _scan()

    names = (bad,) if bad else ()
    return Case(
        f"repo-{name}", build, codes, names=names, forbidden=forbidden, extra=_ok_still_judged
    )


def _link(rel: str, target: str) -> Callable[[World], None]:
    def make(world: World) -> None:
        world.link(rel, target if target.startswith("/") else str(world.root / target))

    return make


def _write(rel: str, text: str | bytes) -> Callable[[World], None]:
    return lambda world: world.write(rel, text) and None


def _fifo(rel: str) -> Callable[[World], None]:
    return lambda world: world.fifo(rel) and None


def _socket(world: World) -> None:
    path = world.repo / "sock.tf"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()


def _locals_chain(world: World) -> None:
    lines = ["locals {", "  a0 = 1"]
    lines += [f"  a{i} = local.a{i - 1}" for i in range(1, 3001)]
    lines.append("}")
    lines.append('resource "aws_ebs_volume" "v" {\n  size = local.a3000\n  encrypted = true\n}')
    world.write("repo/chain/main.tf", "\n".join(lines) + "\n")


def _module_loop(world: World) -> None:
    world.write("repo/loop/main.tf", 'module "self" {\n  source = "./"\n}\n')


def _dir_loop(world: World) -> None:
    world.link("repo/loopdir", str(world.repo))


def _plan_wrong_types(world: World) -> None:
    doc = {"format_version": "1.2", "planned_values": {"root_module": {"resources": "nope"}}}
    world.write("repo/plan.json", json.dumps(doc))


def _plan_wrong_types2(world: World) -> None:
    doc = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{"type": 5, "values": [1]}]}},
    }
    world.write("repo/plan2.json", json.dumps(doc))


def _deep_json(world: World) -> None:
    world.write(
        "repo/deep.json",
        '{"format_version": "1.2", "planned_values": ' + "[" * 100000 + "]" * 100000 + "}",
    )


def _deep_tf_json(world: World) -> None:
    world.write("repo/deep.tf.json", '{"resource": ' + "[" * 100000 + "]" * 100000 + "}")


def _huge_tfvars_link(world: World) -> None:
    world.write("repo/root/main.tf", 'variable "x" {}\n')
    world.link("repo/root/terraform.tfvars", str(world.outside / "secret.txt"))


def _module_outside(world: World) -> None:
    world.write(
        "outside/mod/main.tf", f'resource "aws_s3_bucket" "leak" {{\n  bucket = "{SECRET}"\n}}\n'
    )
    world.write("repo/app/main.tf", 'module "m" {\n  source = "../../outside/mod"\n}\n')


def _module_absolute(world: World) -> None:
    world.write(
        "outside/mod2/main.tf", f'resource "aws_s3_bucket" "leak" {{\n  bucket = "{SECRET}"\n}}\n'
    )
    world.write("repo/app2/main.tf", f'module "m" {{\n  source = "{world.outside / "mod2"}"\n}}\n')


def _dir_outside(world: World) -> None:
    world.write(
        "outside/infra/main.tf", f'resource "aws_s3_bucket" "leak" {{\n  bucket = "{SECRET}"\n}}\n'
    )
    world.link("repo/infra", str(world.outside / "infra"))


def _workflow_secret_link(world: World) -> None:
    world.link("repo/.github/workflows/ci.yml", str(world.outside / "secret.txt"))


def _composite_bomb(world: World) -> None:
    world.write("repo/actions/x/action.yml", BOMB)


def _long_line(world: World) -> None:
    # Just under the 2 MiB limit of Terraform files: parsed, in bounded memory.
    world.write("repo/long.tf", 'locals {\n  x = "' + "a" * 2_000_000 + '"\n}\n')


def _huge_file(world: World) -> None:
    world.write("repo/big.tf", "# " + "x" * 80 + "\n" * 1 + ("# padding\n" * 3_000_000))


def _escape_name(world: World) -> None:
    world.write("repo/\x1b[31mred\x1b[0m.tf", 'resource "aws_s3_bucket" {\n')


def _bad_hcl_with_secret(world: World) -> None:
    world.write(
        "repo/bad.tf", f'resource "aws_s3_bucket" "b" {{\n  bucket = "x"\n  {{{{ {SECRET}\n'
    )


CASES: list[Case] = [
    _tree(
        "tf-link-passwd",
        _link("repo/main.tf", "/etc/passwd"),
        "main.tf",
        forbidden=(SECRET, "root:x:0:0"),
    ),
    _tree("tf-link-secret", _link("repo/leak.tf", "outside/secret.txt"), "leak.tf"),
    _tree("tfvars-link-secret", _huge_tfvars_link, "terraform.tfvars"),
    _tree("workflow-link-secret", _workflow_secret_link, "ci.yml"),
    _tree("dockerfile-dev-zero", _link("repo/Dockerfile", "/dev/zero"), "Dockerfile"),
    _tree("workflow-dev-zero", _link("repo/.github/workflows/z.yml", "/dev/zero"), "z.yml"),
    _tree("plan-dev-zero", _link("repo/zero.json", "/dev/zero"), "zero.json"),
    _tree("tf-fifo", _fifo("repo/fifo.tf"), "fifo.tf"),
    _tree("dockerfile-fifo", _fifo("repo/Dockerfile"), "Dockerfile"),
    _tree("workflow-fifo", _fifo("repo/.github/workflows/f.yml"), "f.yml"),
    _tree("tf-socket", _socket, "sock.tf"),
    _tree(
        "json-dangling-link", _link("repo/gone.json", "outside/does-not-exist.json"), "gone.json"
    ),
    _tree("plan-wrong-types", _plan_wrong_types, "plan.json"),
    _tree("plan-wrong-item-types", _plan_wrong_types2, "plan2.json"),
    _tree("json-deep", _deep_json, "deep.json"),
    _tree("tf-json-deep", _deep_tf_json, "deep.tf.json"),
    _tree(
        "tf-deep-brackets",
        _write("repo/deep.tf", "locals {\n  x = " + "[" * 10000 + "]" * 10000 + "\n}\n"),
        "deep.tf",
    ),
    _tree(
        "tf-deep-parens",
        _write("repo/paren.tf", "locals {\n  x = " + "(" * 10000 + "1" + ")" * 10000 + "\n}\n"),
        "paren.tf",
    ),
    _tree(
        "tf-deep-objects",
        _write("repo/obj.tf", "locals {\n  x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n}\n"),
        "obj.tf",
    ),
    _tree("tf-locals-chain", _locals_chain, "chain/main.tf"),
    _tree("tf-module-loop", _module_loop, "loop/main.tf"),
    _tree("module-outside-relative", _module_outside, "app/main.tf"),
    _tree("module-outside-absolute", _module_absolute, "app2/main.tf"),
    _tree("dir-link-outside", _dir_outside, "infra"),
    _tree("dir-link-loop", _dir_loop, "", codes=(0, 1, 3)),
    _tree("tf-not-utf8", _write("repo/bin.tf", b"resource \xff\xfe {\n"), "bin.tf"),
    _tree("tf-syntax-secret", _bad_hcl_with_secret, "bad.tf"),
    _tree("workflow-alias-bomb", _write("repo/.github/workflows/bomb.yml", BOMB), "bomb.yml"),
    _tree(
        "workflow-deep",
        _write("repo/.github/workflows/deep.yml", "on: " + "[" * 20000 + "]" * 20000 + "\n"),
        "deep.yml",
    ),
    _tree(
        "workflow-not-mapping", _write("repo/.github/workflows/list.yml", "- a\n- b\n"), "list.yml"
    ),
    _tree(
        "workflow-bad-expression",
        _write(
            "repo/.github/workflows/expr.yml",
            WORKFLOW_OK.replace("echo hi", "echo ${{ github.event.issue.title"),
        ),
        "",
        codes=(0, 1, 3),
    ),
    _tree("composite-alias-bomb", _composite_bomb, "action.yml"),
    _tree("tf-long-line", _long_line, "", codes=(0, 1, 3)),
    _tree("tf-over-size-cap", _huge_file, "big.tf"),
    _tree("tf-escape-in-name", _escape_name, "red", codes=(3,)),
    _tree(
        "dockerfile-not-utf8", _write("repo/Dockerfile", b"FROM \xff\xfe\n"), "", codes=(0, 1, 3)
    ),
]
