"""The repository collector: Terraform, GitHub Actions workflows and repository hygiene.

No cloud credentials needed. Terraform resources come out in the shapes of the
live collectors (``origin = code``) so that one control judges both; ids are
``path:line`` and the Terraform address is the name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Collector, Item
from govscan.errors import UsageError
from govscan.model import CollectionError, Location, Resource, ResourceRef, Target

SKIP_DIRS = frozenset(
    {
        ".git",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        "dist",
        "build",
    }
)
MAX_FILE_BYTES = 2_000_000
CODE_TYPES = ("aws.*", "github.*", "terraform.*", "docker.*")


class RepoCollector(Collector):
    name: ClassVar[str] = "repo"
    produces: ClassVar[tuple[str, ...]] = CODE_TYPES
    origin: ClassVar[str] = "code"

    def __init__(
        self, root: Path, exclude: tuple[str, ...] = (), var_files: tuple[Path, ...] = ()
    ) -> None:
        self.root = root
        self.exclude = exclude
        self.var_files = var_files
        self._actions: list[str] = []
        self._tf_sources: set[str] = set()

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
        return cls(root, exclude, var_files)

    def targets(self) -> list[Target]:
        return [
            Target(
                "repo",
                str(self.root),
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

    def _walk(self) -> Iterator[Path]:
        import fnmatch

        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            if any(
                fnmatch.fnmatch(rel_dir, pat) or fnmatch.fnmatch(rel_dir + "/", pat)
                for pat in self.exclude
            ):
                dirnames[:] = []
                continue
            for f in sorted(filenames):
                p = Path(dirpath) / f
                rel = p.relative_to(self.root).as_posix()
                if any(fnmatch.fnmatch(rel, pat) for pat in self.exclude):
                    continue
                yield p

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        files = list(self._walk())
        wanted = plan.resource_types
        if any(t.startswith(("aws.", "terraform.")) for t in wanted):
            yield from self._terraform([f for f in files if f.suffix == ".tf"], wanted)
            yield from self._plans(
                [
                    f
                    for f in files
                    if f.suffix == ".json" and f.stat().st_size <= 50 * MAX_FILE_BYTES
                ],
                wanted,
            )
        if "github.workflow" in wanted:
            yield from self._workflows(
                [
                    f
                    for f in files
                    if f.suffix in (".yml", ".yaml")
                    and f.parent.as_posix().endswith(".github/workflows")
                ]
            )
        if "github.repository" in wanted:
            yield self._repository(files)
        if "docker.dockerfile" in wanted:
            yield from self._dockerfiles(
                [
                    f
                    for f in files
                    if f.name == "Dockerfile"
                    or f.name.startswith("Dockerfile.")
                    or f.name.endswith(".Dockerfile")
                ]
            )

    def _dockerfiles(self, paths: list[Path]) -> Iterator[Item]:
        from govscan.collectors.repo.dockerfile import normalise_dockerfile
        from govscan.collectors.repo.suppressions import parse_suppressions

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
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
        from govscan.collectors.repo.normalize_aws import normalise
        from govscan.collectors.repo.suppressions import parse_suppressions
        from govscan.collectors.repo.terraform import load_module, module_dirs

        for directory in module_dirs(self.root, tf_files):
            module = load_module(self.root, directory, var_files=self.var_files)
            self._tf_sources |= module.sources
            for path, line, col, message in module.errors:
                yield CollectionError(
                    "repo",
                    f"{path}:{line}:{col}: {message}",
                    tuple(t for t in wanted if t.startswith("aws.")),
                    operation=f"parse:{path}",
                )
            regions = {
                p.alias: p.settings.get("region") for p in module.providers if p.name == "aws"
            }
            for tf, rtype, data in normalise(module.resources):
                if rtype not in wanted:
                    continue
                sup, missing = parse_suppressions(tf.block.comments)
                for line in missing:
                    yield _bad_suppression(tf.path, line, rtype)
                alias = tf.provider_ref.split(".", 1)[1] if "." in tf.provider_ref else ""
                region = regions.get(alias)
                yield Resource(
                    ref=ResourceRef(
                        rtype,
                        f"{tf.path}:{tf.block.line}",
                        tf.address,
                        "aws",
                        "",
                        region if isinstance(region, str) else "",
                        Location(tf.path, tf.block.line, tf.block.end_line),
                    ),
                    data={"name": data.pop("name", None) or tf.address, **data},
                    suppressions=sup,
                    origin="code",
                    unavailable=_unexpanded(tf, data),
                )
            if "terraform.provider" in wanted:
                for p in module.providers:
                    yield _provider(p)
            if "terraform.located_resource" in wanted:
                yield from _located(module.resources)

    def _plans(self, paths: list[Path], wanted: frozenset[str]) -> Iterator[Item]:
        from govscan.collectors.repo.normalize_aws import normalise
        from govscan.collectors.repo.tfplan import load_plan

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            loaded = load_plan(path, rel)
            if loaded is None:
                continue
            resources, providers = loaded
            region = None
            aws = providers.get("aws") if isinstance(providers, dict) else None
            if isinstance(aws, dict):
                region = ((aws.get("expressions") or {}).get("region") or {}).get("constant_value")
            for res, rtype, data in normalise(resources):  # type: ignore[arg-type]
                if rtype not in wanted:
                    continue
                yield Resource(
                    ref=ResourceRef(
                        rtype,
                        f"{rel}:{res.block.line}",
                        res.address,
                        "aws",
                        "",
                        region if isinstance(region, str) else "",
                        Location(rel, res.block.line),
                    ),
                    data={"name": data.pop("name", None) or res.address, **data},
                    origin="code",
                )

    # --- GitHub ------------------------------------------------------------------------

    def _workflows(self, paths: list[Path]) -> Iterator[Item]:
        from govscan.catalog.yamlsource import YamlSyntaxError, load_yaml
        from govscan.collectors.repo.suppressions import parse_suppressions
        from govscan.collectors.repo.workflows import normalise_workflow

        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            try:
                doc = load_yaml(path, rel)
            except YamlSyntaxError as exc:
                yield CollectionError(
                    "repo", str(exc.problem), ("github.workflow",), operation=f"parse:{rel}"
                )
                continue
            if not isinstance(doc.data, dict):
                yield CollectionError(
                    "repo",
                    f"{rel}:1:1: a workflow must be a mapping",
                    ("github.workflow",),
                    operation=f"parse:{rel}",
                )
                continue
            data = normalise_workflow(doc.data, doc)
            self._actions += data["third_party_actions"]
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            sup, missing = parse_suppressions((i + 1, t) for i, t in enumerate(text) if "#" in t)
            for line in missing:
                yield _bad_suppression(rel, line, "github.workflow")
            yield Resource(
                ref=ResourceRef(
                    "github.workflow",
                    f"{rel}:1",
                    data["name"] or rel,
                    "github",
                    location=Location(rel, 1, len(text)),
                ),
                data=data,
                suppressions=sup,
                origin="code",
            )

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


def _located(resources: list[Any]) -> Iterator[Resource]:
    """Azure and Google resources that name their own location (``location``/``region``)."""
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
        unavailable = {}
        if isinstance(value, str):
            data["location"] = value
        else:
            unavailable["location"] = "the location is not set statically in code"
        yield Resource(
            ref=ResourceRef(
                "terraform.located_resource",
                f"{tf.path}:{tf.block.line}",
                tf.address,
                provider,
                region=value if isinstance(value, str) else "",
                location=Location(tf.path, tf.block.line, tf.block.end_line),
            ),
            data=data,
            unavailable=unavailable,
            origin="code",
        )


def _provider(p: Any) -> Resource:
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
            f"{p.path}:{p.line}",
            f"provider.{p.name}" + (f".{p.alias}" if p.alias else ""),
            provider,
            region=region if isinstance(region, str) else "",
            location=Location(p.path, p.line, p.end_line),
        ),
        data=data,
        unavailable=unavailable,
        origin="code",
    )


def _unexpanded(tf: Any, data: Mapping[str, Any]) -> dict[str, str]:
    """Every field of a resource whose dynamic blocks could not be generated: what
    they would add is unknown, so a control reading the resource reports ``error``
    instead of passing on half the definition."""
    if not tf.unexpanded:
        return {}
    blocks = ", ".join(f'dynamic "{b}"' for b in tf.unexpanded)
    reason = f"{blocks} iterates over a value not known before apply ({tf.path}:{tf.block.line})"
    return {field: reason for field in data if field != "name"}
