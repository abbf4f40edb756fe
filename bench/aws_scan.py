"""AWS scan benchmark: seed a local moto server, time ``govscan scan --aws`` end to end.

    python bench/aws_scan.py                  # N = 200, 2,000 and 10,000 resources
    python bench/aws_scan.py --resources 2000

Resources are spread over three regions: EBS volumes, security groups, SNS
topics, S3 buckets and DynamoDB tables. The scan runs in a subprocess with the
baseline policy; peak RSS is that subprocess's.

govscan admits at most 20 requests per second per (account, region) once a
burst of 40 is spent (docs/aws.md, "Retries and rate limits"); against the
emulator that limit, not govscan's own work, then decides the wall time.
``--no-rate-limit`` lifts it inside the scan process (retries stay as they
are), to measure what govscan itself costs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _launch import run_timed

REGIONS = ("eu-central-1", "eu-west-1", "us-east-1")
MIX = (("volume", 0.4), ("sg", 0.2), ("topic", 0.2), ("bucket", 0.1), ("table", 0.1))


def seed(endpoint: str, n: int) -> None:
    import boto3

    def make(kind: str, i: int) -> None:
        region = REGIONS[i % len(REGIONS)]
        if kind == "volume":
            boto3.client("ec2", region_name=region, endpoint_url=endpoint).create_volume(
                AvailabilityZone=f"{region}a", Size=1, Encrypted=i % 2 == 0
            )
        elif kind == "sg":
            boto3.client("ec2", region_name=region, endpoint_url=endpoint).create_security_group(
                GroupName=f"sg-{i}", Description="bench"
            )
        elif kind == "topic":
            boto3.client("sns", region_name=region, endpoint_url=endpoint).create_topic(
                Name=f"topic-{i}"
            )
        elif kind == "bucket":
            s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
            cfg = (
                {}
                if region == "us-east-1"
                else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            )
            s3.create_bucket(Bucket=f"bench-{i}", **cfg)
        else:
            boto3.client("dynamodb", region_name=region, endpoint_url=endpoint).create_table(
                TableName=f"t-{i}",
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            )

    jobs = []
    i = 0
    for kind, share in MIX:
        for _ in range(int(n * share)):
            jobs.append((kind, i))
            i += 1
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda j: make(*j), jobs))


# Runs the CLI with the request rate unlimited; a build without a rate limit runs as is.
_UNLIMITED = """
import dataclasses, sys
try:
    from govscan.collectors.aws import session
    session.POLICY = dataclasses.replace(session.POLICY, rate=float("inf"))
except (ImportError, AttributeError):
    pass
from govscan.cli import main
sys.argv[0] = "govscan"
main(sys.argv[1:])
"""


def run(n: int, rate_limit: bool = True) -> dict[str, object]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    os.environ.update(
        {k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    )
    try:
        t0 = time.perf_counter()
        seed(endpoint, n)
        seeded = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            cmd = [
                sys.executable,
                *(["-m", "govscan"] if rate_limit else ["-c", _UNLIMITED]),
                "scan",
                "--aws",
                "--aws-regions",
                ",".join(REGIONS),
                "--policy",
                "baseline",
                "--format",
                "json",
                "--output-dir",
                out,
                "--fail-on",
                "none",
            ]
            # The moto server lives in this process: only the scan's own peak RSS counts.
            m = run_timed(cmd, env)
            wall = time.perf_counter() - t0
            calls = json.loads((Path(out) / "api-calls.json").read_text())
            doc = json.loads((Path(out) / "results.json").read_text())
        n_calls = sum(c["count"] for c in calls)
        return {
            "resources": n,
            "rate_limit": rate_limit,
            "seed_seconds": round(seeded, 1),
            "scan_wall_seconds": round(wall, 2),
            "scan_cpu_seconds": round(m.cpu_seconds, 2),
            "exit_code": m.code,
            "api_calls": n_calls,
            "api_calls_per_resource": round(n_calls / max(n, 1), 2),
            "results": len(doc["results"]),
            "collection_errors": len(doc["errors"]),
            "peak_rss_mb": round(m.rss_mb, 1),
        }
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, action="append")
    ap.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="lift govscan's request rate limit in the scan (the emulator is local)",
    )
    args = ap.parse_args()
    for n in args.resources or [200, 2000, 10000]:
        print(json.dumps(run(n, rate_limit=not args.no_rate_limit)), flush=True)


if __name__ == "__main__":
    main()
