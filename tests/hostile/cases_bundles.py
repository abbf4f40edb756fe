"""Forged bundles handed to ``report`` and ``evidence verify``, and output
directories that govscan must refuse instead of cleaning."""

from __future__ import annotations

import gzip
import json
import subprocess
from collections.abc import Callable

from .harness import SECRET, Case, Outcome, World, run

TF = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'


def _bundle(world: World, rel: str = "inputs/bundle") -> None:
    """A genuine bundle to tamper with."""
    world.write("inputs/src/ok.tf", TF)
    proc = run(
        world,
        [
            "scan",
            "--repo",
            "inputs/src",
            "--output-dir",
            rel,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    )
    assert proc.returncode == 0, proc.stderr


def _verify(
    name: str, tamper: Callable[[World], None], named: str, codes: tuple[int, ...] = (1,)
) -> Case:
    def build(world: World) -> list[str]:
        _bundle(world)
        tamper(world)
        return ["evidence", "verify", "inputs/bundle"]

    return Case(f"verify-{name}", build, codes, names=(named,) if named else (), writable=())


def _report(
    name: str,
    tamper: Callable[[World], None],
    named: str,
    *extra: str,
    codes: tuple[int, ...] = (1,),
    forbidden: tuple[str, ...] = (SECRET,),
    check: Callable[[World, Outcome], None] | None = None,
) -> Case:
    def build(world: World) -> list[str]:
        _bundle(world)
        tamper(world)
        return [
            "report",
            "inputs/bundle",
            "--format",
            "html,md,csv,sarif",
            "--output-dir",
            "out",
            *extra,
        ]

    return Case(
        f"report-{name}",
        build,
        codes,
        names=(named,) if named else (),
        forbidden=forbidden,
        extra=check,
    )


B = "inputs/bundle"


def _nested_manifest(world: World) -> None:
    world.write(f"{B}/manifest.json", "[" * 200000 + "]" * 200000)


def _link(rel: str, target: str) -> Callable[[World], None]:
    def tamper(world: World) -> None:
        path = world.root / rel
        if path.exists() or path.is_symlink():
            path.unlink()
        world.link(rel, target if target.startswith("/") else str(world.root / target))

    return tamper


def _manifest_lists(path: str) -> Callable[[World], None]:
    def tamper(world: World) -> None:
        doc = json.loads((world.root / B / "manifest.json").read_text())
        doc["files"].append({"path": path, "sha256": "0" * 64, "size": 1})
        (world.root / B / "manifest.json").write_text(json.dumps(doc))

    return tamper


def _file_not_bundle(world: World) -> None:
    import shutil

    shutil.rmtree(world.root / B)
    world.write(B, "not a bundle\n")


def _add_dir(world: World) -> None:
    (world.root / B / "extra-dir").mkdir()


def _add_fifo(world: World) -> None:
    world.fifo(f"{B}/pipe")


def _bad_signature(world: World) -> None:
    world.write(f"{B}/manifest.sig.json", '{"payload": 5, "signatures": "x"}')


def _gzip_bomb(world: World) -> None:
    raw = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    world.write(f"{B}/resources.jsonl.gz", raw)


def _results(mutate: Callable[[dict[str, object]], None]) -> Callable[[World], None]:
    def tamper(world: World) -> None:
        path = world.root / B / "results.json"
        doc = json.loads(path.read_text())
        mutate(doc)
        path.write_text(json.dumps(doc))

    return tamper


def _script_message(doc: dict[str, object]) -> None:
    results = doc["results"]
    assert isinstance(results, list)
    for r in results:
        r["message"] = "<script>alert(1)</script>"
        r["resource"]["name"] = "<img src=x onerror=alert(2)>"


def _wrong_types(doc: dict[str, object]) -> None:
    doc["results"] = [{"control_id": 5, "status": ["pass"], "resource": "x"}]


def _deep_results(world: World) -> None:
    world.write(
        f"{B}/results.json",
        '{"schema": "govscan/results/v1", "run": ' + "[" * 200000 + "]" * 200000 + "}",
    )


def _no_script(world: World, _o: Outcome) -> None:
    html = (world.out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html


def _out_case(
    name: str,
    prepare: Callable[[World], None],
    *extra: str,
    target: str = "out",
    named: str = "out",
) -> Case:
    def build(world: World) -> list[str]:
        world.write("repo/ok.tf", TF)
        prepare(world)
        return ["scan", "--repo", "repo", "--output-dir", target, "--format", "json,sarif", *extra]

    return Case(f"outdir-{name}", build, (2,), names=(named,), writable=())


def _git_repo(world: World) -> None:
    world.write("out/README.md", "mine\n")
    subprocess.run(["git", "init", "-q", str(world.out)], check=True)


def _forged_bundle(listed: list[str]) -> Callable[[World], None]:
    def prepare(world: World) -> None:
        _bundle(world, "out")
        doc = json.loads((world.out / "manifest.json").read_text())
        for p in listed:
            doc["files"].append({"path": p, "sha256": "0" * 64, "size": 1})
        (world.out / "manifest.json").write_text(json.dumps(doc))
        world.write("out/.git/config", "[core]\n")

    return prepare


def _planted_link(world: World) -> None:
    world.out.mkdir()
    world.link("out/results.sarif", str(world.outside / "notes.md"))


def _bundle_with_link(world: World) -> None:
    _bundle(world, "out")
    world.link("out/extra.txt", str(world.outside / "notes.md"))


def _out_is_link(world: World) -> None:
    world.link("out", str(world.outside))


def _out_is_file(world: World) -> None:
    world.write("out", "a user's file\n")


def _merge(
    name: str,
    tamper: Callable[[World], None],
    named: str,
    *,
    shard: bool = True,
    into: str = "out",
    codes: tuple[int, ...] = (1,),
) -> Case:
    """``govscan merge`` of a shard bundle (1/1: no keys needed) that was tampered with."""

    def build(world: World) -> list[str]:
        world.write("inputs/src/ok.tf", TF)
        args = ["scan", "--repo", "inputs/src", "--output-dir", B, "--format", "json"]
        proc = run(world, [*args, "--fail-on", "none", *(["--shard", "1/1"] if shard else [])])
        assert proc.returncode == 0, proc.stderr
        tamper(world)
        return ["merge", B, "--output-dir", into, "--format", "json,html"]

    writable = ("out",) if into == "out" else ()
    forbidden = (SECRET, "root:x:0:0")
    return Case(f"merge-{name}", build, codes, (named,), writable, forbidden)


def _user_files(world: World) -> None:
    world.write("out/thesis.docx", "years of work\n")


CASES: list[Case] = [
    _verify("nested-manifest", _nested_manifest, "manifest.json"),
    _verify("manifest-dev-zero", _link(f"{B}/manifest.json", "/dev/zero"), "manifest.json"),
    _verify(
        "manifest-link-outside", _link(f"{B}/manifest.json", "outside/secret.txt"), "manifest.json"
    ),
    _verify("results-link-passwd", _link(f"{B}/results.json", "/etc/passwd"), "results.json"),
    _verify("lists-parent-path", _manifest_lists("../outside/secret.txt"), "../outside/secret.txt"),
    _verify("lists-absolute-path", _manifest_lists("/etc/passwd"), "/etc/passwd"),
    _verify("added-symlink", _link(f"{B}/extra.txt", "outside/notes.md"), "extra.txt"),
    _verify("added-fifo", _add_fifo, "pipe"),
    _verify("added-directory", _add_dir, "extra-dir"),
    _verify("bad-signature", _bad_signature, "manifest.sig.json"),
    _verify("gzip-bomb", _gzip_bomb, "resources.jsonl.gz"),
    _verify("not-a-directory", _file_not_bundle, "bundle", codes=(1, 2)),
    _report(
        "results-link-passwd",
        _link(f"{B}/results.json", "/etc/passwd"),
        "results.json",
        forbidden=(SECRET, "root:x:0:0"),
    ),
    _report("deep-results", _deep_results, "results.json"),
    _report("wrong-types", _results(_wrong_types), "results.json"),
    _report("html-injection", _results(_script_message), "", codes=(0,), check=_no_script),
    _report("tampered-refused", _results(_script_message), "results.json", "--verify"),
    _report("controls-dev-zero", _link(f"{B}/controls.json", "/dev/zero"), "controls.json"),
    _out_case("git-repository", _git_repo),
    _out_case("user-files", _user_files),
    _out_case("forged-manifest-lists-git", _forged_bundle([".git/config"])),
    _out_case("forged-manifest-parent", _forged_bundle(["../outside/notes.md"])),
    _out_case("planted-symlink", _planted_link),
    _out_case("bundle-plus-symlink", _bundle_with_link),
    _out_case("output-is-symlink", _out_is_link),
    _out_case("output-is-file", _out_is_file),
    _out_case("output-is-repo", lambda w: None, target="repo", named="repo"),
    _merge(
        "results-link-passwd",
        _link(f"{B}/results.json", "/etc/passwd"),
        "results.json",
    ),
    _merge("not-a-shard", lambda w: None, "not a shard bundle", shard=False, codes=(2,)),
    _merge("into-the-shard", lambda w: None, "overlaps the shard bundle", into=B, codes=(2,)),
]
