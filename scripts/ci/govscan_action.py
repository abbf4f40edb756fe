"""The steps of govscan's GitHub Action (action.yml), kept out of the YAML so they
can be tested.

    python govscan_action.py install   # govscan into a private virtual environment
    python govscan_action.py scan      # run the scan, write the job summary, record the exit code

Every input arrives in an environment variable (``INPUT_*``, set from ``env:``
in action.yml), never pasted into shell text, and reaches govscan as one
argument each: the extra ``args`` input is split like a shell would split it,
but no shell ever runs it. Only the standard library is used: ``install`` runs
before govscan exists.

``scan`` always exits 0 once it has run govscan and writes govscan's exit code to
the step outputs: the SARIF upload then still runs on a failing scan, and the
action's last step exits with that code.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

FAIL_ON = ("info", "low", "medium", "high", "critical", "none")
SUMMARY_FILE = "summary.md"
SARIF_FILE = "results.sarif"
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"

# A release tag (v1.2.0, 1.2.0rc1): installable from PyPI. Anything else is only
# installable from the action's own checkout: a commit SHA, a branch, and a moving
# major tag (v1), which pip would read as 1.0.0 rather than the release it points to.
_RELEASE = re.compile(r"v?(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)")
_EXTRA = re.compile(r"[a-z0-9][a-z0-9-]*")

Runner = Callable[[Sequence[str], Mapping[str, str]], int]


class ActionError(Exception):
    """A wrong input: reported as one line, exit code 2."""


def _run(argv: Sequence[str], env: Mapping[str, str]) -> int:
    return subprocess.run(list(argv), env=dict(env), check=False).returncode


def install_specs(ref: str, action_path: str, extras: str) -> list[str]:
    """What to try to ``pip install``, in order: the release the action is pinned to,
    then the action's checkout (which works at any commit)."""
    names = [e.strip() for e in extras.split(",")] if extras.strip() else []
    if not all(_EXTRA.fullmatch(e) for e in names):
        raise ActionError(f"extras: '{extras}' is not a comma-separated list of extra names")
    suffix = f"[{','.join(names)}]" if names else ""
    specs = []
    release = _RELEASE.fullmatch(ref.strip())
    if release:
        specs.append(f"govscan{suffix}=={release.group(1)}")
    if action_path:
        specs.append(f"{Path(action_path).resolve()}{suffix}")
    if not specs:
        raise ActionError("neither a release ref nor GITHUB_ACTION_PATH: nothing to install")
    return specs


def make_venv(home: Path) -> Path:
    """A fresh virtual environment; returns its scripts directory."""
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    return home / ("Scripts" if os.name == "nt" else "bin")


def install(env: Mapping[str, str], run: Runner | None = None) -> Path:
    """govscan in a virtual environment under ``RUNNER_TEMP``; returns its executable."""
    run = run or _run
    bindir = make_venv(Path(env.get("RUNNER_TEMP") or ".") / "govscan-venv")
    python = bindir / "python"
    ref = env.get("GOVSCAN_ACTION_REF") or env.get("GITHUB_ACTION_REF", "")
    specs = install_specs(ref, env.get("GITHUB_ACTION_PATH", ""), env.get("INPUT_EXTRAS", ""))
    for spec in specs:
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", spec]
        if run(pip, env) == 0:
            print(f"govscan installed from {spec}")
            _set_output(env, "bin", str(bindir / "govscan"))
            return bindir / "govscan"
        print(f"could not install {spec}; trying the next source", file=sys.stderr)
    raise ActionError(f"govscan could not be installed (tried: {', '.join(specs)})")


def _formats(spec: str, *, sarif: bool) -> str:
    names = [f.strip().lower() for f in spec.split(",") if f.strip()]
    # The job summary is the bundle's summary.md, and the upload needs the SARIF file.
    wanted = [*names, "md", *(["sarif"] if sarif else [])]
    return ",".join(dict.fromkeys(wanted))


def _flag(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1", "on")


def scan_argv(env: Mapping[str, str]) -> list[str]:
    """``govscan scan ...`` from the action's inputs."""
    fail_on = env.get("INPUT_FAIL_ON", "high").strip().lower() or "high"
    if fail_on not in FAIL_ON:
        raise ActionError(f"fail-on: '{fail_on}' is not one of {', '.join(FAIL_ON)}")
    argv = [
        env.get("GOVSCAN_BIN") or "govscan",
        "scan",
        "--policy",
        env.get("INPUT_POLICY", "").strip() or "baseline",
        "--fail-on",
        fail_on,
        "--format",
        _formats(env.get("INPUT_FORMATS", ""), sarif=_flag(env.get("INPUT_UPLOAD_SARIF", ""))),
        "--output-dir",
        output_dir(env),
    ]
    repo = env.get("INPUT_REPO", "").strip()
    if repo:
        argv += ["--repo", repo]
    baseline = env.get("INPUT_BASELINE", "").strip()
    if baseline:
        argv += ["--baseline", baseline]
    try:
        extra = shlex.split(env.get("INPUT_ARGS", ""))
    except ValueError as exc:
        raise ActionError(f"args: cannot be split into arguments ({exc})") from None
    return argv + extra


def output_dir(env: Mapping[str, str]) -> str:
    out = env.get("INPUT_OUTPUT_DIR", "").strip() or "govscan-results"
    if "\n" in out or "\r" in out:
        raise ActionError("output-dir: must be one line")
    return out


def _set_output(env: Mapping[str, str], name: str, value: str) -> None:
    target = env.get("GITHUB_OUTPUT", "")
    if not target:
        return
    if "\n" in value or "\r" in value:
        raise ActionError(f"output {name}: must be one line")
    with Path(target).open("a", encoding="utf-8") as fh:
        fh.write(f"{name}={value}\n")


def write_summary(env: Mapping[str, str], out: Path, code: int) -> None:
    """The bundle's summary.md into the job summary, or one line saying why there is none."""
    target = env.get(STEP_SUMMARY, "")
    if not target:
        return
    summary = out / SUMMARY_FILE
    if summary.is_file() and not summary.is_symlink():
        text = summary.read_text(encoding="utf-8", errors="replace")
    else:
        text = (
            f"## govscan\n\nThe scan exited with code {code} before writing a summary; "
            "see the step log.\n"
        )
    with Path(target).open("a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


def scan(env: Mapping[str, str], run: Runner | None = None) -> int:
    """Run the scan; returns govscan's exit code (also written to the step outputs)."""
    run = run or _run
    argv = scan_argv(env)
    out = Path(output_dir(env))
    # govscan appends its summary itself when the variable is set; the action writes
    # it once, from the bundle, also when the scan stopped before writing one.
    child = {k: v for k, v in env.items() if k != STEP_SUMMARY}
    print("+ " + shlex.join(argv), flush=True)
    code = run(argv, child)
    write_summary(env, out, code)
    sarif = out / SARIF_FILE
    _set_output(env, "exit-code", str(code))
    _set_output(env, "output-dir", str(out))
    _set_output(env, "sarif-file", str(sarif) if sarif.is_file() else "")
    return code


def main(argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    environ = dict(os.environ if env is None else env)
    command = argv[0] if argv else ""
    try:
        if command == "install":
            install(environ)
            return 0
        if command == "scan":
            scan(environ)
            return 0
    except ActionError as exc:
        print(f"govscan action: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"govscan action: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    print("usage: govscan_action.py install|scan", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
