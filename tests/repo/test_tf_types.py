"""``optional()`` attribute defaults of variable type constraints."""

from __future__ import annotations

from pathlib import Path

from govscan.collectors.repo.terraform import load_module

TYPES = """
variable "settings" {
  type = object({
    kind  = optional(string, "StorageV2")
    tier  = optional(string)
    nets  = optional(object({ action = optional(string, "Deny"), ips = list(string) }), {})
    rules = optional(map(object({ port = optional(number, 443) })), {})
    given = string
  })
  default = { given = "x", rules = { a = {}, b = { port = 22 } } }
}

resource "azapi_resource" "x" {
  type = "t"
  body = {
    kind   = var.settings.kind
    tier   = var.settings.tier
    action = var.settings.nets.action
    ports  = [for k, v in var.settings.rules : v.port]
    given  = var.settings.given
  }
}
"""


def test_optional_attributes_get_their_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TYPES)
    (r,) = load_module(tmp_path, tmp_path).resources
    assert r.get("body") == {
        "kind": "StorageV2",
        "tier": None,
        "action": "Deny",
        "ports": [443, 22],
        "given": "x",
    }


def test_a_given_value_wins_over_the_default(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TYPES)
    (tmp_path / "terraform.tfvars").write_text(
        'settings = { given = "y", kind = "BlobStorage", nets = { action = "Allow", ips = [] } }\n'
    )
    (r,) = load_module(tmp_path, tmp_path).resources
    body = r.get("body")
    assert (body["kind"], body["action"], body["ports"], body["given"]) == (
        "BlobStorage",
        "Allow",
        [],
        "y",
    )
