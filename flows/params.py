"""Parameter types shared by the flows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator


def _day_or_instant(value: Any) -> Any:
    """``"2026-06-30"`` is a day (its end counts), not midnight at its start: without this a
    deployment's JSON parameter would become a datetime and shift every status by a day."""
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    return value


AsOf = Annotated[dt.datetime | dt.date, BeforeValidator(_day_or_instant)]
"""An as-of day (a date: the end of that day in the plan's time zone) or instant."""
