"""The envelope every event travels in, whatever its type: who produced it, when, which
trace it belongs to, and its payload. Producers and consumers both import it, so a field
cannot drift between the two sides; each payload has its own schema per type and version
(kept where both sides import them, e.g. microservices' `shop_contracts`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from backend_shared.clock import utcnow

EventType = Annotated[str, Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$", max_length=100)]


class Envelope(BaseModel):
    """`{id, type, version, occurred_at, producer, trace, data}`.

    `id` is the event's identity: a copy published twice (an outbox relay that died before
    marking it sent) carries the same id, which is what lets consumers drop the copy."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "example": {
                "id": "5f0c6c1e8f3a4d2b9e7a1c3d5b7f9e11",
                "type": "order.placed",
                "version": 1,
                "occurred_at": "2026-11-22T09:30:00.000Z",
                "producer": "orders",
                "trace": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "data": {"order_id": "665f1c2ab1e4c2a1d3f0e9b7"},
            }
        },
    )

    id: str = Field(min_length=1, max_length=64)
    type: EventType
    version: int = Field(ge=1, le=1000)
    occurred_at: datetime
    producer: str = Field(min_length=1, max_length=100)
    # The W3C traceparent of the work that produced the event, so its handling joins the trace.
    trace: str | None = Field(default=None, max_length=200)
    data: dict[str, Any]

    @classmethod
    def new(
        cls,
        *,
        type: str,
        version: int,
        producer: str,
        data: dict[str, Any],
        trace: str | None = None,
        event_id: str | None = None,
    ) -> Envelope:
        return cls(
            id=event_id or uuid.uuid4().hex,
            type=type,
            version=version,
            occurred_at=utcnow(),
            producer=producer,
            trace=trace,
            data=data,
        )
