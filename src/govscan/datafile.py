"""Reading the YAML data govscan ships (resource types, jurisdictions, report labels).

These files are part of the installed package, not input: they are parsed with
libyaml's safe loader when it is there (several times faster than the pure-Python
one, and no positions are needed), never with a loader that builds objects.
User-supplied YAML goes through ``govscan.catalog.yamlsource`` instead.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data_yaml(stream: IO[str] | IO[bytes] | str) -> Any:
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader, package data
