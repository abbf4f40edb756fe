"""Helpers of the ``google_*`` normalisers: where a resource is, its project and
labels, and the resources that configure another (IAM members, ACLs, replicas).
The conventions are described in ``normalize_gcp``."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_int, as_str

Normalised = tuple[str, dict[str, Any]]
PUBLIC = ("allUsers", "allAuthenticatedUsers")
_INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]$")
_ZONE = re.compile(r"([a-z]+-[a-z]+[0-9]+)-[a-z]")


# --- where a resource is -------------------------------------------------------------


def spell(location: Any) -> Any:
    """A location in the jurisdiction tables' spelling: regions and zones lower case,
    multi- and dual-regions (``EU``, ``EUR4``) upper case, ``global`` lower case."""
    if not isinstance(location, str):
        return location
    text = location.strip()
    if "-" in text or text.lower() == "global":
        return text.lower()
    return text.upper()


def region_of(location: Any) -> Any:
    """The region of a location: a zone's region, anything else itself."""
    if not isinstance(location, str):
        return location
    zone = _ZONE.fullmatch(location)
    return zone.group(1) if zone else location


def provider_value(tf: TfResource, key: str) -> Any:
    """A setting (``region``, ``zone``, ``project``) of the resource's ``google``
    provider configuration; an ``Unknown`` saying why when it is not static."""
    if not hasattr(tf, "provider_config"):
        # A plan's resource: the plan writes what the provider decided into its values.
        return Unknown(f"{tf.address}: the plan records no {key}")
    config = tf.provider_config
    name = tf.provider_ref or "google"
    if config is None:
        return Unknown(
            f'no provider "{name}" configuration reaches {tf.address}: its {key} is not set'
        )
    value = config.settings.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if value is None:
        return Unknown(f'provider "{name}" ({config.path}:{config.line}) sets no {key}')
    return value if isinstance(value, Unknown) else Unknown(f"{name}.{key} = {value!r}")


def placed(tf: TfResource, arg: str, fallback: str = "region") -> dict[str, Any]:
    """``location`` and ``region`` from the resource's ``arg``, else its provider's
    ``fallback`` setting (``zone`` for zonal resources)."""
    given = as_str(tf.get(arg))
    location = spell(given if given is not None else provider_value(tf, fallback))
    return {"location": location, "region": region_of(location)}


def project(tf: TfResource) -> Any:
    """The resource's static project, else its provider's; absent when neither is."""
    given = as_str(tf.get("project"))
    if given is not None:
        return given
    value = provider_value(tf, "project")
    return value if isinstance(value, str) else None


def common(tf: TfResource, location: dict[str, Any]) -> dict[str, Any]:
    labels = tf.get("labels")
    out: dict[str, Any] = {
        **location,
        "labels": labels if isinstance(labels, dict | Unknown) else {},
    }
    project_id = project(tf)
    if project_id is not None:
        out["project_id"] = project_id
    return out


GLOBAL = {"location": "global", "region": "global"}


# --- resources that configure another ---------------------------------------------------

COMPANION_ARGS: dict[str, str] = {
    "google_storage_bucket_iam_member": "bucket",
    "google_storage_bucket_iam_binding": "bucket",
    "google_storage_bucket_access_control": "bucket",
    "google_storage_bucket_acl": "bucket",
    "google_storage_default_object_access_control": "bucket",
    "google_kms_crypto_key_iam_member": "crypto_key_id",
    "google_kms_crypto_key_iam_binding": "crypto_key_id",
    "google_bigquery_dataset_iam_member": "dataset_id",
    "google_bigquery_dataset_iam_binding": "dataset_id",
    "google_bigquery_dataset_access": "dataset_id",
    "google_sql_database_instance": "master_instance_name",
    "google_container_node_pool": "cluster",
}
"""Companion type -> the argument naming the resource it configures."""


class Companions:
    """Companions keyed by the resource they configure: its address (a reference to
    any of its attributes) or ``name:<name>`` when they name it by a static string."""

    def __init__(self, resources: Iterable[TfResource]) -> None:
        self.by_target: dict[tuple[str, str], list[TfResource]] = defaultdict(list)
        self.unplaced: dict[str, list[TfResource]] = defaultdict(list)
        """Companions whose target is not known before apply: any resource of the
        kind they configure may be theirs."""
        self.by_address: dict[str, TfResource] = {}
        self._metadata: dict[str, Any] | None = None
        self._roles: dict[tuple[Any, str], set[str]] | None = None
        for r in resources:
            self.by_address[r.address] = r
            arg = COMPANION_ARGS.get(r.type)
            if arg is None or arg not in r.block.attrs:
                continue
            value = r.get(arg)
            ref = getattr(value, "ref", "") if isinstance(value, Unknown) else ""
            if ref:
                self.by_target[(r.type, ref)].append(r)
            elif isinstance(value, str) and value:
                # A full resource name (projects/p/.../keyRings/r) names it by its tail.
                for key in dict.fromkeys((value, value.rsplit("/", 1)[-1])):
                    self.by_target[(r.type, f"name:{key}")].append(r)
            elif isinstance(value, Unknown):
                self.unplaced[r.type].append(r)

    def all(self, kind: str, target: TfResource, name: Any = None) -> list[TfResource]:
        block = _INSTANCE_KEY.sub("", target.address)
        keys = dict.fromkeys(
            (target.address, block, f"name:{name}" if isinstance(name, str) else "")
        )
        found: list[TfResource] = []
        for key in keys:
            found += [c for c in self.by_target.get((kind, key), ()) if c not in found]
        return found

    def unknown(self, kind: str) -> Unknown | None:
        """Why what the ``kind`` companions add is not known before apply."""
        for c in self.unplaced.get(kind, ()):
            arg = COMPANION_ARGS[c.type]
            value = c.get(arg)
            text = value.text if isinstance(value, Unknown) else "?"
            return Unknown(f"{c.address} configures the resource {arg} = {text}")
        return None

    def project_metadata(self) -> dict[str, Any]:
        """Project-wide Compute metadata defined in code (``google_compute_project_metadata``
        and ``_item``): an instance without its own value inherits it."""
        if self._metadata is None:
            found: dict[str, Any] = {}
            for r in self.by_address.values():
                if r.type == "google_compute_project_metadata":
                    items = r.get("metadata")
                    if isinstance(items, dict):
                        found.update(items)
                elif r.type == "google_compute_project_metadata_item":
                    key = r.get("key")
                    if isinstance(key, str):
                        found[key] = r.get("value")
            self._metadata = found
        return self._metadata

    def project_roles(self) -> dict[tuple[Any, str], set[str]]:
        """(project, member) -> the project roles the code grants the member, over every
        ``google_project_iam_member``/``_binding``: duties held together show only here."""
        if self._roles is None:
            roles: dict[tuple[Any, str], set[str]] = defaultdict(set)
            for r in self.by_address.values():
                if r.type not in ("google_project_iam_member", "google_project_iam_binding"):
                    continue
                role, members = as_str(r.get("role")), members_of(r)
                if isinstance(role, str) and isinstance(members, list):
                    for m in members:
                        roles[(project(r), member_key(m))].add(role)
            self._roles = roles
        return self._roles

    def referenced(self, value: Any) -> TfResource | None:
        """The resource a reference points at (``google_kms_key_ring.r.id``)."""
        ref = getattr(value, "ref", "") if isinstance(value, Unknown) else ""
        if not ref:
            return None
        return self.by_address.get(ref) or self.by_address.get(f"{ref}[0]")


_TEMPLATE_HEAD = re.compile(r'^"([^"$]*)\$\{')


def member_key(member: Any) -> str:
    """A member as the duty checks compare it: the same expression is the same member."""
    return member.text.strip() if isinstance(member, Unknown) else str(member)


def member_kind(member: Unknown) -> str | None:
    """The literal kind of a member written as a template (``serviceAccount:`` of
    ``"serviceAccount:${google_service_account.x.email}"``), else None."""
    found = _TEMPLATE_HEAD.match(member.text.strip())
    head = found.group(1) if found else ""
    return head if head.endswith(":") and head.count(":") == 1 else None


def members_of(tf: TfResource) -> Any:
    """The members an IAM member or binding resource grants (a list, or unknown)."""
    if "member" in tf.block.attrs:
        # One member, even when its value is known only after apply.
        member = as_str(tf.get("member"))
        return [member] if member else []
    members = tf.get("members")
    if isinstance(members, Unknown):
        return members
    return [m for m in members if isinstance(m, str | Unknown)] if isinstance(members, list) else []


def public_members(comp: Companions, target: TfResource, kinds: tuple[str, ...], name: Any) -> Any:
    """allUsers / allAuthenticatedUsers the IAM companions of ``target`` grant, sorted,
    followed by an ``Unknown`` when a grant may add a member not known before apply (a
    grant whose member or target is a variable): the list is then unknown, but a
    known public member still decides a check. With no known public member the
    whole value is that ``Unknown``: whether anyone is granted is open."""
    found: list[str] = []
    pending: list[Unknown] = []
    for kind in kinds:
        why = comp.unknown(kind)
        if why is not None:
            pending.append(why)
        for c in comp.all(kind, target, name):
            if getattr(c, "instances_unknown", ""):  # a plan's resources have none
                pending.append(Unknown(f"{c.address}: {c.instances_unknown}"))
                continue
            members = members_of(c)
            if isinstance(members, Unknown):
                pending.append(members)
                continue
            for m in members:
                if isinstance(m, Unknown):
                    # Another resource's attribute (a service account's email) is no
                    # public member; a variable may be.
                    if not getattr(m, "ref", ""):
                        pending.append(m)
                elif m in PUBLIC and m not in found:
                    found.append(m)
    if pending and not found:
        return pending[0]  # whether anyone is granted is not known
    return [*sorted(found), *pending[:1]]


def days(value: Any, unit: int) -> Any:
    """A duration in days: ``"7776000s"`` or seconds/milliseconds as a number."""
    if isinstance(value, str) and value.endswith("s"):
        value = value[:-1]
    n = as_int(value, None)
    if n is None or isinstance(n, Unknown):
        return n
    whole = n / unit
    return int(whole) if float(whole).is_integer() else whole
