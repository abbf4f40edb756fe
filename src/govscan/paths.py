"""Where the built-in content lives: inside the wheel, or at the checkout's top."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def content_dir(kind: str) -> Path:
    """The built-in ``controls``, ``policies`` or ``reports`` folder."""
    packaged = _PACKAGE / "_content" / kind
    if packaged.is_dir():
        return packaged
    # An editable install or a checkout: the folders sit at the repository top.
    return _PACKAGE.parent.parent / kind


def data_dir() -> Path:
    return _PACKAGE / "data"
