"""What a shape function reads of the extra calls made for one resource."""

from __future__ import annotations

from typing import Any, Protocol


class Details(Protocol):
    """The responses of the detail calls made for one resource, by name
    (``blob_service``). A name is absent when its call was not made."""

    def __contains__(self, name: object) -> bool: ...

    def get(self, name: str) -> Any: ...


class NoDetails:
    """No detail call was made: the resource's own JSON is all there is (a request
    body in code)."""

    def __contains__(self, name: object) -> bool:
        return False

    def get(self, name: str) -> Any:
        return {}
