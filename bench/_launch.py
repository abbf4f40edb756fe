"""Run a command and report its exit code and its own peak RSS.

A forked child inherits the parent's peak RSS, so the benchmark cannot simply
read ``ru_maxrss`` of its children: a tiny launcher process forks the command
and reads the peak through ``wait4``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


@dataclass(frozen=True)
class Measured:
    code: int
    """The command's exit code."""
    rss_mb: float
    """Its own peak resident set size."""
    cpu_seconds: float
    """Its user and system CPU time: steadier than wall time on a shared machine."""


def run_timed(
    cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> Measured:
    """Exit code, peak RSS and CPU time of ``cmd`` (its output is discarded)."""
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd],
        capture_output=True,
        text=True,
        check=True,
        env=env if env is not None else dict(os.environ),
        cwd=cwd,
    )
    code, rss_kb, cpu = proc.stdout.split()
    return Measured(int(code), int(rss_kb) / 1024, float(cpu))


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int, float]:
    """Exit code and peak RSS in MB of ``cmd`` (its output is discarded)."""
    m = run_timed(cmd, env)
    return m.code, m.rss_mb
