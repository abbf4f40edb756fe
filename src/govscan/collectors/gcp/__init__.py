"""The Google Cloud collector (``govscan[gcp]``): projects, folders, an organisation.

Importing this module imports no Google library; that happens when a scan starts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from govscan.collectors.gcp.target import PROJECT_ID
from govscan.collectors.interface import CollectionPlan, Collector, CollectorOption, Item
from govscan.collectors.units import Discovery, Unit
from govscan.errors import CollectorError, UsageError
from govscan.model import ApiCall, CollectionError, Target

if TYPE_CHECKING:
    from govscan.collectors.gcp.units import Planned

log = logging.getLogger(__name__)

# Folder and organisation ids are numbers, optionally with their prefix.
FOLDER_ID = re.compile(r"(?:folders/)?[0-9]{1,32}")
ORG_ID = re.compile(r"(?:organizations/)?[0-9]{1,32}")

PROJECT_WORKERS = 8
"""Projects scanned at the same time."""


class GcpCollector(Collector):
    name: ClassVar[str] = "gcp"
    produces: ClassVar[tuple[str, ...]] = ("gcp.*",)
    title: ClassVar[str] = "Google Cloud"
    sdk_loggers: ClassVar[tuple[str, ...]] = ("google", "googleapiclient", "urllib3")
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "gcp",
            "--gcp",
            kind="switch",
            target=True,
            help="Scan Google Cloud with Application Default Credentials.",
        ),
        CollectorOption(
            "gcp_projects",
            "--gcp-projects",
            "projects",
            kind="list",
            enables=True,
            help="Comma-separated project ids.",
        ),
        CollectorOption(
            "gcp_folders",
            "--gcp-folders",
            "folders",
            kind="list",
            enables=True,
            help="Comma-separated folder ids: every ACTIVE project below them.",
        ),
        CollectorOption(
            "gcp_organization",
            "--gcp-organization",
            "organization",
            enables=True,
            help="Organisation id: every ACTIVE project in it.",
        ),
        CollectorOption(
            "gcp_endpoint",
            "--gcp-endpoint",
            "endpoint",
            metavar="URL",
            help="Base URL every Google API is reached at (a proxy or a local test server).",
        ),
        CollectorOption(
            "gcp_no_asset_inventory",
            "--gcp-no-asset-inventory",
            "no_asset_inventory",
            kind="switch",
            help="List every project on its own instead of through the Cloud Asset Inventory "
            "(organisation and folder scans).",
        ),
        CollectorOption("gcp_endpoints", None, "endpoints", kind="mapping"),
        CollectorOption("gcp_max_workers", None, "max_workers", kind="int", tuning=True),
        CollectorOption(
            "gcp_max_calls_per_project",
            "--gcp-max-calls-per-project",
            "max_calls_per_project",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once in one project (default 8).",
        ),
        CollectorOption(
            "gcp_max_calls",
            "--gcp-max-calls",
            "max_calls",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once across all projects (default 32).",
        ),
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        from govscan.collectors.gcp.calls import CallLog
        from govscan.collectors.gcp.clients import new_throttle
        from govscan.collectors.retry import limits

        self.projects = tuple(
            _checked(p, PROJECT_ID, "--gcp-projects") for p in options.get("gcp_projects") or ()
        )
        self.folders = tuple(
            _checked(f, FOLDER_ID, "--gcp-folders") for f in options.get("gcp_folders") or ()
        )
        org = str(options.get("gcp_organization") or "")
        self.organization = _checked(org, ORG_ID, "--gcp-organization") if org else ""
        self.endpoint = _url(options.get("gcp_endpoint"), "--gcp-endpoint")
        endpoints = options.get("gcp_endpoints") or {}
        self.endpoints = {
            str(k): _url(v, f"targets gcp endpoints {k}") or "" for k, v in endpoints.items()
        }
        self.workers = int(options.get("gcp_max_workers") or PROJECT_WORKERS)
        self.asset_inventory = not options.get("gcp_no_asset_inventory")
        self.log = CallLog()
        # One policy and one token bucket per (project, API) for the whole scan.
        self.throttle = new_throttle()
        self.throttle.limit(limits(options, "gcp_max_calls_per_project", "gcp_max_calls"))
        self._targets: list[Target] = []
        self._planned: Planned | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        if not options.get("gcp"):
            return None
        try:
            import google.auth  # noqa: F401
        except ImportError:
            raise CollectorError(
                "the Google Cloud collector needs its libraries: pip install 'govscan[gcp]'"
            ) from None
        return cls(options)

    @classmethod
    def permissions(cls, plan: CollectionPlan) -> Mapping[str, Any]:
        """A custom role with exactly the permissions a scan with ``plan`` needs."""
        from govscan.collectors.gcp.permissions import custom_role

        return custom_role(plan)

    def targets(self) -> list[Target]:
        with self._lock:
            return sorted(self._targets, key=lambda t: t.identity)

    def api_calls(self) -> list[ApiCall]:
        return self.log.calls()

    def discover_units(self, plan: CollectionPlan) -> Discovery:
        from govscan.collectors.gcp.units import discover

        return discover(self, plan)

    def restrict(self, units: Sequence[Unit]) -> None:
        from govscan.collectors.gcp.units import planned

        self._planned = planned(units)

    def connect(self) -> tuple[Any, str]:
        """The scan's clients and the credentials' default project."""
        from govscan.collectors.gcp import credentials
        from govscan.collectors.gcp.clients import Clients

        creds, default_project = credentials.load()
        clients = Clients(creds, self.endpoints, self.endpoint, self.throttle, self.log)
        if not (self.projects or self.folders or self.organization or default_project):
            raise CollectorError(
                "no Google Cloud project to scan: give --gcp-projects, --gcp-folders or "
                "--gcp-organization (the credentials name no project)"
            )
        return clients, default_project

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.fanin import Task, fan_in
        from govscan.collectors.gcp import hierarchy, inventory, registry, units
        from govscan.collectors.gcp.scan import scan_project

        clients, default_project = self.connect()
        if self._planned is None:
            found = hierarchy.resolve(
                clients, self.projects, self.folders, self.organization, default_project
            )
            parents = inventory.scopes(self.organization, self.folders)
        else:
            # A shard: the plan found its projects; the inventory is asked for them only.
            found = units.planned_hierarchy(clients, self._planned)
            parents = units.inventory_parents(self, found.projects.values())
        yield from found.errors
        as_of = datetime.now(UTC)
        for p in found.projects.values():
            self._record(p)
        listed = None
        if self.asset_inventory:
            types = [t for name, t in registry.load().items() if name in plan.fields]
            listed = inventory.read(clients, parents, found.projects.values(), types)

        def failed(project: Any, exc: Exception) -> list[Item]:
            # One project's failure keeps the other projects' results.
            log.error("project %s failed: %s: %s", project, type(exc).__name__, exc)
            log.debug("project %s traceback", project, exc_info=True)
            return [
                CollectionError(
                    "gcp", f"{type(exc).__name__}: {exc}", tuple(plan.fields), str(project)
                )
            ]

        yield from fan_in(
            (
                Task(p.project_id, partial(scan_project, clients, p, plan, as_of, listed))
                for p in sorted(found.projects.values(), key=lambda p: p.project_id)
            ),
            failed,
            workers=self.workers,
            queue_size=1024,
            name="gcp-project",
        )

    def _record(self, project: Any) -> None:
        from govscan.collectors.gcp.target import project_target

        with self._lock:
            self._targets.append(project_target(project))


def _checked(value: Any, pattern: re.Pattern[str], where: str) -> str:
    text = str(value).strip()
    if not pattern.fullmatch(text):
        raise UsageError(f"{where}: '{text[:80]}' is not a valid id")
    return text


def _url(value: Any, where: str) -> str | None:
    """An endpoint override; it must name its scheme (a bare host would become https)."""
    if not value:
        return None
    text = str(value).strip()
    if not text.startswith(("http://", "https://")) or len(text) > 2048:
        raise UsageError(f"{where}: '{text[:80]}' is not a URL (http://HOST:PORT or https://...)")
    return text.rstrip("/")
