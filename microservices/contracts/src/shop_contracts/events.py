"""The shop's events: one pydantic schema per type and version, with who produces and who
consumes each. Producers build envelopes from these models and consumers validate what
they receive against them, so a change to a payload is a change to this file that both
sides see (and the AsyncAPI document in docs/ is checked against it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from backend_shared.events import Envelope

ObjectIdHex = Annotated[
    str, Field(pattern=r"^[0-9a-f]{24}$", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]
# Letters, digits, "-" and "_": a SKU is also a key in documents (no "." or "$").
Sku = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", examples=["MUG-BLUE"])]
Quantity = Annotated[StrictInt, Field(ge=1, le=1000, examples=[2])]


class Money(BaseModel):
    """An integer amount in the currency's minor units: `{"amount": 1999, "currency": "EUR"}`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Annotated[StrictInt, Field(ge=0, le=10_000_000_000, examples=[1999])]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]


class EventData(BaseModel):
    """A payload: its class names the type and version it is the schema of."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int]


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    product_id: ObjectIdHex
    name: str = Field(max_length=200)
    quantity: Quantity
    unit_price: Money


class ReservedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    quantity: Quantity


class ShortLine(BaseModel):
    """A line catalog could not reserve, and how many it had."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    requested: Quantity
    available: Annotated[StrictInt, Field(ge=0)]


class UserRegisteredV1(EventData):
    event_type = "user.registered"
    event_version = 1

    user_id: ObjectIdHex
    email: str = Field(max_length=320, examples=["ada@example.com"])
    display_name: str | None = Field(default=None, max_length=100)


class OrderPlacedV1(EventData):
    event_type = "order.placed"
    event_version = 1

    order_id: ObjectIdHex
    user_id: ObjectIdHex
    lines: list[OrderLine] = Field(min_length=1, max_length=100)
    total: Money

    @field_validator("lines")
    @classmethod
    def _one_line_per_sku(cls, lines: list[OrderLine]) -> list[OrderLine]:
        if len({line.sku for line in lines}) != len(lines):
            raise ValueError("each SKU appears on one line")
        return lines


class StockReservedV1(EventData):
    event_type = "stock.reserved"
    event_version = 1

    order_id: ObjectIdHex
    lines: list[ReservedLine]


class StockRejectedV1(EventData):
    event_type = "stock.rejected"
    event_version = 1

    order_id: ObjectIdHex
    short: list[ShortLine] = Field(min_length=1)


class OrderConfirmedV1(EventData):
    event_type = "order.confirmed"
    event_version = 1

    order_id: ObjectIdHex
    user_id: ObjectIdHex
    lines: list[OrderLine]
    total: Money


class OrderRejectedV1(EventData):
    event_type = "order.rejected"
    event_version = 1

    order_id: ObjectIdHex
    user_id: ObjectIdHex
    short: list[ShortLine]


class OrderCancelledV1(EventData):
    event_type = "order.cancelled"
    event_version = 1

    order_id: ObjectIdHex
    user_id: ObjectIdHex
    lines: list[ReservedLine]


@dataclass(frozen=True, slots=True)
class EventSpec:
    schema: type[EventData]
    producer: str
    consumers: tuple[str, ...]
    summary: str

    @property
    def type(self) -> str:
        return self.schema.event_type

    @property
    def version(self) -> int:
        return self.schema.event_version


CATALOGUE: tuple[EventSpec, ...] = (
    EventSpec(UserRegisteredV1, "identity", ("notifier",), "An account was created."),
    EventSpec(
        OrderPlacedV1, "orders", ("catalog",), "A customer checked out; stock is not yet held."
    ),
    EventSpec(StockReservedV1, "catalog", ("orders",), "Every line of the order is held in stock."),
    EventSpec(
        StockRejectedV1,
        "catalog",
        ("orders",),
        "Some line could not be held; nothing stays held for the order.",
    ),
    EventSpec(OrderConfirmedV1, "orders", ("notifier",), "The order's stock is held."),
    EventSpec(OrderRejectedV1, "orders", ("notifier",), "The order failed for lack of stock."),
    EventSpec(
        OrderCancelledV1, "orders", ("catalog",), "The customer cancelled; release its stock."
    ),
)

SCHEMAS: dict[tuple[str, int], EventSpec] = {(spec.type, spec.version): spec for spec in CATALOGUE}


class UnknownEvent(ValueError):
    """An envelope whose type and version no schema describes."""


def new_event(data: EventData, *, producer: str, trace: str | None = None) -> Envelope:
    """The envelope for `data`, under its own type and version."""
    return Envelope.new(
        type=data.event_type,
        version=data.event_version,
        producer=producer,
        data=data.model_dump(mode="json"),
        trace=trace,
    )


def parse_event(envelope: Envelope) -> EventData:
    """`envelope.data` validated against its type and version's schema."""
    spec = SCHEMAS.get((envelope.type, envelope.version))
    if spec is None:
        raise UnknownEvent(f"no schema for {envelope.type} version {envelope.version}")
    return spec.schema.model_validate(envelope.data)


def consumed_by(service: str) -> list[EventSpec]:
    return [spec for spec in CATALOGUE if service in spec.consumers]
