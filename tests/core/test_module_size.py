"""No module of govscan grows past 400 lines: one that does is split by job."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "govscan"
LIMIT = 400


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def test_no_module_is_over_the_limit() -> None:
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 50, "the source tree was not found"
    over = {str(p.relative_to(SRC)): n for p in modules if (n := _lines(p)) > LIMIT}
    assert over == {}, f"split these by job: {over}"
