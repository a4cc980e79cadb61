"""Time as MongoDB stores it: UTC, millisecond precision. Using these everywhere means a
value read back equals the value written, and a response matches the next GET."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def utcnow() -> datetime:
    return as_utc(datetime.now(UTC))


def as_utc(value: datetime) -> datetime:
    """Naive times are taken as UTC; precision is cut to what BSON keeps."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _client_time_as_utc(value: datetime) -> datetime:
    # 9999-12-31T23:00:00-05:00 is a valid datetime that has no UTC equivalent (year 10000).
    try:
        return as_utc(value)
    except OverflowError:
        raise PydanticCustomError(
            "datetime_out_of_range", "must fall between years 1 and 9999 once converted to UTC"
        ) from None


# A pydantic field type for every datetime a client sends (bodies and query parameters):
# naive times are UTC, and one that would leave the datetime range in UTC is a 422.
UtcDatetime = Annotated[datetime, AfterValidator(_client_time_as_utc)]
