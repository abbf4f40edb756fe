"""``python -m govscan.controltest [PATH...] [--junit FILE] [--require-tests] [-v]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govscan.controltest.command import run_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govscan.controltest")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--junit", type=Path, default=None)
    parser.add_argument("--require-tests", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    return run_cli(args.paths, args.junit, args.require_tests, print, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
