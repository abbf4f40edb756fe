"""Where a history lives: ``--history`` alone, a file path, or a database URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from govscan.errors import UsageError

ENV_URL = "GOVSCAN_HISTORY"
"""A history URL from the environment: keeps a database password off the command line."""

DEFAULT = "default"
"""What ``--history`` without a value stands for."""


@dataclass(frozen=True)
class HistoryLocation:
    url: str
    """SQLAlchemy URL (``sqlite:///...``, ``postgresql+psycopg://...``)."""
    shown: str
    """The URL as messages show it: no password."""

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def default_path(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/govscan/history.sqlite3``, else ``~/.local/share/govscan/...``."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govscan" / "history.sqlite3"


def resolve(value: str | None, environ: Mapping[str, str] | None = None) -> HistoryLocation:
    """The history a ``--history`` value (or ``history:`` setting) names.

    ``default`` or empty: ``GOVSCAN_HISTORY`` when set, else the per-user SQLite
    file; ``postgresql://...``: PostgreSQL through psycopg 3; ``sqlite:///path``
    or a plain path: a SQLite file (its folder is created)."""
    env = os.environ if environ is None else environ
    text = (value or "").strip()
    if text in ("", DEFAULT):
        text = env.get(ENV_URL, "").strip() or str(default_path(env))
    for scheme in ("postgresql://", "postgres://", "postgresql+psycopg://"):
        if text.startswith(scheme):
            url = "postgresql+psycopg://" + text[len(scheme) :]
            return HistoryLocation(url, _without_password(url))
    if "://" in text and not text.startswith("sqlite:///"):
        scheme = text.split("://", 1)[0]
        raise UsageError(
            f"history: unsupported database '{scheme}' (use a file path, sqlite:///PATH "
            "or postgresql://...)"
        )
    path = Path(text.removeprefix("sqlite:///")).expanduser()
    if path.is_dir():
        raise UsageError(f"history: {path} is a folder; give the database file")
    return HistoryLocation(f"sqlite:///{path}", str(path))


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot parse is shown without detail
        return url.split("://", 1)[0] + "://..."
