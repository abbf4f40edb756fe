"""Terraform in a repository: root modules and plan JSON files turned into resources.

Each resource comes out in the shape of its cloud's live collector (``normalize``
dispatches by provider), with the root module and address as its id and the
defining block as its location.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govscan.collectors.interface import Item
from govscan.fileread import PLAN_SIZE_FACTOR
from govscan.model import CollectionError, Location, Resource, ResourceRef

if TYPE_CHECKING:
    from govscan.collectors.repo import RepoCollector

TERRAFORM_PROVIDERS = ("aws.", "azure.", "gcp.")
"""Prefixes of the types Terraform code is normalised into: a file that does not parse
leaves each of them unjudged."""


def bad_suppression(path: str, line: int, rtype: str) -> CollectionError:
    return CollectionError(
        "repo",
        f"{path}:{line}: govscan:ignore needs a reason after the control id; "
        "the suppression is not applied",
        (rtype,),
        operation=f"suppression:{path}:{line}",
        fields=("suppression",),
    )


def terraform_items(
    repo: RepoCollector, tf_files: list[Path], wanted: frozenset[str]
) -> Iterator[Item]:
    """The resources of the root modules among ``tf_files``, in the clouds' shapes."""
    from govscan.collectors.repo.identity import code_id, location, placement, root_name
    from govscan.collectors.repo.normalize import normalise, provider_of
    from govscan.collectors.repo.suppressions import parse_suppressions
    from govscan.collectors.repo.terraform import load_module, module_dirs

    for directory in module_dirs(repo.root, tf_files, repo.hcl_bytes):
        module = load_module(
            repo.root, directory, var_files=repo.var_files, max_bytes=repo.hcl_bytes
        )
        root = root_name(repo.root, directory)
        repo.tf_sources |= module.sources
        for path, line, col, message in module.errors:
            yield CollectionError(
                "repo",
                f"{path}:{line}:{col}: {message}",
                tuple(sorted(t for t in wanted if t.startswith(TERRAFORM_PROVIDERS))),
                operation=f"parse:{path}",
            )
        for tf, rtype, data, unknown in normalise(module.resources):
            if rtype not in wanted:
                continue
            sup, missing = parse_suppressions(tf.block.comments)
            for line in missing:
                yield bad_suppression(tf.path, line, rtype)
            rid = code_id(root, tf.address)
            partial = _unexpanded(tf, data)
            if partial:
                # What the dynamic blocks would add is open: no field holds a value
                # a test could read, not even for presence.
                data = {k: v for k, v in data.items() if k not in partial}
            provider = provider_of(rtype)
            if provider == "aws":
                region, no_region = placement(tf, rtype, data)
            else:
                # Azure and Google resources name their own location.
                region, no_region = str(data.get("region") or ""), {}
            yield Resource(
                ref=ResourceRef(rtype, rid, rid, provider, "", region, location(tf)),
                data={"name": data.pop("name", None) or rid, **data},
                suppressions=sup,
                origin="code",
                unknown={**unknown, **partial, **no_region},
            )
        if "terraform.provider" in wanted:
            for p in module.providers:
                yield _provider(p, root)
        if "terraform.located_resource" in wanted:
            yield from _located(module.resources, root)


def plan_items(repo: RepoCollector, paths: list[Path], wanted: frozenset[str]) -> Iterator[Item]:
    """The resources of Terraform plan JSON files."""
    from govscan.collectors.repo.identity import code_id, plan_region
    from govscan.collectors.repo.normalize import normalise, provider_of
    from govscan.collectors.repo.tfplan import load_plan

    for path in paths:
        rel = path.relative_to(repo.root).as_posix()
        loaded = load_plan(repo.read(path, PLAN_SIZE_FACTOR), rel)
        if loaded is None:
            continue
        resources, providers = loaded
        region, fields, no_region = plan_region(providers)
        for res, rtype, data, unknown in normalise(resources):
            if rtype not in wanted:
                continue
            rid = code_id(rel, res.address)
            at = Location(rel, res.block.line)
            provider = provider_of(rtype)
            if provider == "aws":
                where, extra, missing = region, fields, no_region
            else:
                # Azure and Google resources name their own location.
                where, extra, missing = str(data.get("region") or ""), {}, {}
            yield Resource(
                ref=ResourceRef(rtype, rid, rid, provider, "", where, at),
                data={"name": data.pop("name", None) or rid, **data, **extra},
                origin="code",
                unknown={**unknown, **missing},
            )


def _located(resources: list[Any], root: str) -> Iterator[Resource]:
    """Azure and Google resources that name their own location (``location``/``region``)."""
    from govscan.collectors.repo.hcl import Unknown
    from govscan.collectors.repo.unknowns import reason

    for tf in resources:
        if tf.type.startswith("azurerm_"):
            provider, arg = "azure", "location"
        elif tf.type.startswith("google_"):
            provider, arg = "gcp", "location" if "location" in tf.block.attrs else "region"
        else:
            continue
        if arg not in tf.block.attrs:
            continue
        value = tf.get(arg)
        data: dict[str, Any] = {"provider": provider, "resource_type": tf.type}
        unknown = {}
        if isinstance(value, str):
            data["location"] = value
        else:
            unknown["location"] = (
                reason(value) if isinstance(value, Unknown) else "the location is not a string"
            )
        rid = f"{root}: {tf.address}"
        yield Resource(
            ref=ResourceRef(
                "terraform.located_resource",
                rid,
                rid,
                provider,
                region=value if isinstance(value, str) else "",
                location=Location(tf.path, tf.block.line, tf.block.end_line, tf.calls),
            ),
            data=data,
            unknown=unknown,
            origin="code",
        )


def _provider(p: Any, root: str) -> Resource:
    provider = {"aws": "aws", "google": "gcp", "google-beta": "gcp", "azurerm": "azure"}.get(
        p.name, p.name
    )
    region = p.settings.get("region")
    unavailable = {}
    data: dict[str, Any] = {"provider": p.name, "alias": p.alias}
    if provider in ("aws", "gcp"):
        if isinstance(region, str):
            data["region"] = region
        else:
            unavailable["region"] = "the region is not set statically in code"
    return Resource(
        ref=ResourceRef(
            "terraform.provider",
            f"{root}: {p.address}",
            f"{root}: {p.address}",
            provider,
            region=region if isinstance(region, str) else "",
            location=Location(p.path, p.line, p.end_line, p.calls),
        ),
        data=data,
        unavailable=unavailable,
        origin="code",
    )


def _unexpanded(tf: Any, data: Mapping[str, Any]) -> dict[str, str]:
    """The fields a resource's ungenerated dynamic blocks could set (every field
    when its instances are not known): what they would hold is unknown before
    apply, so a control reading them reports an undetermined ``error`` instead of
    passing on half the definition."""
    from govscan.collectors.repo.blocks import fields_of_blocks

    fields = [f for f in data if f != "name"]
    if tf.instances_unknown:
        return dict.fromkeys(fields, f"{tf.address}: {tf.instances_unknown}")
    if not tf.unexpanded:
        return {}
    blocks = ", ".join(f'dynamic "{b}"' for b in tf.unexpanded)
    reason = f"{blocks} iterates over a value not known before apply ({tf.path}:{tf.block.line})"
    return dict.fromkeys(fields_of_blocks(tf.type, tuple(tf.unexpanded), fields), reason)
