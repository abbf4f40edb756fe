"""How one Terraform block's values come out before apply: which names are other
resources' attributes, whether ``count``/``for_each`` create anything or are not
known, and the blocks ``dynamic`` generates."""

from __future__ import annotations

from typing import Any

from govscan.collectors.repo.hcl import Block, Invalid, Unknown, evaluate
from govscan.collectors.repo.values import to_number, unknown_in


def outside(kind: str, name: str, prefix: str) -> Unknown:
    """A name that is no variable or local: another resource's or a data source's
    attribute (present, known at apply), or something else known at apply only
    (``each.*``, ``count.index``, ``path.*``, a module's output that is not static)."""
    text = f"{kind}.{name}" if name else kind
    if name and (kind == "data" or "_" in kind) and kind not in _NOT_RESOURCES:
        return Unknown(text, f"{prefix}{text}")
    return Unknown(text)


_NOT_RESOURCES = frozenset({"var", "local", "module", "count", "each", "path", "self", "terraform"})


def instances_unknown(block: Block, resolve: Any, key: str) -> str:
    """Why the instances of a ``resource``/``module`` block are not known before
    apply ("" when they are): its ``count``/``for_each`` depends on such a value."""
    if key:
        return ""  # expanded: each instance is known
    for arg in ("count", "for_each"):
        h = block.attrs.get(arg)
        if h is None:
            continue
        value = evaluate(h, resolve)
        if arg == "count":
            value = to_number(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return ""
        elif isinstance(value, dict) or (
            isinstance(value, list) and not isinstance(unknown_in(value), Unknown)
        ):
            return ""
        if isinstance(value, Unknown) and not isinstance(value, Invalid):
            return f"{arg} depends on {value.text}, not known before apply"
        why = value.text if isinstance(value, Invalid) else "not a number, map or set"
        return f"{arg} is invalid ({why}): how many instances is not known"
    return ""


def expand_dynamic(block: Block, resolve: Any, unexpanded: list[str]) -> Block:
    """The block with each ``dynamic "x"`` replaced by one ``x`` block per element of
    its ``for_each``, as Terraform generates them; the generated blocks' values are
    evaluated with the iterator (``x.key``, ``x.value``) bound."""
    if not _has_dynamic(block):
        return block
    blocks: list[Block] = []
    for child in block.blocks:
        if child.type != "dynamic" or not child.labels:
            blocks.append(expand_dynamic(child, resolve, unexpanded))
            continue
        label = child.labels[0]
        iterator = child.attrs.get("iterator")
        # ``iterator = port`` (HCL: a bare name) or ``"iterator": "port"`` (JSON).
        name = str(iterator[1]) if iterator and iterator[0] in ("ref", "lit") else label
        content = next((c for c in child.blocks if c.type == "content"), None)
        items = evaluate(child.attrs.get("for_each"), resolve)
        if content is None:
            continue
        # Terraform needs the keys before apply; values may still be unknown.
        if isinstance(items, dict):
            pairs: list[tuple[Any, Any]] = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            unexpanded.append(label)
            continue
        for key, value in pairs:
            bound = _iterator(resolve, name, key, value)
            expanded = expand_dynamic(content, bound, unexpanded)
            blocks.append(_bind(expanded, label, bound, child))
    return Block(
        block.type, block.labels, block.attrs, blocks, block.line, block.end_line, block.comments
    )


def _has_dynamic(block: Block) -> bool:
    return any(c.type == "dynamic" or _has_dynamic(c) for c in block.blocks)


def _iterator(resolve: Any, name: str, key: Any, value: Any) -> Any:
    def bound(kind: str, attr: str) -> Any:
        if kind == name:
            return {"key": key, "value": value}.get(attr, Unknown(f"{kind}.{attr}"))
        return resolve(kind, attr)

    return bound


def _bind(content: Block, kind: str, resolve: Any, origin: Block) -> Block:
    """A generated block: its values evaluated now, while the iterator is bound."""
    return Block(
        kind,
        [],
        {n: ("lit", evaluate(h, resolve)) for n, h in content.attrs.items()},
        [_bind(c, c.type, resolve, c) for c in content.blocks],
        origin.line,
        origin.end_line,
        [],
    )


def created(block: Block, resolve: Any) -> bool:
    """False only when ``count`` or ``for_each`` statically create no instance."""
    count = block.attrs.get("count")
    if count is not None:
        n = to_number(evaluate(count, resolve))
        if isinstance(n, int | float) and not isinstance(n, bool) and n <= 0:
            return False
    each = block.attrs.get("for_each")
    if each is not None:
        items = evaluate(each, resolve)
        if isinstance(items, dict | list) and not items:
            return False
    return True


BLOCK_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws_security_group": {"ingress": ("ingress_rules",)},
    "aws_s3_bucket": {
        "server_side_encryption_configuration": ("default_encryption",),
        "rule": ("default_encryption",),
        "apply_server_side_encryption_by_default": ("default_encryption",),
        "versioning": ("versioning",),
        "logging": ("logging",),
    },
    "aws_instance": {"metadata_options": ("imdsv2_required", "metadata_endpoint_enabled")},
    "aws_dynamodb_table": {
        "server_side_encryption": ("sse",),
        "point_in_time_recovery": ("point_in_time_recovery",),
    },
    "aws_lambda_function": {"environment": ("environment_variable_names",)},
    "aws_ecr_repository": {"image_scanning_configuration": ("scan_on_push",)},
    "aws_lb_listener": {"default_action": ("redirects_to_https", "encrypted_in_transit")},
    "aws_alb_listener": {"default_action": ("redirects_to_https", "encrypted_in_transit")},
    "aws_cloudfront_distribution": {
        "default_cache_behavior": ("viewer_protocol_policy", "https_only"),
        "ordered_cache_behavior": ("https_only",),
        "viewer_certificate": ("minimum_protocol_version", "default_certificate"),
    },
    "aws_backup_plan": {
        "rule": ("min_retention_days", "max_retention_days", "retention_unbounded"),
        "lifecycle": ("min_retention_days", "max_retention_days", "retention_unbounded"),
    },
    # normalize_azapi reads an ungenerated identity block as an unknown ARM identity.
    "azapi_resource": {"identity": (), "timeouts": (), "retry": ()},
}
"""Normalised fields each nested block can set, by Terraform resource type: a
``dynamic`` block that cannot be generated makes only these unknown (any block
not listed here, every field)."""


def fields_of_blocks(resource_type: str, blocks: tuple[str, ...], fields: list[str]) -> list[str]:
    """The normalised fields the given (ungenerated) nested blocks could set."""
    table = BLOCK_FIELDS.get(resource_type, {})
    if any(b not in table for b in blocks):
        return fields
    wanted = {f for b in blocks for f in table[b]}
    return [f for f in fields if f in wanted]
