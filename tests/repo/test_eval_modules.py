"""Evaluation inside a module: module outputs, instances not known before apply,
companions joined by reference, and ``.tf.json`` files read like ``.tf``."""

from __future__ import annotations

from pathlib import Path

import pytest

from govscan.collectors.repo.hcl import HclSyntaxError, Unknown, evaluate, parse
from govscan.collectors.repo.hcl_json import parse_json
from govscan.collectors.repo.normalize_aws import Companions
from govscan.collectors.repo.terraform import load_module


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_module_output_carries_the_inner_resource(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": 'module "net" {\n  source = "./net"\n}\n'
            'resource "aws_security_group_rule" "r" {\n'
            "  security_group_id = module.net.id\n  cidr_blocks = module.net.cidrs\n}\n",
            "net/main.tf": 'resource "aws_security_group" "this" {}\n'
            'output "id" {\n  value = aws_security_group.this.id\n}\n'
            'output "cidrs" {\n  value = ["10.0.0.0/8"]\n}\n',
        },
    )
    module = load_module(root, root)
    rule = next(r for r in module.resources if r.type == "aws_security_group_rule")
    group = next(r for r in module.resources if r.type == "aws_security_group")
    assert rule.get("security_group_id").ref == "module.net.aws_security_group.this"
    assert rule.get("cidr_blocks") == ["10.0.0.0/8"]
    assert Companions(module.resources).all("aws_security_group_rule", group) == [rule]


def test_unknown_count_marks_the_instances_not_a_single_one(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": 'variable "n" {}\nvariable "names" {\n  default = ["a"]\n}\n'
            'resource "aws_ebs_volume" "unknown" {\n  count = var.n\n}\n'
            'resource "aws_ebs_volume" "known" {\n  for_each = toset(var.names)\n}\n'
            'resource "aws_ebs_volume" "none" {\n  count = length(keys({})) > 0 ? 1 : 0\n}\n'
            'module "inner" {\n  source = "./inner"\n  count = var.n\n}\n',
            "inner/main.tf": 'resource "aws_ebs_volume" "v" {}\n',
        },
    )
    by_address = {r.address: r for r in load_module(root, root).resources}
    assert "count depends on var.n" in by_address["aws_ebs_volume.unknown"].instances_unknown
    assert by_address['aws_ebs_volume.known["a"]'].instances_unknown == ""
    assert "aws_ebs_volume.none" not in by_address
    assert "aws_ebs_volume.none[0]" not in by_address
    assert "var.n" in by_address["module.inner.aws_ebs_volume.v"].instances_unknown


def test_a_companion_with_unknown_count_makes_the_joined_field_unknown(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": 'variable "targets" {}\nresource "aws_s3_bucket" "b" {}\n'
            'resource "aws_s3_bucket_logging" "b" {\n  count = length(var.targets)\n'
            "  bucket = aws_s3_bucket.b.id\n}\n",
        },
    )
    resources = load_module(root, root).resources
    bucket = next(r for r in resources if r.type == "aws_s3_bucket")
    why = Companions(resources).unknown("aws_s3_bucket_logging", bucket)
    assert isinstance(why, Unknown)
    assert "var.targets" in why.text


def test_dynamic_blocks_over_static_sets_are_generated(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": 'resource "aws_s3_bucket_server_side_encryption_configuration" "c" {\n'
            '  bucket = "b"\n  dynamic "rule" {\n    for_each = toset(["aws:kms"])\n'
            "    content {\n      apply_server_side_encryption_by_default {\n"
            "        sse_algorithm = rule.value\n      }\n    }\n  }\n}\n",
        },
    )
    (conf,) = load_module(root, root).resources
    rule = conf.sub("rule", "apply_server_side_encryption_by_default")
    assert conf.sub_get(rule, "sse_algorithm") == "aws:kms"
    assert conf.unexpanded == ()


HCL = """
variable "enc" {
  default = true
}
resource "aws_ebs_volume" "v" {
  encrypted = var.enc
  tags = { Name = "disk-${var.enc}" }
  dynamic "ebs" {
    for_each = ["a"]
    iterator = item
    content {
      name = item.value
    }
  }
}
"""

JSON = """{
  "variable": {"enc": {"default": true}},
  "resource": {
    "aws_ebs_volume": {
      "v": {
        "encrypted": "${var.enc}",
        "tags": {"Name": "disk-${var.enc}"},
        "dynamic": {
          "ebs": {
            "for_each": ["a"],
            "iterator": "item",
            "content": {"name": "${item.value}"}
          }
        }
      }
    }
  }
}
"""


def test_a_tf_json_module_loads_like_its_hcl_twin(tmp_path: Path) -> None:
    hcl = load_module(tmp_path, _write(tmp_path / "hcl", {"main.tf": HCL}))
    js = load_module(tmp_path, _write(tmp_path / "json", {"main.tf.json": JSON}))
    (a,), (b,) = hcl.resources, js.resources
    assert a.address == b.address == "aws_ebs_volume.v"
    assert a.attrs() == b.attrs() == {"encrypted": True, "tags": {"Name": "disk-true"}}
    assert a.sub_get(a.sub("ebs"), "name") == b.sub_get(b.sub("ebs"), "name") == "a"
    assert b.block.line == 5  # the line of the resource's body object
    assert js.errors == []


def test_json_templates_keep_literal_dollars_and_quotes() -> None:
    (block,) = parse_json(
        b'{"locals": {"a": "$${not} \\"q\\" ${upper(\\"x\\")}", "b": "plain \\\\ text"}}'
    )
    assert evaluate(block.attrs["a"]) == '${not} "q" X'
    assert evaluate(block.attrs["b"]) == "plain \\ text"


@pytest.mark.parametrize(
    ("src", "line"),
    [
        (b'{\n  "resource": {\n    "aws_s3_bucket": [1]\n  }\n}', 2),  # the object holding it
        (b'{\n  "locals": {\n    "a": 1,\n  }\n}', 4),  # trailing comma
        (b"[1, 2]", 1),
        (b'{"locals": {"a": "${unterminated"}}', 1),
        (b"[" * 100_000 + b"]" * 100_000, 1),
    ],
)
def test_bad_tf_json_is_a_syntax_error_with_its_line(src: bytes, line: int) -> None:
    with pytest.raises(HclSyntaxError) as exc:
        parse_json(src)
    assert exc.value.line == line


def test_a_bad_tf_json_file_is_one_error_and_the_rest_still_loads(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {"bad.tf.json": '{"resource": ', "ok.tf": 'resource "aws_ebs_volume" "v" {}\n'},
    )
    module = load_module(root, root)
    assert [r.address for r in module.resources] == ["aws_ebs_volume.v"]
    assert [(e[0], e[1]) for e in module.errors] == [("bad.tf.json", 1)]


def test_parse_keeps_function_calls_compiled_not_as_text() -> None:
    (block,) = parse(b"locals {\n  a = length(concat([1], [2, 3]))\n}\n")
    assert block.attrs["a"][0] == "call"
    assert evaluate(block.attrs["a"]) == 3


def test_a_tf_json_module_call_is_followed_and_its_target_is_no_root(tmp_path: Path) -> None:
    from govscan.collectors.repo.terraform import module_dirs

    root = _write(
        tmp_path,
        {
            "main.tf.json": '{"module": {"disk": {"source": "./disk", "size": 5}}}',
            "disk/main.tf": 'variable "size" {}\n'
            'resource "aws_ebs_volume" "v" {\n  size = var.size\n}\n',
        },
    )
    files = [root / "main.tf.json", root / "disk" / "main.tf"]
    assert list(module_dirs(root, files)) == [root]
    (volume,) = load_module(root, root).resources
    assert volume.address == "module.disk.aws_ebs_volume.v"
    assert volume.get("size") == 5


def test_outputs_of_counted_module_calls_are_indexed(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n  count = 2\n  n = count.index\n}\n'
            "locals {\n  second = module.m[1].n\n  all = module.m[*].n\n}\n"
            'resource "aws_ebs_volume" "v" {\n  size = local.second\n'
            '  tags = { all = join(",", local.all) }\n}\n',
            "m/main.tf": 'variable "n" {}\noutput "n" {\n  value = var.n\n}\n',
        },
    )
    (volume,) = load_module(root, root).resources
    assert volume.get("size") == 1
    assert volume.get("tags") == {"all": "0,1"}


def _doubling(kind: str, levels: int) -> str:
    """Locals that double a value at each step: 2**levels items from a tiny file."""
    seed = {"list": '["x"]', "text": '"x"', "tree": '"x"'}[kind]
    step = {
        "list": "concat(local.a{0}, local.a{0})",
        "text": '"${{local.a{0}}}${{local.a{0}}}"',
        "tree": "[local.a{0}, local.a{0}]",  # shared, so small until walked
    }
    lines = [f"  a0 = {seed}"]
    lines += [f"  a{i + 1} = {step[kind].format(i)}" for i in range(levels)]
    return "locals {\n" + "\n".join(lines) + "\n}\n"


@pytest.mark.parametrize(
    ("kind", "use"),
    [
        ("list", "length(local.a60)"),
        ("list", "length(flatten([local.a16, local.a16]))"),
        ("list", "length([for x in local.a16 : [for y in local.a16 : 1]])"),
        ("tree", "local.a60 == local.a60"),
        ("tree", "length(flatten(local.a60))"),
        ("tree", "length(distinct(local.a60))"),
        ("text", "length(local.a60)"),
        ("text", 'length(join("", [local.a16, local.a16]))'),
    ],
)
def test_values_that_explode_are_invalid_not_a_crash(tmp_path: Path, kind: str, use: str) -> None:
    root = _write(
        tmp_path,
        {
            "main.tf": _doubling(kind, 60)
            + f'resource "aws_ebs_volume" "v" {{\n  size = {use}\n}}\n'
        },
    )
    (volume,) = load_module(root, root).resources
    size = volume.get("size")
    assert isinstance(size, Unknown), size  # too large to evaluate: unknown, never judged


def test_a_bare_provider_name_passed_to_a_module_is_its_default_configuration(
    tmp_path: Path,
) -> None:
    from govscan.collectors.repo.tf_providers import region

    root = _write(
        tmp_path,
        {
            "main.tf": 'provider "aws" {\n  region = "eu-central-1"\n}\n'
            'provider "aws" {\n  alias = "us"\n  region = "us-east-1"\n}\n'
            'module "m" {\n  source = "./mod"\n  providers = { aws = aws }\n}\n'
            'module "n" {\n  source = "./mod"\n  providers = { aws = aws.us }\n}\n',
            "mod/main.tf": 'resource "aws_ebs_volume" "v" {}\n',
        },
    )
    regions = {r.address: region(r)[0] for r in load_module(root, root).resources}
    assert regions == {
        "module.m.aws_ebs_volume.v": "eu-central-1",
        "module.n.aws_ebs_volume.v": "us-east-1",
    }
