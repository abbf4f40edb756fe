"""The repository collector: Terraform, GitHub Actions workflows and repository hygiene.

No cloud credentials needed. Terraform resources come out in the shapes of the
live collectors (``origin = code``) so that one control judges both; Terraform
ids are the root module and full address (``identity``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
from govscan.collectors.repo.tfitems import (
    TERRAFORM_PROVIDERS,
    bad_suppression,
    plan_items,
    terraform_items,
)
from govscan.collectors.units import Discovery, Unit
from govscan.errors import UsageError
from govscan.fileread import DEFAULT_MAX_FILE_SIZE, HCL_SIZE_DIVISOR, read_in_tree
from govscan.model import Location, Resource, ResourceRef, Target

CODE_TYPES = ("aws.*", "azure.*", "gcp.*", "github.*", "terraform.*", "docker.*")
_TERRAFORM_TYPES = (*TERRAFORM_PROVIDERS, "terraform.")  # what Terraform is read for
MODULE = "tf:"
"""Unit part of a Terraform root module: ``tf:`` and its directory in the tree."""
OTHER = "other"
"""Unit part of everything but root modules."""


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
        self.hcl_bytes = max_file_size // HCL_SIZE_DIVISOR
        self.exclude = exclude
        self.var_files = var_files
        self._actions: list[str] = []
        self.tf_sources: set[str] = set()
        self.skip: frozenset[str] = frozenset()
        """Directories (relative to ``root``) never walked: the run's own output."""
        self._parts: frozenset[str] | None = None
        """A shard's units (``restrict``); None: the whole tree."""

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
                        s for s in self.tf_sources if not s.startswith("hashicorp/")
                    ),
                },
            )
        ]

    def discover_units(self, plan: CollectionPlan) -> Discovery:
        """One unit per Terraform root module (a module is never split), and one for
        everything else: plans, workflows, Dockerfiles, the repository itself."""
        from govscan.collectors.repo.terraform import module_dirs

        scope = str(self.shown_root)
        units = [Unit("repo", scope, OTHER)]
        files = walk(self.root, self.exclude, self.skip).files
        roots: list[Path] = []
        if any(t.startswith(_TERRAFORM_TYPES) for t in plan.resource_types):
            tf_files = [f for f in files if f.suffix == ".tf" or f.name.endswith(".tf.json")]
            roots = list(module_dirs(self.root, tf_files, self.hcl_bytes))
            units.extend(Unit("repo", scope, MODULE + self._rel(d)) for d in roots)
        if not plan.scope_details:
            return Discovery(tuple(units), targets=(Target("repo", scope, {}),))
        return Discovery(tuple(units), targets=tuple(self._planned_targets(plan, files, roots)))

    def _planned_targets(
        self, plan: CollectionPlan, files: Sequence[Path], roots: list[Path]
    ) -> list[Target]:
        """The target a whole scan records (third-party providers, actions), read at
        planning time: the AVV registry's shard judges the scopes of all shards."""
        from govscan.collectors.repo.terraform import load_module

        for d in roots:
            module = load_module(self.root, d, var_files=self.var_files, max_bytes=self.hcl_bytes)
            self.tf_sources |= module.sources
        if any(t.startswith("github.workflow") for t in plan.resource_types):
            for _ in self._workflows(list(files), plan.resource_types):
                pass
        found = self.targets()
        self.tf_sources, self._actions = set(), []
        return found

    def restrict(self, units: Sequence[Unit]) -> None:
        self._parts = frozenset(u.part for u in units)

    def _mine(self, part: str) -> bool:
        return self._parts is None or part in self._parts

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.repo.terraform import module_dirs

        listing = walk(self.root, self.exclude, self.skip)
        files = list(listing.files)
        other = self._mine(OTHER)
        if other:
            yield from (skipped_error(s) for s in listing.skipped)
        wanted = plan.resource_types
        # Each file (each root module for Terraform) is collected on its own: one
        # that fails is one error naming it, never the loss of the others.
        if any(t.startswith(_TERRAFORM_TYPES) for t in wanted):
            code = tuple(sorted(t for t in wanted if t.startswith(_TERRAFORM_TYPES)))
            tf_files = [f for f in files if f.suffix == ".tf" or f.name.endswith(".tf.json")]
            for d in module_dirs(self.root, tf_files, self.hcl_bytes):
                if not self._mine(MODULE + self._rel(d)):
                    continue
                mine = [f for f in tf_files if f.parent == d]
                yield from isolated(terraform_items(self, mine, wanted), self._rel(d), code)
            for f in files if other else ():
                # Terraform reads *.tf.json and *.tfvars.json itself; no plan is named so.
                if f.suffix == ".json" and not f.name.endswith((".tf.json", ".tfvars.json")):
                    yield from isolated(plan_items(self, [f], wanted), self._rel(f), code)
        if not other:
            return
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

    def read(self, path: Path, factor: int = 1) -> bytes:
        """A repository file, read only inside the tree and up to the size limit."""
        return read_in_tree(self.root, path, self.max_file_size * factor)

    def _dockerfiles(self, paths: list[Path]) -> Iterator[Item]:
        from govscan.collectors.repo.dockerfile import normalise_dockerfile
        from govscan.collectors.repo.suppressions import parse_suppressions

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            text = self.read(path).decode("utf-8", errors="replace")
            lines = text.splitlines()
            sup, missing = parse_suppressions((i + 1, t) for i, t in enumerate(lines) if "#" in t)
            for line in missing:
                yield bad_suppression(rel, line, "docker.dockerfile")
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
