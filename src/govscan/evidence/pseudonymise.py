"""Pseudonymisation of personal data in evidence and reports (Art. 4(5), Art. 32(1)(a) DSGVO).

Scan evidence names people: IAM user names, e-mail addresses in policies and
tags, ``Owner`` and ``CreatedBy`` tags.  A report meant for sharing (with an
auditor, a customer, a ticket system) should not.  :class:`Redactor` replaces
each such value with ``anon-<10 hex digits>``: an HMAC-SHA256 of the value
under a key, so the same person gets the same pseudonym everywhere in one
bundle and findings stay correlatable, while nobody without the key can
recompute it.  The key belongs to whoever writes the bundle and is never part
of its output; a new random key per bundle makes pseudonyms unlinkable across
bundles.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from govscan.model import CollectionError, Resource, ResourceRef, Result

PREFIX = "anon-"
_PSEUDONYM = re.compile(r"^anon-[0-9a-f]{10}$")

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# The user name is the last segment of an IAM user ARN (paths may precede it).
_IAM_USER_ARN = re.compile(r"(arn:aws[a-z-]*:iam::\d{12}:user/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)")
_NAME_WORD = r"[A-ZÄÖÜÀ-Þ][a-zäöüßà-ÿ'’]+(?:-[A-ZÄÖÜÀ-Þ][a-zäöüßà-ÿ'’]+)?"
_PERSON_NAME = re.compile(rf"^{_NAME_WORD}(?: (?:von |van |de |zu )?{_NAME_WORD}){{1,3}}$")
_LOGIN_NAME = re.compile(r"^[a-z][a-z'-]+[._][a-z][a-z'-]+$")

PERSON_TAG_KEYS = frozenset(
    {
        "owner",
        "contact",
        "createdby",
        "creator",
        "author",
        "maintainer",
        "responsible",
        "requester",
        "requestedby",
        "email",
        "technicalcontact",
        "businessowner",
    }
)
"""Tag keys (lowercased, without ``-``, ``_``, ``:`` and spaces) that usually name a person."""

PERSON_DATA_KEYS = frozenset({"user_name", "username", "owner_email", "email", "created_by"})
"""Field names whose string values identify a person wherever they occur."""

USER_TYPES = frozenset({"aws.iam.user"})
"""Resource types whose name is a person's account name."""


def _norm_key(key: str) -> str:
    return re.sub(r"[-_:\s]", "", key.split(":")[-1]).lower()


def looks_like_person(value: str, *, strict: bool = False) -> bool:
    """An e-mail address, a "First Last" name or (unless ``strict``) a first.last login."""
    v = value.strip()
    if not v or _PSEUDONYM.match(v):
        return False
    if _EMAIL.fullmatch(v) or _PERSON_NAME.match(v):
        return True
    return not strict and bool(_LOGIN_NAME.match(v))


class Redactor:
    """Keyed pseudonyms for the personal data of one bundle or report."""

    __slots__ = ("__key", "_known", "_names_at", "_names_re")

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonymisation key needs at least 16 bytes")
        self.__key = bytes(key)
        self._known: dict[str, str] = {}
        self._names_re: re.Pattern[str] | None = None
        self._names_at = 0

    @classmethod
    def with_random_key(cls) -> Redactor:
        """A redactor whose key exists only in memory (the default for a bundle)."""
        return cls(secrets.token_bytes(32))

    def __repr__(self) -> str:
        return f"Redactor(<key hidden>, {len(self._known)} pseudonyms)"

    def __reduce__(self) -> Any:
        raise TypeError("a Redactor holds a secret key and cannot be pickled")

    # --- values ---------------------------------------------------------------------------

    def pseudonym(self, value: str) -> str:
        """``anon-`` and 10 hex digits of HMAC-SHA256(key, value); stable for one key."""
        if _PSEUDONYM.match(value):
            return value
        digest = hmac.new(self.__key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        out = PREFIX + digest[:10]
        self._known.setdefault(value, out)
        return out

    @property
    def known(self) -> int:
        """How many values have pseudonyms so far (grows as a scan goes on)."""
        return len(self._known)

    def known_values(self) -> list[str]:
        """The values that have pseudonyms, in the order they became known."""
        return list(self._known)

    def learn(self, names: Iterable[str]) -> None:
        """Personal identifiers to replace wherever they appear in free text."""
        for n in names:
            if n and len(n) >= 3:
                self.pseudonym(n)

    def text(self, value: str) -> str:
        """A string with e-mail addresses, IAM user names and learned names replaced."""
        out = value
        # The substring tests spare most strings (ids, flags, regions) any regex at all.
        if ":user/" in out:
            out = _IAM_USER_ARN.sub(lambda m: m.group(1) + self.pseudonym(m.group(2)), out)
        if "@" in out:
            out = _EMAIL.sub(lambda m: self.pseudonym(m.group(0)), out)
        names = self._names()
        if names is not None:
            out = names.sub(lambda m: self._known[m.group(0)], out)
        return out

    def _names(self) -> re.Pattern[str] | None:
        """One pattern for every known value, longest first, rebuilt when one is added."""
        if self._names_at != len(self._known):
            self._names_at = len(self._known)
            alternatives = sorted(
                (n for n in self._known if not _PSEUDONYM.match(n)), key=len, reverse=True
            )
            self._names_re = (
                re.compile(
                    r"(?<![\w.@-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w@-])"
                )
                if alternatives
                else None
            )
        return self._names_re

    def data(self, value: Any, key: str = "") -> Any:
        """A copy of JSON-like data with personal values pseudonymised."""
        if isinstance(value, Mapping):
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v, key) for v in value]
        if isinstance(value, str):
            if key.lower() in PERSON_DATA_KEYS and value:
                return self.pseudonym(value)
            return self.text(value)
        return value

    def tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, v in tags.items():
            nk = _norm_key(k)
            # A Name tag usually names the resource; only a full personal name counts.
            personal = (nk in PERSON_TAG_KEYS and looks_like_person(v)) or (
                nk == "name" and looks_like_person(v, strict=True)
            )
            out[k] = self.pseudonym(v) if personal else self.text(v)
        return out

    # --- model objects --------------------------------------------------------------------

    def ref(self, ref: ResourceRef) -> ResourceRef:
        if ref.type in USER_TYPES and ref.name and not _PSEUDONYM.match(ref.name):
            self.learn([ref.name])
        rid, name = self.text(ref.id), self.text(ref.name)
        if rid == ref.id and name == ref.name:
            return ref
        return replace(ref, id=rid, name=name)

    def resource(self, resource: Resource) -> Resource:
        ref = self.ref(resource.ref)
        return replace(
            resource,
            ref=ref,
            data=self.data(resource.data),
            tags=self.tags(resource.tags),
            unavailable={k: self.text(v) for k, v in resource.unavailable.items()},
        )

    def result(self, result: Result) -> Result:
        ref = self.ref(result.resource)
        message, evidence = self.text(result.message), self.text(result.evidence)
        if ref is result.resource and message == result.message and evidence == result.evidence:
            return result
        return replace(result, resource=ref, message=message, evidence=evidence)

    def error(self, error: CollectionError) -> CollectionError:
        return replace(error, message=self.text(error.message))
