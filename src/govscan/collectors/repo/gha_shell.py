"""Just enough shell reading to tell printing a secret from handing it to a program.

``echo "${{ secrets.T }}" | docker login --password-stdin`` writes the secret
into a pipe, not the log; ``echo "$TOKEN"`` with ``TOKEN`` set from a secret
prints it. A command line is split into pipelines (``;``, ``&&``, ``||``,
newlines) and stages (``|``) outside quotes; a pipeline echoes a secret when a
stage that prints (``echo``, ``printf``) holds one and what it prints reaches
the log: no redirection to a file, and the pipe, if any, ends in a program that
prints its input again (``base64``, ``cat``, ``tee``...).
"""

from __future__ import annotations

import re

from govscan.collectors.repo.gha_expr import embedded
from govscan.collectors.repo.gha_taint import SECRETS, EnvTaint, text_flows

_PRINTERS = frozenset({"echo", "printf"})
# Programs that write their input to standard output again, possibly transformed.
_PASS_THROUGH = frozenset(
    {"base64", "cat", "tee", "xxd", "od", "hexdump", "rev", "tr", "sed", "awk", "cut", "head"}
    | {"tail", "sort", "uniq", "fold", "basenc", "base32"}
)
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_MARK = "\x00"


def _logical_lines(script: str) -> list[tuple[int, str]]:
    """(0-based first line, text) with backslash-newline continuations joined."""
    out: list[tuple[int, str]] = []
    start = 0
    parts: list[str] = []
    for i, line in enumerate(script.split("\n")):
        if not parts:
            start = i
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        out.append((start, " ".join(parts)))
        parts = []
    if parts:
        out.append((start, " ".join(parts)))
    return out


def _split(line: str) -> list[list[str]]:
    """Pipelines of stages, split outside quotes; ``#`` starts a comment."""
    pipelines: list[list[str]] = [[""]]
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        two = line[i : i + 2]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                pipelines[-1][-1] += line[i : i + 2]
                i += 2
                continue
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        elif two in ("&&", "||"):
            pipelines.append([""])
            i += 2
            continue
        elif ch == ";" or (ch == "&" and line[i - 1 : i] not in "<>" and two != "&>"):
            pipelines.append([""])
            i += 1
            continue
        elif ch == "|":
            pipelines[-1].append("")
            i += 1
            continue
        pipelines[-1][-1] += ch
        i += 1
    return [[s.strip() for s in p] for p in pipelines if any(s.strip() for s in p)]


def _program(stage: str) -> str:
    words = stage.split()
    while words and ("=" in words[0] or words[0] in ("sudo", "command", "builtin", "exec")):
        words = words[1:]
    return words[0].rsplit("/", 1)[-1] if words else ""


def _redirected(stage: str) -> bool:
    unquoted = re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", "", stage)
    return bool(re.search(r"(?<![0-9&])>(?!&)|\b1>(?!&)", unquoted))


def secret_echoes(script: str, env: EnvTaint) -> list[tuple[int, str]]:
    """(0-based line in the script, the command) for each command printing a secret.

    ``env`` maps lowercased ``env:`` names in scope to the secrets they were set from."""
    found: list[tuple[int, str]] = []
    secret_vars = {name for name, src in env.items() if src}
    for first, line in _logical_lines(script):
        # Expressions may hold | and quotes of their own: judge them, then mask them.
        pieces: list[str] = []
        secret_marks, pos = 0, 0
        for emb in embedded(line):
            is_secret = bool(text_flows(line[emb.start : emb.end], SECRETS, env))
            secret_marks += is_secret
            pieces += [
                line[pos : emb.start],
                f"{_MARK}S{_MARK}" if is_secret else f"{_MARK}E{_MARK}",
            ]
            pos = emb.end
        masked = "".join(pieces) + line[pos:]
        if not secret_marks and not secret_vars:
            continue
        for pipeline in _split(masked):
            if _echoes(pipeline, secret_vars):
                found.append((first, line.strip()))
                break
    return found


def _echoes(pipeline: list[str], secret_vars: set[str]) -> bool:
    for n, stage in enumerate(pipeline):
        if _program(stage) not in _PRINTERS or "::add-mask::" in stage:
            continue
        holds = f"{_MARK}S{_MARK}" in stage or any(
            m.group(1).lower() in secret_vars for m in _SHELL_VAR.finditer(stage)
        )
        if not holds:
            continue
        rest = pipeline[n + 1 :]
        if not rest:
            return not _redirected(stage)
        if all(_program(s) in _PASS_THROUGH for s in rest) and not _redirected(rest[-1]):
            return True
    return False


def checks_out_head(script: str, head_expressions: set[str]) -> bool:
    """A script that fetches or checks out the pull request's head or merge commit.

    ``head_expressions`` are the ``${{ }}`` texts in ``script`` that carry the
    head's ref or sha (worked out by the caller)."""
    if re.search(r"\bgh\s+pr\s+checkout\b|refs/pull/|\bpull/[^\s/]+/(?:head|merge)\b", script):
        return True
    return any(
        re.search(r"\bgit\b.*\b(?:checkout|switch|fetch|reset|pull)\b", line)
        and any(e in line for e in head_expressions)
        for _, line in _logical_lines(script)
    )
