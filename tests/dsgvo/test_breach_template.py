"""The Art. 33/34 breach-notification attestation template: refused while a placeholder
is left, accepted once filled in."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from click.testing import CliRunner

from govscan.cli import cli

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "attestations"
    / "dsgvo-art33-breach-notification.yaml"
)


def test_unfilled_template_is_refused_with_file_and_line() -> None:
    result = CliRunner().invoke(cli, ["validate", str(TEMPLATE)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert re.search(r"dsgvo-art33-breach-notification\.yaml:\d+:\d+: placeholder", result.output)
    assert "'<YYYY-MM-DD>' is not filled in" in result.output


def test_filled_template_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "attestations"
    folder.mkdir()
    contacts = folder / "breach-contacts.txt"
    contacts.write_text("DPO: datenschutz@example.com\n", encoding="utf-8")
    text = TEMPLATE.read_text(encoding="utf-8")
    fills = {
        "owner: <": "owner: Data Protection Coordinator\n",
        "- link: <https URL of the breach-notification procedure>": (
            "- link: https://intranet.example.com/breach-procedure\n"
        ),
        "- link: <https URL of the breach register>": (
            "- link: https://intranet.example.com/breach-register\n"
        ),
        "- file: <": "- file: breach-contacts.txt\n",
        "sha256: <": f"sha256: {hashlib.sha256(contacts.read_bytes()).hexdigest()}\n",
        "reviewed: <": "reviewed: 2026-06-01\n",
        "valid_until: <": "valid_until: 2027-05-31\n",
    }
    lines = []
    for line in text.splitlines(keepends=True):
        key = next((k for k in fills if line.strip().startswith(k)), None)
        if key is not None:
            line = line[: len(line) - len(line.lstrip())] + fills[key]
        lines.append(line)
    # The statement's own placeholders become plain words.
    filled = re.sub(r"<[^<>\n]+>", "as documented", "".join(lines))
    (folder / TEMPLATE.name).write_text(filled, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder / TEMPLATE.name)])
    assert result.exit_code == 0, result.output
