"""Pseudonymisation of personal data in evidence and reports (Art. 4(5), Art. 32(1)(a) DSGVO).

Scan evidence names people: IAM user names and assumed-role sessions,
e-mail addresses in policies and tags, ``Owner`` and ``CreatedBy`` tags
(wherever a ``tags`` map appears in the data), the owners of waivers and of
registry reviews and processing activities.  A report meant for sharing (with an
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
from functools import lru_cache
from typing import Any

from govscan.model import (
    CollectionError,
    Resource,
    ResourceRef,
    Result,
    RunInfo,
    Target,
    WaiverInfo,
)

PREFIX = "anon-"
_PSEUDONYM = re.compile(r"^anon-[0-9a-f]{10}$")

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# The user name is the last segment of an IAM user ARN (paths may precede it).
_IAM_USER_ARN = re.compile(r"(arn:aws[a-z-]*:iam::\d{12}:user/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)")
# The session name of an assumed role is usually who assumed it (SSO: the e-mail address).
_SESSION_ARN = re.compile(r"(arn:aws[a-z-]*:sts::\d{12}:assumed-role/[\w+=,.@-]+/)([\w+=,.@-]+)")
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

ALWAYS_PERSON_TAG_KEYS = frozenset({"createdby", "creator", "author", "requester", "requestedby"})
"""Of those, the keys whose value is a person even when it does not look like a name."""

PERSON_DATA_KEYS = frozenset({"user_name", "username", "owner_email", "email", "created_by"})
"""Field names whose string values identify a person wherever they occur."""

TAG_KEYS = frozenset({"tags", "tag", "tagset", "taglist", "resourcetags", "labels"})
"""Keys (normalised as tag keys are) of a map of tags anywhere in a resource's data."""

PERSON_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "dsgvo.processor": (("review", "owner"),),
    "dsgvo.activity": (("owner",),),
}
"""Fields that name whoever is responsible: a person, or a role only a few people hold.
Their values are pseudonymised whatever they look like, and wherever else they occur."""

INLINE_OWNER = "inline"
"""The owner of an inline suppression: the code's author, not named by govscan."""

USER_TYPES = frozenset({"aws.iam.user", "azure.entra.user"})
"""Resource types whose name is a person's account name."""


@lru_cache(maxsize=4096)
def _norm_key(key: str) -> str:
    # Cached: every string field of every resource asks, and a scan has few distinct keys.
    return re.sub(r"[-_:\s]", "", key.split(":")[-1]).lower()


def looks_like_person(value: str, *, strict: bool = False) -> bool:
    """An e-mail address, a "First Last" name or (unless ``strict``) a first.last login."""
    v = value.strip()
    if not v or _PSEUDONYM.match(v):
        return False
    if _EMAIL.fullmatch(v) or _PERSON_NAME.match(v):
        return True
    return not strict and bool(_LOGIN_NAME.match(v))


def _personal_tag(key: str, value: str) -> bool:
    nk = _norm_key(key)
    if nk in ALWAYS_PERSON_TAG_KEYS:
        return bool(value.strip()) and not _PSEUDONYM.match(value.strip())
    # A Name tag usually names the resource; only a full personal name counts.
    return (nk in PERSON_TAG_KEYS and looks_like_person(value)) or (
        nk == "name" and looks_like_person(value, strict=True)
    )


def _field(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


PSEUDONYM_KEY_ENV = "GOVSCAN_PSEUDONYM_KEY"


def _placeholder(ref: ResourceRef) -> bool:
    """A name that is no person's: a pseudonym already, or govscan's own words for no
    resource (``type:none``) or a scope (``collector:account:region:type``), which
    learnt would stand for every such result."""
    none = ref.id == f"{ref.type}:none" or ref.id.endswith(f":{ref.type}")
    return none or bool(_PSEUDONYM.match(ref.name))


class Redactor:
    """Keyed pseudonyms for the personal data of one bundle or report."""

    __slots__ = ("__key", "_known", "_last_ref", "_names_at", "_names_re")

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonymisation key needs at least 16 bytes")
        self.__key = bytes(key)
        self._known: dict[str, str] = {}
        self._names_re: re.Pattern[str] | None = None
        self._names_at = 0
        # The last reference rewritten, with how many names were known then: the
        # results of one resource share its reference object.
        self._last_ref: tuple[ResourceRef, int, ResourceRef] | None = None

    @classmethod
    def with_random_key(cls) -> Redactor:
        """A redactor whose key exists only in memory (the default for a bundle)."""
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Redactor:
        """The key in ``GOVSCAN_PSEUDONYM_KEY`` (shards of one scan share it, so their
        pseudonyms agree), else one that exists only in memory."""
        from govscan.fingerprint import secret_bytes

        value = environ.get(PSEUDONYM_KEY_ENV, "")
        if not value.strip():
            return cls.with_random_key()
        return cls(secret_bytes(value, PSEUDONYM_KEY_ENV))

    def __repr__(self) -> str:
        return f"Redactor(<key hidden>, {len(self._known)} pseudonyms)"

    def __reduce__(self) -> Any:
        raise TypeError("a Redactor holds a secret key and cannot be pickled")

    # --- values ---------------------------------------------------------------------------

    def pseudonym(self, value: str, *, remember: bool = True) -> str:
        """``anon-`` and 10 hex digits of HMAC-SHA256(key, value); stable for one key.

        A remembered value is also replaced wherever it occurs in free text."""
        known = self._known.get(value)
        if known is not None:
            return known
        if _PSEUDONYM.match(value):
            return value
        digest = hmac.new(self.__key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        out = PREFIX + digest[:10]
        if remember:
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
        if ":assumed-role/" in out:
            out = _SESSION_ARN.sub(lambda m: m.group(1) + self.pseudonym(m.group(2)), out)
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
        """A copy of JSON-like data with personal values pseudonymised.

        Tag maps are judged as tags wherever they sit (``data.tags``, a launch
        template's ``tags``, ``[{Key, Value}]`` lists), and a value under a
        person-like key (``owner``, ``contact``) that looks like a person counts
        as one, so nested copies get the same pseudonyms as the top-level tags."""
        kind = type(value)
        # Exact scalar types first: most values are flags, numbers and plain strings,
        # and an ``isinstance`` test against the Mapping ABC is several times slower.
        if kind is str:
            return self._string(value, key)
        if value is None or kind is bool or kind is int or kind is float:
            return value
        if isinstance(value, Mapping):
            if _norm_key(key) in TAG_KEYS:
                return self._tag_map(value)
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            if _norm_key(key) in TAG_KEYS:
                return [self._tag_item(v) for v in value]
            return [self.data(v, key) for v in value]
        if isinstance(value, str):
            return self._string(value, key)
        return value

    def _string(self, value: str, key: str) -> str:
        if value and (
            key.lower() in PERSON_DATA_KEYS
            or (_norm_key(key) in PERSON_TAG_KEYS and _personal_tag(key, value))
        ):
            return self.pseudonym(value)
        return self.text(value)

    def _tag_map(self, tags: Mapping[Any, Any]) -> dict[Any, Any]:
        return {
            k: self.pseudonym(v)
            if isinstance(v, str) and _personal_tag(str(k), v)
            else self.data(v, str(k))
            for k, v in tags.items()
        }

    def _tag_item(self, item: Any) -> Any:
        """One ``{Key: ..., Value: ...}`` entry of an AWS tag list."""
        if not isinstance(item, Mapping):
            return self.data(item)
        key = item.get("Key", item.get("key"))
        out = self.data(item)
        for value_key in ("Value", "value"):
            value = item.get(value_key)
            if isinstance(key, str) and isinstance(value, str) and _personal_tag(key, value):
                out[value_key] = self.pseudonym(value)
        return out

    def tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        return {
            k: self.pseudonym(v) if _personal_tag(k, v) else self.text(v) for k, v in tags.items()
        }

    def learn_people(self, values: Iterable[str]) -> None:
        """Values of fields that name a person or a role, replaced wherever they occur."""
        for v in values:
            if isinstance(v, str) and v.strip() and v != INLINE_OWNER:
                # A two-letter role ("IT") would turn up inside unrelated text.
                self.pseudonym(v.strip(), remember=len(v.strip()) >= 3)

    # --- model objects --------------------------------------------------------------------

    def ref(self, ref: ResourceRef) -> ResourceRef:
        last = self._last_ref
        if last is not None and last[0] is ref and last[1] == len(self._known):
            return last[2]  # no name learned since: the same text rewrites the same way
        if ref.type in USER_TYPES and ref.name and not _placeholder(ref):
            self.learn([ref.name])
        rid, name = self.text(ref.id), self.text(ref.name)
        out = ref if rid == ref.id and name == ref.name else replace(ref, id=rid, name=name)
        self._last_ref = (ref, len(self._known), out)
        return out

    def _learn_resource(self, resource: Resource) -> None:
        """Names this resource holds in known places, learned before any of its text is
        rewritten, so that a mention elsewhere in the same resource is replaced too."""
        for path in PERSON_FIELDS.get(resource.ref.type, ()):
            value = _field(resource.data, path)
            if isinstance(value, str):
                self.learn_people([value])
        for k, v in resource.tags.items():
            if _personal_tag(k, v):
                self.pseudonym(v)

    def resource(self, resource: Resource) -> Resource:
        self._learn_resource(resource)
        ref = self.ref(resource.ref)
        before = self.known
        data = self.data(resource.data)
        if self.known != before:
            # A name first met inside the data (a nested tag, a user_name) may also
            # stand in a field already rewritten: one more pass replaces it there.
            data = self.data(resource.data)
            ref = self.ref(resource.ref)
        for path in PERSON_FIELDS.get(resource.ref.type, ()):
            _pseudonymise_at(data, path, self.pseudonym)
        return replace(
            resource,
            ref=ref,
            data=data,
            tags=self.tags(resource.tags),
            unavailable={k: self.text(v) for k, v in resource.unavailable.items()},
            unknown={k: self.text(v) for k, v in resource.unknown.items()},
        )

    def waiver(self, waiver: WaiverInfo) -> WaiverInfo:
        """The waiver's owner pseudonymised (learned, so the failure message naming an
        expired waiver's owner uses the same pseudonym); its reason as free text."""
        if waiver.inline:
            owner = waiver.owner
        else:
            self.learn_people([waiver.owner])
            name = waiver.owner.strip()
            owner = self.pseudonym(name, remember=len(name) >= 3) if name else ""
        reason = self.text(waiver.reason)
        if owner == waiver.owner and reason == waiver.reason:
            return waiver
        return replace(waiver, owner=owner, reason=reason)

    def result(self, result: Result) -> Result:
        waiver = self.waiver(result.waiver) if result.waiver is not None else None
        ref = self.ref(result.resource)
        message, evidence = self.text(result.message), self.text(result.evidence)
        if (
            ref is result.resource
            and message == result.message
            and evidence == result.evidence
            and waiver is result.waiver
        ):
            return result
        return replace(result, resource=ref, message=message, evidence=evidence, waiver=waiver)

    def error(self, error: CollectionError) -> CollectionError:
        return replace(error, message=self.text(error.message))

    def target(self, target: Target) -> Target:
        return replace(
            target, identity=self.text(target.identity), details=self.data(target.details)
        )

    def run(self, run: RunInfo) -> RunInfo:
        """Run metadata: the caller's ARN and account tags of each target, parameter values."""
        return replace(
            run,
            targets=tuple(self.target(t) for t in run.targets),
            parameters=self.data(run.parameters),
        )


def _pseudonymise_at(data: Any, path: tuple[str, ...], pseudonym: Any) -> None:
    """Replace the string at ``path`` in freshly copied data (whatever text rules did)."""
    *parents, last = path
    for key in parents:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get(last), str) and data[last].strip():
        data[last] = pseudonym(data[last].strip(), remember=len(data[last].strip()) >= 3)
