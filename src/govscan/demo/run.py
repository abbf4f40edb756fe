"""``govscan demo``: scan the embedded demo company end to end.

An in-process AWS mock (moto, the ``demo`` extra) is seeded with the estate of
Brauwerk Digital GmbH, and local servers answer for its Azure subscription and
Google Cloud project (``govscan.demo.clouds``); the embedded repository and AVV
registry are scanned with them. Nothing leaves the machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from govscan.errors import UsageError
from govscan.model import Severity
from govscan.runner import ScanConfig, ScanOutcome, run

_HERE = Path(__file__).resolve().parent
DEMO_REGIONS = ("eu-central-1", "eu-west-1", "us-east-1")
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "demo",
    "AWS_SECRET_ACCESS_KEY": "demo",
    "AWS_SESSION_TOKEN": "demo",
    "AWS_DEFAULT_REGION": "eu-central-1",
    # The emulator's thousands of public machine images cost seconds per region and
    # show nothing; the estate registers the one image it launches.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


@contextmanager
def _isolated_aws_env() -> Iterator[None]:
    """Fake credentials for the mock, without touching the user's real AWS settings."""
    drop = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
    saved = {k: os.environ.get(k) for k in (*_FAKE_ENV, *drop)}
    os.environ.update(_FAKE_ENV)
    for k in drop:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def demo_targets() -> dict[str, object]:
    targets: dict[str, object] = {"aws": True, "aws_regions": list(DEMO_REGIONS)}
    repo = _HERE / "repo"
    if repo.is_dir():
        targets["repo"] = str(repo)
    registry = _HERE / "data" / "avv-registry.yaml"
    if registry.is_file():
        targets["registry"] = str(registry)
        records = _HERE / "data" / "vvt.yaml"
        if records.is_file():
            targets["records"] = str(records)
    return targets


def run_demo(output_dir: Path, formats: str, lang: str) -> ScanOutcome:
    try:
        from moto import mock_aws
    except ImportError:
        raise UsageError("the demo needs moto: pip install 'govscan[demo]'") from None
    from govscan.reporters.registry import available_formats, parse_formats

    known = set(available_formats())
    wanted = ",".join(f for f in formats.split(",") if f.strip() in known)
    config = ScanConfig(
        # dsgvo plus the brewery's not-applicable Annex A controls, with reasons.
        policy=str(_HERE / "policy.yaml"),
        targets=demo_targets(),
        formats=tuple(parse_formats(wanted)),
        output_dir=output_dir,
        fail_on=Severity.CRITICAL,
        lang=lang,
        # The demo company's filled attestations answer what no API can.
        attestations=_HERE / "attestations",
    )
    from govscan.demo.clouds import local_clouds

    with _isolated_aws_env(), mock_aws(), local_clouds() as clouds:
        from govscan.demo.aws_estate import seed_estate

        seed_estate()
        return run(replace(config, targets={**config.targets, **clouds.targets}))
