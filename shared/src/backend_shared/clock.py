"""Time as MongoDB stores it: UTC, millisecond precision. Using these everywhere means a
value read back equals the value written, and a response matches the next GET."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def utcnow() -> datetime:
    return as_utc(datetime.now(UTC))


def as_utc(value: datetime) -> datetime:
    """Naive times are taken as UTC; precision is cut to what BSON keeps."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


# A pydantic field type for datetimes clients send.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
