"""The repository collector: Terraform, GitHub Actions workflows and repository hygiene.

No cloud credentials needed. Terraform resources come out in the shapes of the
live collectors (``origin = code``) so that one control judges both; Terraform
ids are the root module and full address (``identity``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from govscan.collectors.interface import (
    CollectionPlan,
    Collector,
    CollectorOption,
    Item,
    TargetBlock,
)
from govscan.collectors.repo.files import SKIP_DIRS as SKIP_DIRS
from govscan.collectors.repo.files import is_dockerfile, isolated, skipped_error, walk
from govscan.errors import UsageError
from govscan.fileread import DEFAULT_MAX_FILE_SIZE, HCL_SIZE_DIVISOR, PLAN_SIZE_FACTOR, read_in_tree
from govscan.model import CollectionError, Location, Resource, ResourceRef, Target

CODE_TYPES = ("aws.*", "azure.*", "gcp.*", "github.*", "terraform.*", "docker.*")
TERRAFORM_PROVIDERS = ("aws.", "azure.", "gcp.")
"""Prefixes of the types Terraform code is normalised into: a file that does not parse
leaves each of them unjudged."""


class RepoCollector(Collector):
    name: ClassVar[str] = "repo"
    produces: ClassVar[tuple[str, ...]] = CODE_TYPES
    origin: ClassVar[str] = "code"
    title: ClassVar[str] = "Repository (Terraform, GitHub Actions, Dockerfiles)"
    blocks: ClassVar[tuple[TargetBlock, ...]] = (TargetBlock("repo", scalar="path"),)
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "repo",
            "--repo",
            "path",
            kind="path",
            target=True,
            metavar="PATH",
            default=".",
            help="Repository or folder to scan.",
        ),
        CollectorOption("repo_exclude", None, "exclude", kind="list"),
        CollectorOption(
            "repo_var_files",
            "--tf-var-file",
            "var_files",
            kind="paths",
            help="Terraform .tfvars file for every root module, applied last (like -var-file).",
        ),
        CollectorOption(
            "repo_max_file_size",
            "--max-file-size",
            "max_file_size",
            kind="size",
            help="Largest repository file read, e.g. '20 MiB' (default 10 MiB; a plan JSON "
            "10 times it).",
        ),
    )

    def __init__(
        self,
        root: Path,
        exclude: tuple[str, ...] = (),
        var_files: tuple[Path, ...] = (),
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    ) -> None:
        self.shown_root = root
        # Resolved once: every path and id below is relative to the real root, so
        # `.`, `../x`, an absolute path and a symlinked checkout give the same ids.
        self.root = root.resolve()
        self.max_file_size = max_file_size
        # The HCL parser needs about 150 bytes of memory per byte of Terraform source.
        self._hcl_bytes = max_file_size // HCL_SIZE_DIVISOR
        self.exclude = exclude
        self.var_files = var_files
        self._actions: list[str] = []
        self._tf_sources: set[str] = set()
        self.skip: frozenset[str] = frozenset()
        """Directories (relative to ``root``) never walked: the run's own output."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        path = options.get("repo")
        if not path:
            return None
        root = Path(path)
        if not root.is_dir():
            raise UsageError(f"--repo {path}: no such directory")
        exclude = tuple(options.get("repo_exclude") or ())
        var_files = tuple(Path(f) for f in options.get("repo_var_files") or ())
        for f in var_files:
            if not f.is_file():
                raise UsageError(f"--tf-var-file {f}: no such file")
        limit = options.get("repo_max_file_size") or DEFAULT_MAX_FILE_SIZE
        col = cls(root, exclude, var_files, int(limit))
        # The run's output and staging directories (absolute real paths) are not the repository.
        real = root.resolve()
        col.skip = frozenset(
            Path(p).relative_to(real).as_posix()
            for p in options.get("exclude_paths") or ()
            if Path(p) == real or real in Path(p).parents
        )
        return col

    def targets(self) -> list[Target]:
        return [
            Target(
                "repo",
                str(self.shown_root),
                {
                    "github_actions": sorted(set(self._actions)),
                    # HashiCorp's own providers talk to a cloud's API (covered by that
                    # cloud's agreement) or work locally; others are third-party services.
                    "terraform_providers": sorted(
                        s for s in self._tf_sources if not s.startswith("hashicorp/")
                    ),
                },
            )
        ]

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.repo.terraform import module_dirs

        listing = walk(self.root, self.exclude, self.skip)
        files = list(listing.files)
        yield from (skipped_error(s) for s in listing.skipped)
        wanted = plan.resource_types
        # Each file (each root module for Terraform) is collected on its own: one
        # that fails is one error naming it, never the loss of the others.
        if any(t.startswith(("aws.", "terraform.")) for t in wanted):
            code = tuple(sorted(t for t in wanted if t.startswith(("aws.", "terraform."))))
            tf_files = [f for f in files if f.suffix == ".tf" or f.name.endswith(".tf.json")]
            for d in module_dirs(self.root, tf_files, self._hcl_bytes):
                mine = [f for f in tf_files if f.parent == d]
                yield from isolated(self._terraform(mine, wanted), self._rel(d), code)
            for f in files:
                # Terraform reads *.tf.json and *.tfvars.json itself; no plan is named so.
                if f.suffix == ".json" and not f.name.endswith((".tf.json", ".tfvars.json")):
                    yield from isolated(self._plans([f], wanted), self._rel(f), code)
        if any(t.startswith("github.workflow") for t in wanted):
            gha = tuple(sorted(t for t in wanted if t.startswith("github.workflow")))
            for f in files:
                yield from isolated(self._workflows([f], wanted), self._rel(f), gha)
        if "github.repository" in wanted:
            yield self._repository(files)
        if "docker.dockerfile" in wanted:
            for f in filter(is_dockerfile, files):
                yield from isolated(self._dockerfiles([f]), self._rel(f), ("docker.dockerfile",))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _read(self, path: Path, factor: int = 1) -> bytes:
        """A repository file, read only inside the tree and up to the size limit."""
        return read_in_tree(self.root, path, self.max_file_size * factor)

    def _dockerfiles(self, paths: list[Path]) -> Iterator[Item]:
        from govscan.collectors.repo.dockerfile import normalise_dockerfile
        from govscan.collectors.repo.suppressions import parse_suppressions

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            text = self._read(path).decode("utf-8", errors="replace")
            lines = text.splitlines()
            sup, missing = parse_suppressions((i + 1, t) for i, t in enumerate(lines) if "#" in t)
            for line in missing:
                yield _bad_suppression(rel, line, "docker.dockerfile")
            yield Resource(
                ref=ResourceRef(
                    "docker.dockerfile",
                    f"{rel}:1",
                    rel,
                    "docker",
                    location=Location(rel, 1, max(1, len(lines))),
                ),
                data=normalise_dockerfile(text),
                suppressions=sup,
                origin="code",
            )

    # --- Terraform ---------------------------------------------------------------------

    def _terraform(self, tf_files: list[Path], wanted: frozenset[str]) -> Iterator[Item]:
        from govscan.collectors.repo.identity import code_id, location, placement, root_name
        from govscan.collectors.repo.normalize import normalise, provider_of
        from govscan.collectors.repo.suppressions import parse_suppressions
        from govscan.collectors.repo.terraform import load_module, module_dirs

        for directory in module_dirs(self.root, tf_files, self._hcl_bytes):
            module = load_module(
                self.root, directory, var_files=self.var_files, max_bytes=self._hcl_bytes
            )
            root = root_name(self.root, directory)
            self._tf_sources |= module.sources
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
                    yield _bad_suppression(tf.path, line, rtype)
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

    def _plans(self, paths: list[Path], wanted: frozenset[str]) -> Iterator[Item]:
        from govscan.collectors.repo.identity import code_id, plan_region
        from govscan.collectors.repo.normalize_aws import normalise
        from govscan.collectors.repo.tfplan import load_plan

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            loaded = load_plan(self._read(path, PLAN_SIZE_FACTOR), rel)
            if loaded is None:
                continue
            resources, providers = loaded
            region, fields, no_region = plan_region(providers)
            for res, rtype, data, unknown in normalise(resources):  # type: ignore[arg-type]
                if rtype not in wanted:
                    continue
                rid = code_id(rel, res.address)
                at = Location(rel, res.block.line)
                yield Resource(
                    ref=ResourceRef(rtype, rid, rid, "aws", "", region, at),
                    data={"name": data.pop("name", None) or rid, **data, **fields},
                    origin="code",
                    unknown={**unknown, **no_region},
                )

    # --- GitHub ------------------------------------------------------------------------

    def _workflows(self, files: list[Path], wanted: frozenset[str]) -> Iterator[Item]:
        from govscan.collectors.repo.actions import ACTION_FILES, action_items, is_workflow

        paths = [f for f in files if is_workflow(f) or f.name in ACTION_FILES]
        yield from action_items(self.root, paths, wanted, self._actions)

    def _repository(self, files: list[Path]) -> Resource:
        rels = {f.relative_to(self.root).as_posix() for f in files}
        codeowners = any(p in rels for p in ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"))
        security = any(
            p.lower() in {r.lower() for r in rels}
            for p in ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md")
        )
        if rels & {".github/dependabot.yml", ".github/dependabot.yaml"}:
            updates: str | None = "dependabot"
        elif rels & {
            "renovate.json",
            "renovate.json5",
            ".renovaterc",
            ".renovaterc.json",
            ".github/renovate.json",
            ".github/renovate.json5",
        }:
            updates = "renovate"
        else:
            updates = None
        name = self.root.resolve().name
        return Resource(
            ref=ResourceRef(
                "github.repository", f"{name}:repository", name, "github", location=Location(".", 1)
            ),
            data={
                "name": name,
                "has_codeowners": codeowners,
                "has_security_policy": security,
                "dependency_updates": updates,
            },
            origin="code",
        )


def _bad_suppression(path: str, line: int, rtype: str) -> CollectionError:
    return CollectionError(
        "repo",
        f"{path}:{line}: govscan:ignore needs a reason after the control id; "
        "the suppression is not applied",
        (rtype,),
        operation=f"suppression:{path}:{line}",
        fields=("suppression",),
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
