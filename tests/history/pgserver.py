"""A real PostgreSQL server for the history tests, started by the tests themselves.

``initdb`` refuses to run as root, and CI runs as root: the server then runs as
the unprivileged ``nobody`` through ``runuser``. Without PostgreSQL's binaries
(a developer machine without Debian's ``postgresql`` package) the PostgreSQL
cases are skipped; ``.ci/install-postgres`` installs them for CI.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway server on 127.0.0.1; yields a URL with trust authentication."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries (pg_ctl, initdb) not found")
    # Under /tmp itself: pytest's own temporary folders are private to root.
    base = Path(tempfile.mkdtemp(prefix="govscan-pg-", dir="/tmp"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "nobody", "--"]
        for p in (base, sock):
            shutil.chown(p, "nobody")
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "govscan", "--auth=trust", "-E", "UTF8")
        options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        )
        try:
            yield f"postgresql://govscan@127.0.0.1:{port}/postgres"
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    with psycopg.connect(
        server_url.replace("postgresql://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
