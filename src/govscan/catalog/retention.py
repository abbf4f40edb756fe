"""Retention periods in days, one conversion for every collector.

Backup policies count retention in days, weeks, months or years. Storage
limitation compares them with a maximum in days, so a longer unit is counted at
its longest: a month as 31 days, a year as 366. A retention that is exactly at
the maximum in calendar terms can therefore exceed it by a day or two; it never
reads shorter than it is.
"""

from __future__ import annotations

from typing import Any

DAYS_PER_UNIT: dict[str, int] = {"day": 1, "week": 7, "month": 31, "year": 366}
"""Unit (singular, lowercase) -> the most days it can span."""


def retention_days(count: Any, unit: Any) -> int | None:
    """``(4, "Weeks")`` -> 28; None when the count is not a positive whole number or
    the unit is not one of days, weeks, months, years (``Invalid``, unset)."""
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        return None
    per = DAYS_PER_UNIT.get(str(unit).lower().removesuffix("s")) if unit is not None else None
    return None if per is None else count * per


def longest(values: list[Any]) -> int | None:
    """The largest of the whole numbers in ``values``; None when there is none."""
    found = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return max(found) if found else None
