"""References to resources of the same module instance (instances as Terraform
creates them, configured arguments known at plan), companions that cannot be
joined, and JSON documents with unknown leaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govscan.collectors.repo.documents import document, grants_admin, principals
from govscan.collectors.repo.hcl import Invalid, Unknown, evaluate, parse_attributes
from govscan.collectors.repo.normalize_aws import normalise
from govscan.collectors.repo.terraform import TfResource, load_module
from govscan.collectors.repo.values import Partial


def _module(tmp_path: Path, text: str) -> dict[str, TfResource]:
    (tmp_path / "main.tf").write_text(text)
    return {r.address: r for r in load_module(tmp_path, tmp_path).resources}


def _value(expr: str, variables: dict[str, Any] | None = None) -> Any:
    ((compiled, _),) = parse_attributes(f"x = {expr}\n".encode()).values()

    def resolve(kind: str, name: str) -> Any:
        if kind == "var" and variables and name in variables:
            return variables[name]
        if kind.startswith("aws_"):
            return Unknown(f"{kind}.{name}", f"{kind}.{name}")
        return Unknown(f"{kind}.{name}")

    return evaluate(compiled, resolve)


COUNTED = """
resource "aws_security_group" "none" {
  count = 0
  name  = "none"
}
resource "aws_security_group" "two" {
  count = 2
  name  = "two-${count.index}"
}
resource "aws_security_group" "keyed" {
  for_each = {a = "x"}
  name     = "k-${each.value}"
}
resource "aws_security_group" "open" {
  count = var.n
}
variable "n" {}
resource "aws_security_group_rule" "r" {
  security_group_id = concat(aws_security_group.none.*.id, aws_security_group.two.*.id, [""])[0]
  description       = length(aws_security_group.two)
  type              = aws_security_group.two[1].name
  protocol          = aws_security_group.keyed["a"].name
  cidr_blocks       = aws_security_group.open[0].id
  from_port         = try(aws_security_group.none[0].id, "gone")
}
"""


def test_a_splat_sees_the_instances_terraform_creates(tmp_path: Path) -> None:
    rule = _module(tmp_path, COUNTED)["aws_security_group_rule.r"]
    target = rule.get("security_group_id")
    assert isinstance(target, Unknown) and target.ref == "aws_security_group.two[0]"
    assert rule.get("description") == 2
    assert rule.get("type") == "two-1"  # a configured argument of an instance
    assert rule.get("protocol") == "k-x"
    # count not known: the block as a whole, present, value unknown
    assert rule.get("cidr_blocks").ref == "aws_security_group.open"
    assert rule.get("from_port") == "gone"  # count = 0: no instance to index


CONFIGURED = """
variable "cidr" {}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  id         = "vpc-123"
  tags       = {Name = "main"}
  ipv6_cidr_block = null
}
resource "aws_vpc" "given" {
  cidr_block = var.cidr
}
resource "aws_vpc" "a" {
  cidr_block = aws_vpc.b.cidr_block
}
resource "aws_vpc" "b" {
  cidr_block = aws_vpc.a.cidr_block
}
resource "aws_security_group" "g" {
  name        = aws_vpc.v.cidr_block
  description = aws_vpc.v.tags.Name
  vpc_id      = aws_vpc.v.id
  tags        = {arn = aws_vpc.v.arn, unset = aws_vpc.v.owner_id, null = aws_vpc.v.ipv6_cidr_block}
  name_prefix = aws_vpc.given.cidr_block
  revoke_rules_on_delete = aws_vpc.a.cidr_block
}
"""


def test_configured_arguments_resolve_computed_attributes_never(tmp_path: Path) -> None:
    g = _module(tmp_path, CONFIGURED)["aws_security_group.g"]
    assert g.get("name") == "10.0.0.0/16"
    assert g.get("description") == "main"
    vpc_id = g.get("vpc_id")  # ids are the provider's, even where a block sets one
    assert isinstance(vpc_id, Unknown) and vpc_id.ref == "aws_vpc.v"
    tags = g.get("tags")
    assert all(isinstance(v, Unknown) and v.ref == "aws_vpc.v" for v in tags.values())
    given = g.get("name_prefix")  # the argument is not static: present, unknown
    assert isinstance(given, Unknown) and given.ref == "aws_vpc.given"
    cycle = g.get("revoke_rules_on_delete")  # a cycle stays unknown, no recursion error
    assert isinstance(cycle, Unknown)


def test_a_long_chain_of_references_stays_bounded(tmp_path: Path) -> None:
    blocks = ['resource "aws_vpc" "v0" {\n  cidr_block = "10.0.0.0/16"\n}\n']
    blocks += [
        f'resource "aws_vpc" "v{i}" {{\n  cidr_block = aws_vpc.v{i - 1}.cidr_block\n}}\n'
        for i in range(1, 400)
    ]
    resources = _module(tmp_path, "".join(blocks))
    assert resources["aws_vpc.v5"].get("cidr_block") == "10.0.0.0/16"
    assert isinstance(resources["aws_vpc.v399"].get("cidr_block"), Unknown)


UNPLACED = """
resource "aws_security_group" "a" {}
resource "aws_security_group" "b" {}
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = aws_security_group.c.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
"""


def test_a_rule_whose_target_does_not_exist_leaves_the_groups_unknown(tmp_path: Path) -> None:
    resources = list(_module(tmp_path, UNPLACED).values())
    groups = {r.address: unknown for r, _, _, unknown in normalise(resources)}
    for address in ("aws_security_group.a", "aws_security_group.b"):
        unknown = groups[address]
        assert "aws_security_group_rule.r configures" in unknown["ingress_rules"]


@pytest.mark.parametrize(
    ("expr", "want"),
    [
        ("flatten([{a = var.x}])", [{"a": "X"}]),
        ('sort(["b", "a"])', ["a", "b"]),
        ('replace("a-b-c", "-", ".")', "a.b.c"),
        ('jsonencode({b = 1, a = [true, "x"]})', '{"a":[true,"x"],"b":1}'),
        ('jsondecode("{\\"a\\": 1}")', {"a": 1}),
    ],
)
def test_functions_modules_use(expr: str, want: Any) -> None:
    assert _value(expr, {"x": "X"}) == want


def test_flatten_keeps_unknown_leaves_of_maps_but_not_unknown_elements() -> None:
    (item,) = _value("flatten([{k = aws_kms_key.k.arn}])")
    assert item["k"].ref == "aws_kms_key.k"
    assert isinstance(_value("flatten([var.x])"), Unknown)
    assert isinstance(_value('sort(["a", var.x])'), Unknown)
    assert isinstance(_value('jsondecode("{")'), Invalid)


def test_documents_keep_unknown_leaves() -> None:
    heredoc = _value('"{\\"Statement\\": [{\\"Resource\\": \\"${aws_s3_bucket.x.arn}/*\\"}]}"')
    assert isinstance(heredoc, Partial)
    (statement,) = document(heredoc)["Statement"]
    assert statement["Resource"].ref == "aws_s3_bucket.x"
    encoded = _value("jsonencode({Statement = [{Resource = aws_s3_bucket.x.arn}]})")
    assert document(encoded)["Statement"][0]["Resource"].ref == "aws_s3_bucket.x"
    # A hole outside any JSON string: the structure is not known.
    assert document(_value('"{\\"a\\": ${var.x}}"')) == _value('"{\\"a\\": ${var.x}}"')
    assert document("not json") is None


def test_admin_is_decided_by_the_known_statements() -> None:
    arn = Unknown("aws_s3_bucket.x.arn", "aws_s3_bucket.x")
    scoped = {"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": arn}]}
    assert grants_admin(scoped) is False
    admin = {"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}, arn]}
    assert grants_admin(admin) is True
    open_action = {"Statement": [{"Effect": "Allow", "Action": arn, "Resource": "*"}]}
    assert isinstance(grants_admin(open_action), Unknown)
    assert isinstance(principals({"Statement": [{"Principal": {"AWS": arn}}]}), Unknown)
    assert principals({"Statement": {"Principal": "*"}}) == ["*"]


def test_references_enumerate_a_bounded_number_of_instances(tmp_path: Path) -> None:
    from govscan.collectors.repo.hcl import parse
    from govscan.collectors.repo.instances import Budget
    from govscan.collectors.repo.references import resource_value

    (block,) = parse(b'resource "aws_vpc" "v" {\n  count = 5\n}\n')
    assert len(resource_value(block, lambda k, n: None, "", Budget())) == 5
    over = resource_value(block, lambda k, n: None, "", Budget(references=4))
    assert isinstance(over, Unknown) and over.ref == "aws_vpc.v"
