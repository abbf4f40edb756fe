"""Every GCP resource type: the project (hand-written) and the ``GcpType`` declarations.

Type modules are this package's ``types_*.py`` files (and ``iam.py``); each calls
``spec.define`` when imported. Importing them imports no Google library.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from govscan.collectors.gcp import project
from govscan.collectors.gcp.spec import TYPES, GcpType


@cache
def load() -> dict[str, GcpType]:
    """Import every type module once; the registered types by name."""
    package = __name__.rsplit(".", 1)[0]
    importlib.import_module(f"{package}.iam")
    path = importlib.import_module(package).__path__
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name.startswith("types_"):
            importlib.import_module(f"{package}.{info.name}")
    return dict(TYPES)


def known() -> frozenset[str]:
    """Every type the collector can produce."""
    return frozenset({project.TYPE, *load()})
