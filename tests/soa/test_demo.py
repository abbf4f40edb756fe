"""The demo company's bundle gives a Statement of Applicability with every Annex A control."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govscan.catalog.frameworks import load_framework
from govscan.cli import cli

pytestmark = [pytest.mark.slow, pytest.mark.integration]

openpyxl = pytest.importorskip("openpyxl")


def test_demo_bundle_gives_an_soa_with_every_annex_a_control(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"test: connection to {address} refused")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    bundle = tmp_path / "bundle"
    runner = CliRunner()
    demo = runner.invoke(cli, ["demo", "--output-dir", str(bundle), "--format", "json"])
    assert "Traceback" not in demo.output, demo.output
    res = runner.invoke(
        cli,
        [
            "soa",
            "--framework",
            "iso27001-2022",
            "--bundle",
            str(bundle),
            "--verify",
            "--output-dir",
            str(tmp_path / "soa"),
        ],
    )
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(tmp_path / "soa" / "soa-iso27001-2022.xlsx")["SoA"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    annex_a = [r.id for r in load_framework("iso27001-2022").requirements if r.id.startswith("A.")]
    assert [r[0] for r in rows] == annex_a
    statuses = {r[4] for r in rows}
    assert statuses <= {
        "implemented",
        "partially implemented",
        "not implemented",
        "not assessed",
        "not applicable",
    }
    # The demo's filled attestations show up with their owner and review date.
    attested = [r for r in rows if r[7]]
    assert attested and all(r[9] and r[10] for r in attested)
