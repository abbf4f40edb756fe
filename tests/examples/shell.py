"""govscan invocations read out of the shell scripts the examples run, and checked
against the commands click really has."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import click

from govscan.cli import cli

_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;"})
_PREFIXES = frozenset({"do", "then", "else", "!", "{", "exec"})


@dataclass(frozen=True)
class Call:
    """One ``govscan ...`` command line of a script."""

    words: tuple[str, ...]
    """The words after ``govscan``, quotes removed, variables left as written."""

    @property
    def text(self) -> str:
        return "govscan " + " ".join(self.words)

    def value(self, flag: str) -> str | None:
        """The word after ``flag`` (or after ``flag=``), None when the flag is absent."""
        for i, word in enumerate(self.words):
            if word == flag and i + 1 < len(self.words):
                return self.words[i + 1]
            if word.startswith(flag + "="):
                return word.split("=", 1)[1]
        return None

    def options(self, leave_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """The options as (flag, following word or '') pairs, in order, without those
        named in ``leave_out``: what two invocations must share to scan the same."""
        out = []
        for i, word in enumerate(self.words):
            if not word.startswith("-") or word.split("=", 1)[0] in leave_out:
                continue
            nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
            out.append((word, "" if nxt.startswith("-") else nxt))
        return out


def govscan_calls(script: str) -> list[Call]:
    """Each command of ``script`` whose program is govscan (any path ending in it)."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        lexer.commenters = ""
        command: list[str] = []
        words = list(lexer)
        # A word that starts with # begins a comment (a quoted "#..." would too: the
        # examples have none).
        words = [*words[: next((i for i, w in enumerate(words) if w.startswith("#")), None)], ";"]
        for word in words:
            if word in _OPERATORS:
                if command and command[0].rsplit("/", 1)[-1] == "govscan":
                    calls.append(Call(tuple(command[1:])))
                command = []
            elif command or word not in _PREFIXES:
                command.append(word)
    return calls


def resolve(call: Call) -> tuple[list[str], click.Command | None, list[str]]:
    """The subcommand path a call names, its click command (None when govscan has no
    such command), and the words after it."""
    cmd: click.Command = cli
    path: list[str] = []
    rest = list(call.words)
    while isinstance(cmd, click.Group):
        if not rest or rest[0].startswith("-"):
            return path, None, rest
        name = rest.pop(0)
        path.append(name)
        sub = cmd.commands.get(name)
        if sub is None:
            return path, None, rest
        cmd = sub
    return path, cmd, rest


def option_names(cmd: click.Command) -> dict[str, click.Option]:
    """Every option of ``cmd``, with those the installed collectors add when it runs."""
    names: dict[str, click.Option] = {}
    for param in cmd.get_params(click.Context(cmd)):
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                names[name] = param
    return names


def unknown_flags(cmd: click.Command, words: list[str]) -> list[str]:
    """Flags the command does not have, and options given without their value."""
    names = option_names(cmd)
    problems = []
    for i, word in enumerate(words):
        if not word.startswith("-") or word == "-":
            continue
        flag = word.split("=", 1)[0]
        option = names.get(flag)
        if option is None:
            problems.append(f"{flag}: no such option")
        elif not option.is_flag and "=" not in word:
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if not nxt or (nxt.startswith("-") and nxt != "-"):
                problems.append(f"{flag}: no value")
    return problems
