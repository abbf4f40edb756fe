"""Which provider configuration each Terraform resource uses, and so its region.

A resource uses the default configuration of its provider (``aws`` for
``aws_s3_bucket``) or the one its ``provider`` argument names (``aws.us``). A
module sees the default configurations of its caller, or, when the ``module``
block has a ``providers`` map, exactly the ones that map passes
(``{ aws = aws.us }``); provider blocks inside a module add to what it sees.
A root module without a ``provider "aws"`` block takes the region from the
environment at apply: unknown here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govscan.collectors.repo.hcl import Block, evaluate
from govscan.model import Location

if TYPE_CHECKING:
    from govscan.collectors.repo.terraform import TfResource


@dataclass
class TfProvider:
    name: str
    alias: str
    path: str
    line: int
    end_line: int
    settings: dict[str, Any]
    comments: list[tuple[int, str]] = field(default_factory=list)
    address: str = ""
    """``provider.aws.us``, inside modules ``module.x.provider.aws.us``."""
    calls: tuple[Location, ...] = ()
    """The ``module`` blocks this configuration is reached through, outermost first."""


Scope = Mapping[str, TfProvider | None]
"""Provider configurations a module sees: ``aws`` or ``aws.us`` -> the block
(None: passed in by name, but the caller has no such block)."""


def provider_config(
    rel: str, b: Block, resolve: Any, prefix: str, calls: tuple[Location, ...]
) -> TfProvider:
    """A ``provider`` block of a module instance, its settings evaluated there."""
    settings = {n: evaluate(h, resolve) for n, h in b.attrs.items()}
    alias = settings.get("alias") if isinstance(settings.get("alias"), str) else ""
    key = config_key(b.labels[0], alias or "")
    return TfProvider(
        b.labels[0],
        alias or "",
        rel,
        b.line,
        b.end_line,
        settings,
        b.comments,
        f"{prefix}provider.{key}",
        calls,
    )


def config_key(name: str, alias: str) -> str:
    return f"{name}.{alias}" if alias else name


def default_provider(resource_type: str) -> str:
    """The provider a resource type belongs to by default: ``aws`` for ``aws_s3_bucket``."""
    return resource_type.split("_", 1)[0]


def passed(module_block: Any, scope: Scope) -> dict[str, TfProvider | None]:
    """The configurations a ``module`` block hands to the module it calls."""
    expr = module_block.attrs.get("providers")
    if expr is None:
        return {k: v for k, v in scope.items() if "." not in k}
    out: dict[str, TfProvider | None] = {}
    if expr[0] == "obj":
        for key, value in expr[1]:
            child = key if isinstance(key, str) else _reference(key)
            parent = _reference(value)
            if child and parent:
                out[child] = scope.get(parent)
    return out


def _reference(expr: Any) -> str:
    """``aws.us`` or ``aws`` from a compiled expression naming a provider configuration."""
    if isinstance(expr, tuple) and expr:
        if expr[0] == "ref" and len(expr) == 3:
            return f"{expr[1]}.{expr[2]}" if expr[2] else str(expr[1])  # ``aws``: a bare name
        if expr[0] in ("unk", "lit") and isinstance(expr[1], str):
            return expr[1].strip()
    return ""


def region(tf: TfResource) -> tuple[str, str]:
    """``(region, "")`` when the resource's provider configuration sets a static
    region, else ``("", why not)``."""
    key = tf.provider_ref or default_provider(tf.type)
    config = tf.provider_config
    if config is None:
        if "." in key:  # an alias nobody configured or passed: Terraform would refuse it
            return "", f'no provider "{key}" configuration reaches {tf.address}'
        return "", (
            f'no provider "{key}" configuration reaches {tf.address}: its region comes '
            "from the environment at apply"
        )
    value = config.settings.get("region")
    if isinstance(value, str) and value.strip():
        return value.strip(), ""
    where = f"{config.path}:{config.line}"
    if value is None:
        return "", f'provider "{key}" ({where}) sets no region: it comes from the environment'
    text = getattr(value, "text", None) or str(value)
    return "", f'the region of provider "{key}" ({where}) is not known before apply: {text}'
