"""Hostile controls, policies, parameters, configuration and registries."""

from __future__ import annotations

from pathlib import Path

from .harness import SECRET, Case, World, scan_args

BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

CONTROL = """\
id: acme.s3.{name}
title: Buckets are named
severity: high
resource: aws.s3.bucket
check: {check}
frameworks:
  iso27001-2022: [A.8.24]
"""

POLICY = "name: p\nextends: baseline\n"
WAIVER = (
    "waivers:\n  - {{control: aws.s3.bucket-versioning, resources: ['{glob}'], reason: x,\n"
    "     owner: a@b.example, expires: {expires}}}\n"
)

TF = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'


def _repo(world: World) -> None:
    world.write("repo/ok.tf", TF)


def _scan(*extra: str) -> list[str]:
    return scan_args(*extra)


def _control(name: str, text: str) -> Case:
    def build(world: World) -> list[str]:
        _repo(world)
        world.write(f"inputs/controls/{name}.yaml", text)
        return _scan("--controls", "inputs/controls")

    return Case(f"control-{name}", build, (2,), names=(f"{name}.yaml",))


def _validate(name: str, text: str | bytes) -> Case:
    def build(world: World) -> list[str]:
        world.write(f"inputs/controls/{name}.yaml", text)
        return ["validate", "inputs/controls"]

    return Case(f"validate-{name}", build, (2,), names=(f"{name}.yaml",))


def _policy(
    name: str, text: str, *extra: str, codes: tuple[int, ...] = (2,), named: bool = True
) -> Case:
    def build(world: World) -> list[str]:
        _repo(world)
        world.write(f"inputs/policies/{name}.yaml", text)
        return _scan("--policy", f"inputs/policies/{name}.yaml", *extra)

    return Case(f"policy-{name}", build, codes, names=(f"{name}.yaml",) if named else ())


def _config(name: str, text: str) -> Case:
    def build(world: World) -> list[str]:
        _repo(world)
        world.write(f"inputs/{name}.yaml", text)
        return ["scan", "--config", f"inputs/{name}.yaml", "--output-dir", "out"]

    return Case(f"config-{name}", build, (2,), names=(f"{name}.yaml",))


REGISTRY = Path(__file__).parent.parent / "dsgvo" / "fixtures" / "registry.yaml"


def _registry(name: str, text: str | bytes, flag: str = "--registry") -> Case:
    def build(world: World) -> list[str]:
        _repo(world)
        world.write(f"inputs/{name}.yaml", text)
        if flag == "--registry":
            return _scan(flag, f"inputs/{name}.yaml")
        world.write("inputs/registry.yaml", REGISTRY.read_text(encoding="utf-8"))
        return _scan("--registry", "inputs/registry.yaml", flag, f"inputs/{name}.yaml")

    return Case(f"registry-{name}", build, (2, 3), names=(f"{name}.yaml",))


def _symlinked_control(world: World) -> list[str]:
    _repo(world)
    world.link("inputs/controls/passwd.yaml", "/etc/passwd")
    return _scan("--controls", "inputs/controls")


def _special_control(world: World) -> list[str]:
    _repo(world)
    world.fifo("inputs/controls/fifo.yaml")
    return _scan("--controls", "inputs/controls")


def _zero_policy(world: World) -> list[str]:
    _repo(world)
    world.link("inputs/policies/zero.yaml", "/dev/zero")
    return _scan("--policy", "inputs/policies/zero.yaml")


def _python_tag(world: World) -> list[str]:
    _repo(world)
    world.write(
        "inputs/controls/tag.yaml",
        "id: !!python/object/apply:os.system ['touch pwned']\ntitle: x\n",
    )
    return _scan("--controls", "inputs/controls")


def _redos(world: World) -> list[str]:
    world.write(
        "repo/ok.tf", 'resource "aws_s3_bucket" "ok" {\n  bucket = "' + "a" * 40 + '!"\n}\n'
    )
    world.write(
        "inputs/controls/redos.yaml",
        CONTROL.format(name="redos", check='{path: bucket, op: not-regex, value: "(a+)+$"}'),
    )
    return _scan("--controls", "inputs/controls")


CASES: list[Case] = [
    _validate("alias-bomb", BOMB),
    _control("alias-bomb", BOMB),
    _validate("deep-nesting", "a: " + "[" * 20000 + "]" * 20000 + "\n"),
    _validate("deep-mapping", "a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n"),
    _validate("not-utf8", b"id: \xff\xfe\xfa\ntitle: x\n"),
    _validate("empty", ""),
    _validate("only-a-list", "- a\n- b\n"),
    _validate("non-string-keys", "? [a, b]\n: 1\nid: x\n"),
    _validate(
        "duplicate-keys", CONTROL.format(name="d", check="{path: a, op: present}") + "id: b\n"
    ),
    _validate(
        "huge-int", CONTROL.format(name="h", check="{path: a, op: gt, value: " + "9" * 5000 + "}")
    ),
    _control(
        "unknown-op", CONTROL.format(name="op", check="{path: bucket, op: frobnicate, value: 1}")
    ),
    _control(
        "unknown-requirement",
        CONTROL.format(name="req", check="{path: a, op: present}").replace("A.8.24", "A.99.99"),
    ),
    _control(
        "backreference",
        CONTROL.format(name="br", check='{path: bucket, op: regex, value: "(a)\\\\1"}'),
    ),
    _control(
        "lookahead", CONTROL.format(name="la", check='{path: bucket, op: regex, value: "(?=a)a"}')
    ),
    _control("deep-check", CONTROL.format(name="dc", check="{all: " * 3000 + "[]" + "}" * 3000)),
    Case(
        "control-symlink-outside",
        _symlinked_control,
        (2,),
        names=("passwd.yaml",),
        forbidden=(SECRET, "root:x:0:0"),
    ),
    Case("control-fifo", _special_control, (2,), names=("fifo.yaml",)),
    Case("control-python-tag", _python_tag, (2,), names=("tag.yaml",)),
    Case("control-redos-pattern", _redos, (0, 1)),
    _policy("alias-bomb", BOMB),
    _policy(
        "inf-default",
        POLICY + "parameters:\n  max_key_age_days: {type: integer, default: .inf}\n",
    ),
    _policy(
        "nan-default",
        POLICY + "parameters:\n  max_key_age_days: {type: integer, default: .nan}\n",
    ),
    _policy("extends-itself", "name: loop\nextends: inputs/policies/extends-itself.yaml\n"),
    _policy(
        "bad-waiver-date",
        POLICY + WAIVER.format(glob="*", expires="not-a-date"),
    ),
    _policy(
        "waiver-redos",
        POLICY + WAIVER.format(glob="*a" * 200, expires="2099-01-01"),
        codes=(0, 1),
        named=False,
    ),
    _policy("list-as-name", "name: [a, b]\nextends: baseline\n"),
    Case("policy-dev-zero", _zero_policy, (2,), names=("zero.yaml",)),
    _config("alias-bomb", BOMB),
    _config("unknown-key", "polcy: baseline\ntargets: {repo: repo}\n"),
    _config("wrong-types", "policy: 5\nformats: json\ntargets: {repo: [1, 2]}\n"),
    _registry("alias-bomb", BOMB),
    _registry("not-utf8", b"\xff\xfe version: 1\n"),
    _registry("deep", "version: 1\nprocessors: " + "[" * 20000 + "]" * 20000 + "\n"),
    _registry("records-bomb", BOMB, flag="--records"),
]
