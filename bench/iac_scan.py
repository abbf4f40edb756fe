"""Repository scan benchmark: 5,000 Terraform resources (S3, EBS, RDS) in files of
20-50 resources, timed end to end with ``govscan scan --repo`` in a subprocess.

    python bench/iac_scan.py [--resources 5000] [--formats json,sarif]

``--resources 5000,20000,40000`` runs several sizes, one line each: peak RSS
that stays level as the estate grows is the "flat memory" figure.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from _launch import run_timed

TEMPLATES = [
    'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "${{local.prefix}}-{i}"\n}}\n',
    'resource "aws_ebs_volume" "v{i}" {{\n  availability_zone = "eu-central-1a"\n'
    "  size              = 10\n  encrypted         = {enc}\n}}\n",
    'resource "aws_db_instance" "d{i}" {{\n  engine                  = "postgres"\n'
    '  instance_class          = "db.t4g.micro"\n  storage_encrypted       = {enc}\n'
    "  backup_retention_period = {days}\n  publicly_accessible     = false\n}}\n",
]


def generate(root: Path, n: int, per_module: int = 0) -> int:
    """Write ``n`` resources; with ``per_module``, as root modules of that many each
    (one folder per stack, as larger estates are laid out)."""
    rng = random.Random(42)
    i = files = 0
    module = root
    while i < n:
        if i == 0 or (per_module and i % per_module == 0):
            if per_module:
                module = root / f"stack_{i // per_module:03d}"
                module.mkdir()
            (module / "main.tf").write_text(
                'provider "aws" {\n  region = "eu-central-1"\n}\nlocals {\n  prefix = "bench"\n}\n'
            )
        limit = per_module - i % per_module if per_module else n - i
        count = min(rng.randint(20, 50), n - i, limit)
        body = []
        for _ in range(count):
            body.append(
                TEMPLATES[i % 3].format(
                    i=i, enc=str(i % 2 == 0).lower(), days=rng.choice([1, 7, 14])
                )
            )
            i += 1
        (module / f"res_{files:04d}.tf").write_text("\n".join(body))
        files += 1
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", default="5000", help="one size or several, comma-separated")
    ap.add_argument("--formats", default="json,sarif")
    ap.add_argument(
        "--per-module",
        type=int,
        default=0,
        help="split the resources into root modules of this many (default: one module)",
    )
    ap.add_argument(
        "--policy",
        help="policy name or file (default: baseline); a file selecting a fixed set of "
        "controls compares builds whose catalogs differ like for like",
    )
    args = ap.parse_args()
    for n in (int(x) for x in args.resources.split(",")):
        run(n, args.formats, args.per_module, args.policy)


def run(n: int, formats: str, per_module: int = 0, policy: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        files = generate(repo, n, per_module)
        size = sum(p.stat().st_size for p in repo.rglob("*.tf"))
        out = Path(tmp) / "out"
        cmd = [
            sys.executable,
            "-m",
            "govscan",
            "scan",
            "--repo",
            str(repo),
            "--format",
            formats,
            "--output-dir",
            str(out),
            "--fail-on",
            "none",
            *(["--policy", policy] if policy else []),
        ]
        t0 = time.perf_counter()
        m = run_timed(cmd)
        wall = time.perf_counter() - t0
        doc = json.loads((out / "results.json").read_text())
    print(
        json.dumps(
            {
                "resources": n,
                "per_module": per_module or n,
                "formats": formats,
                "files": files,
                "hcl_kb": size // 1024,
                "wall_seconds": round(wall, 2),
                "cpu_seconds": round(m.cpu_seconds, 2),
                "exit_code": m.code,
                "results": len(doc["results"]),
                "peak_rss_mb": round(m.rss_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
