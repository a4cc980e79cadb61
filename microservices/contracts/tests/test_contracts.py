"""The event schemas both sides import, and the AsyncAPI document that describes them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from backend_shared.events import Envelope
from shop_contracts.asyncapi import asyncapi_document
from shop_contracts.events import (
    CATALOGUE,
    Money,
    OrderCancelledV1,
    ReservedLine,
    UnknownEvent,
    new_event,
    parse_event,
)

ASYNCAPI = Path(__file__).parents[3] / "docs" / "asyncapi.yaml"
ORDER_ID = "665f1c2ab1e4c2a1d3f0e9b7"


def cancelled() -> OrderCancelledV1:
    return OrderCancelledV1(
        order_id=ORDER_ID, user_id=ORDER_ID, lines=[ReservedLine(sku="MUG", quantity=2)]
    )


def test_the_asyncapi_document_in_docs_matches_the_schemas() -> None:
    written = yaml.safe_load(ASYNCAPI.read_text())
    assert written == asyncapi_document(), (
        "docs/asyncapi.yaml is stale: run "
        "`uv run python -m shop_contracts.asyncapi > docs/asyncapi.yaml`"
    )


def test_the_document_names_every_event_its_producer_and_its_consumers() -> None:
    operations = asyncapi_document()["operations"]
    for spec in CATALOGUE:
        key = spec.type.replace(".", "_")
        assert operations[f"{spec.producer}_sends_{key}"]["action"] == "send"
        for consumer in spec.consumers:
            assert operations[f"{consumer}_receives_{key}"]["action"] == "receive"


def test_an_event_survives_the_trip_through_its_envelope() -> None:
    envelope = new_event(cancelled(), producer="orders", trace=None)
    received = Envelope.model_validate_json(envelope.model_dump_json())
    assert (received.type, received.version) == ("order.cancelled", 1)
    assert parse_event(received) == cancelled()


def test_an_unknown_version_is_refused() -> None:
    envelope = new_event(cancelled(), producer="orders").model_copy(update={"version": 9})
    with pytest.raises(UnknownEvent):
        parse_event(envelope)


def test_a_payload_that_breaks_its_schema_is_refused() -> None:
    envelope = new_event(cancelled(), producer="orders")
    broken = envelope.model_copy(update={"data": {**envelope.data, "lines": "two mugs"}})
    with pytest.raises(ValidationError):
        parse_event(broken)


def test_money_is_whole_minor_units() -> None:
    with pytest.raises(ValidationError):
        Money(amount=19.99, currency="EUR")  # type: ignore[arg-type]
