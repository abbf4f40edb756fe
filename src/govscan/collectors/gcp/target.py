"""The scopes a GCP scan walks: projects, with the folders and organisation above them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from govscan.model import Target

PROJECT_ID = re.compile(r"(?:[a-z0-9.-]{1,63}:)?[a-z0-9][a-z0-9-]{0,62}")
"""What may be a project id (``my-project``; the legacy domain-scoped
``example.com:name`` too): it becomes part of request paths, so nothing else is."""


@dataclass(frozen=True)
class Project:
    """One ACTIVE project to scan."""

    project_id: str
    """The project id (``my-project``): the ``account`` of its resources and errors."""
    number: str = ""
    """The project number (``123456789012``); empty when it could not be read."""
    name: str = ""
    """Display name."""
    parent: str = ""
    """``folders/123`` or ``organizations/456``; empty when not known."""
    ancestors: tuple[str, ...] = ()
    """Folders and organisation above the project, nearest first (``folders/1``,
    ``organizations/2``), as far as the scan could read them."""
    labels: Mapping[str, str] = field(default_factory=dict)
    ancestry_complete: bool = True
    """False when a folder above could not be read: what is inherited is unknown."""


def project_target(project: Project) -> Target:
    """What a scan records of a project it scanned."""
    details = {"number": project.number, "name": project.name, "parent": project.parent}
    return Target("gcp", project.project_id, {**details, "ancestors": list(project.ancestors)})
