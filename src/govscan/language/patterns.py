"""Patterns from controls, policies, waivers and registries, matched in linear time.

Every such pattern is written by whoever wrote the control, the policy or the
pull request under review, and is matched against names and ARNs the scanned
estate chooses.  Python's ``re`` backtracks: ``(a+)+`` against forty ``a``
and a ``b`` runs for minutes.  RE2 (``google-re2``) guarantees time linear in
the input and refuses what it cannot match that way (backreferences,
lookaround, atomic groups), so a pattern either compiles here or is a
validation error before anything is scanned.

Semantics kept from ``re.fullmatch``: the whole string must match, ``.`` does
not match a newline unless ``(?s)``, inline flags ``(?i)``, ``(?m)``,
``(?s)`` work, and case folding covers all of Unicode.  Unlike Python,
``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII only; ``\\pL`` (any letter)
and ``\\pN`` (any digit) cover every script.

Globs (``arn:aws:s3:::acme-tmp-*``) keep ``fnmatch.fnmatchcase`` semantics
(``*``, ``?``, ``[seq]``, ``[!seq]``, case-sensitive, ``*`` crosses ``/``)
and are translated to RE2 rather than to Python's ``re``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re2

__all__ = ["Pattern", "PatternError", "compile_glob", "compile_regex", "glob_matches"]

MAX_PATTERN_LENGTH = 10_000
"""Longer patterns are refused: RE2 is linear in the input, but its program grows with
the pattern, and no real control needs a pattern this long."""

_MAX_PROGRAM_BYTES = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot express (or that is too large); the message says why."""


def _options(*, dot_nl: bool) -> Any:
    options = re2.Options()
    # RE2 would otherwise print every refused pattern to stderr.
    options.log_errors = False
    options.max_mem = _MAX_PROGRAM_BYTES
    options.dot_nl = dot_nl
    return options


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern; ``matches`` is true when it matches the whole string."""

    source: str
    _compiled: Any = field(repr=False, compare=False)

    def matches(self, text: str) -> bool:
        # Matching the UTF-8 bytes skips the wrapper's offset bookkeeping, and
        # "surrogatepass" keeps a lone surrogate from a JSON document from raising.
        return self._compiled.fullmatch(text.encode("utf-8", "surrogatepass")) is not None


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else exc
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text or "not supported by RE2"


def _compile(regex: str, source: str, *, dot_nl: bool, hint: str = "") -> Pattern:
    if len(regex) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    if "\x00" in regex:
        raise PatternError("pattern contains a NUL character")
    try:
        compiled = re2.compile(regex, _options(dot_nl=dot_nl))
    except (re2.error, TypeError, ValueError, UnicodeError) as exc:
        raise PatternError(_reason(exc) + hint) from None
    return Pattern(source, compiled)


def compile_regex(regex: str) -> Pattern:
    """A regular expression in RE2 syntax; raises ``PatternError`` for what RE2 refuses."""
    if not isinstance(regex, str):
        raise PatternError("a regular expression must be a string")
    return _compile_regex(regex)


@lru_cache(maxsize=1024)
def _compile_regex(regex: str) -> Pattern:
    return _compile(regex, regex, dot_nl=False, hint=_RE2_HINT)


_RE2_HINT = " (RE2 syntax: no backreferences, lookaround or possessive quantifiers)"


def _literal(ch: str) -> str:
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}"


def _glob_class(body: str) -> str:
    """``[seq]`` / ``[!seq]`` as an RE2 class; reversed ranges match nothing (as in fnmatch)."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    items: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            lo, hi = body[i], body[i + 2]
            if lo <= hi:
                items.append(f"{_literal(lo)}-{_literal(hi)}")
            i += 3
        else:
            items.append(_literal(body[i]))
            i += 1
    if not items:
        # An empty set: nothing matches it, so its negation matches any one character.
        return "(?s:.)" if negate else "[^\\x{0}-\\x{10ffff}]"
    return f"[{'^' if negate else ''}{''.join(items)}]"


def glob_to_regex(glob: str) -> str:
    """The RE2 expression ``fnmatch.fnmatchcase`` would test for ``glob``."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        i += 1
        if ch == "*":
            while i < n and glob[i] == "*":
                i += 1
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            j = i
            if j < n and glob[j] == "!":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                j += 1
            if j >= n:
                out.append(_literal("["))
            else:
                out.append(_glob_class(glob[i:j]))
                i = j + 1
        else:
            out.append(_literal(ch))
    return "".join(out)


def compile_glob(glob: str) -> Pattern:
    """A shell-style glob; raises ``PatternError`` only for an oversized glob."""
    if not isinstance(glob, str):
        raise PatternError("a glob must be a string")
    return _compile_glob(glob)


@lru_cache(maxsize=4096)
def _compile_glob(glob: str) -> Pattern:
    if len(glob) > MAX_PATTERN_LENGTH:
        raise PatternError(f"glob longer than {MAX_PATTERN_LENGTH} characters")
    # fnmatch lets * and ? cross newlines; so does this.
    return _compile(glob_to_regex(glob), glob, dot_nl=True)


def glob_matches(text: str, glob: str) -> bool:
    """``fnmatch.fnmatchcase(text, glob)`` in linear time; an unusable glob matches nothing."""
    try:
        return compile_glob(glob).matches(text)
    except PatternError:
        return False


REGEX_PREFIX = "re:"
"""Marks a waiver's ``resources`` entry as an RE2 regex rather than a glob."""


def resource_pattern(entry: str) -> Pattern:
    """A waiver's ``resources`` entry: a glob, or ``re:<regex>`` in RE2 syntax.

    Both are matched by RE2, so a waiver cannot make a scan slow, however long
    the ARNs it is matched against; raises ``PatternError`` for a bad regex."""
    if entry.startswith(REGEX_PREFIX):
        return compile_regex(entry[len(REGEX_PREFIX) :])
    return compile_glob(entry)
