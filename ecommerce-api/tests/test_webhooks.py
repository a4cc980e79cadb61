"""The payment webhook: Stripe's signature scheme, each event once, and late, duplicated,
out-of-order or mismatched events that never pay an order wrongly."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import pytest
import stripe

from backend_shared.testing.concurrency import release_together
from ecommerce_api.config import Settings
from ecommerce_api.services.signatures import SignatureError, sign, verify

from .utils import User, create_product, inventory_of, new_sku, place_order


def stripe_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The scheme written out independently of the app's code."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event_for(
    order: dict[str, Any],
    event_type: str = "payment_intent.succeeded",
    *,
    amount: int | None = None,
    currency: str = "eur",
    created: int | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "created": int(time.time()) if created is None else created,
        "data": {
            "object": {
                "id": order["payment"]["intent_id"],
                "amount": order["total"]["amount"] if amount is None else amount,
                "currency": currency,
                "metadata": {"order_id": order["id"]},
            }
        },
    }


async def send(
    client: httpx.AsyncClient,
    settings: Settings,
    event: dict[str, Any],
    *,
    timestamp: int | None = None,
    secret: str | None = None,
) -> httpx.Response:
    payload = json.dumps(event).encode()
    secret = secret or settings.payment_webhook_secret.get_secret_value()
    return await client.post(
        "/payments/webhook",
        content=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_header(payload, secret, timestamp),
        },
    )


async def order_of(client: httpx.AsyncClient, user: User, order: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/orders/{order['id']}", headers=user.headers)
    result: dict[str, Any] = response.json()
    return result


def test_our_signatures_and_stripes_library_agree() -> None:
    secret, payload = "whsec_test", b'{"id": "evt_1"}'
    header = sign(payload, secret=secret)
    assert stripe.WebhookSignature.verify_header(payload.decode(), header, secret, tolerance=300)
    verify(payload, stripe_header(payload, secret), secret=secret, tolerance=300)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload.decode(), header, "whsec_other", 300)
    with pytest.raises(SignatureError):
        verify(payload, header, secret="whsec_other", tolerance=300)


@pytest.fixture
async def order(client: httpx.AsyncClient, admin: User, alice: User) -> dict[str, Any]:
    sku = new_sku("PAY")
    await create_product(client, admin, sku=sku, stock=5, price=2500)
    return await place_order(client, alice, sku, 2)


async def test_a_signed_success_pays_the_order(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    response = await send(client, settings, event_for(order))
    assert response.status_code == 200
    assert response.json()["outcome"] == "paid"
    assert response.json()["order_id"] == order["id"]
    assert (await order_of(client, alice, order))["status"] == "paid"


async def test_forged_tampered_or_stale_webhooks_are_400_and_change_nothing(
    client: httpx.AsyncClient,
    settings: Settings,
    admin: User,
    alice: User,
    order: dict[str, Any],
) -> None:
    event = event_for(order)
    payload = json.dumps(event).encode()
    secret = settings.payment_webhook_secret.get_secret_value()
    now = int(time.time())
    tampered = json.dumps({**event, "type": "payment_intent.succeeded", "x": 1}).encode()
    cases: list[dict[str, Any]] = [
        {},  # no signature at all
        {"Stripe-Signature": "nonsense"},
        {"Stripe-Signature": f"t={now},v1=" + "0" * 64},
        {"Stripe-Signature": stripe_header(payload, "whsec_attacker")},
        {"Stripe-Signature": stripe_header(payload, secret, now - 360)},  # replayed later
        {"Stripe-Signature": stripe_header(payload, secret, now + 360)},
        {"Stripe-Signature": stripe_header(tampered, secret)},  # signs another body
        {"Stripe-Signature": f"t={now},v1=é".encode("latin-1")},
    ]
    for headers in cases:
        response = await client.post("/payments/webhook", content=payload, headers=headers)
        assert response.status_code == 400, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await order_of(client, alice, order))["status"] == "pending_payment"
    # The event itself was never processed: once properly signed, it still pays.
    assert (await send(client, settings, event)).json()["outcome"] == "paid"


async def test_a_signed_body_that_is_not_an_event_is_400(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    secret = settings.payment_webhook_secret.get_secret_value()
    for payload in [b"not json", b"[]", b'{"id": "evt_1"}', b'{"id": 1, "type": 2}']:
        response = await client.post(
            "/payments/webhook",
            content=payload,
            headers={"Stripe-Signature": stripe_header(payload, secret)},
        )
        assert response.status_code == 400, payload


async def test_a_duplicate_event_is_processed_once(
    client: httpx.AsyncClient,
    settings: Settings,
    admin: User,
    alice: User,
    order: dict[str, Any],
) -> None:
    event = event_for(order)

    async def deliver() -> str:
        return str((await send(client, settings, event)).json()["outcome"])

    outcomes = await release_together([deliver] * 10)
    assert sorted(outcomes) == ["duplicate"] * 9 + ["paid"]
    sku = order["lines"][0]["sku"]
    item = await inventory_of(client, admin, sku)
    assert (item["on_hand"], item["reserved"]) == (3, 0)  # sold once


async def test_a_wrong_amount_or_currency_never_pays(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    total = order["total"]["amount"]
    for event in [
        event_for(order, amount=total - 1),
        event_for(order, amount=1),
        event_for(order, currency="usd"),
    ]:
        response = await send(client, settings, event)
        assert response.status_code == 200
        assert response.json()["outcome"] == "amount_mismatch"
    current = await order_of(client, alice, order)
    assert (current["status"], current["payment"]["status"]) == (
        "pending_payment",
        "requires_payment",
    )


async def test_an_older_failure_arriving_late_never_unpays(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    now = int(time.time())
    assert (await send(client, settings, event_for(order, created=now))).json()["outcome"] == "paid"
    older = event_for(order, "payment_intent.payment_failed", created=now - 30)
    assert (await send(client, settings, older)).json()["outcome"] == "stale"
    newer = event_for(order, "payment_intent.payment_failed", created=now + 1)
    assert (await send(client, settings, newer)).json()["outcome"] == "no_change"
    current = await order_of(client, alice, order)
    assert (current["status"], current["payment"]["status"]) == ("paid", "succeeded")


async def test_a_failure_then_a_newer_success_pays(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    now = int(time.time())
    failed = event_for(order, "payment_intent.payment_failed", created=now - 10)
    assert (await send(client, settings, failed)).json()["outcome"] == "payment_failed"
    current = await order_of(client, alice, order)
    assert (current["status"], current["payment"]["status"]) == ("pending_payment", "failed")
    assert (await send(client, settings, event_for(order, created=now))).json()["outcome"] == "paid"


async def test_a_success_for_a_cancelled_order_is_refunded_not_sold(
    client: httpx.AsyncClient,
    settings: Settings,
    admin: User,
    alice: User,
    order: dict[str, Any],
) -> None:
    await client.post(f"/orders/{order['id']}/cancel", headers=alice.headers)
    response = await send(client, settings, event_for(order))
    assert response.json()["outcome"] == "late_payment_refunded"
    current = await order_of(client, alice, order)
    assert (current["status"], current["payment"]["status"]) == ("cancelled", "refunded")
    item = await inventory_of(client, admin, order["lines"][0]["sku"])
    assert (item["on_hand"], item["reserved"]) == (5, 0)
    # Another success event for it (a provider retry with a new id) refunds nothing more.
    again = await send(client, settings, event_for(order))
    assert again.json()["outcome"] in {"no_change", "stale"}


async def test_a_refund_made_at_the_provider_refunds_the_order(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    now = int(time.time())
    await send(client, settings, event_for(order, created=now))
    refund = event_for(order, "charge.refunded", created=now + 1)
    assert (await send(client, settings, refund)).json()["outcome"] == "refunded"
    current = await order_of(client, alice, order)
    assert (current["status"], current["payment"]["status"]) == ("refunded", "refunded")


async def test_events_for_unknown_payments_or_types_are_acknowledged_and_ignored(
    client: httpx.AsyncClient, settings: Settings, alice: User, order: dict[str, Any]
) -> None:
    unknown = event_for({**order, "payment": {"intent_id": "pi_unknown"}})
    assert (await send(client, settings, unknown)).json()["outcome"] == "unknown_payment"
    other_type = event_for(order, "customer.created")
    assert (await send(client, settings, other_type)).json()["outcome"] == "ignored"
    wrong_order = event_for(order)
    wrong_order["data"]["object"]["metadata"]["order_id"] = "665f1c2ab1e4c2a1d3f0e9b7"
    assert (await send(client, settings, wrong_order)).json()["outcome"] == "unknown_payment"
    assert (await order_of(client, alice, order))["status"] == "pending_payment"


async def test_the_dev_endpoints_pay_and_decline(
    client: httpx.AsyncClient, alice: User, order: dict[str, Any]
) -> None:
    intent = order["payment"]["intent_id"]
    declined = await client.post(f"/dev/payments/{intent}/fail")
    assert declined.json()["outcome"] == "payment_failed"
    paid = await client.post(f"/dev/payments/{intent}/succeed")
    assert paid.json()["outcome"] == "paid"
    assert (await client.post("/dev/payments/pi_nope/succeed")).status_code == 404


def test_the_dev_endpoints_do_not_exist_in_production() -> None:
    from ecommerce_api.main import create_app

    settings = Settings(
        app_env="production",
        jwt_secret="x" * 48,
        mongodb_url="mongodb://localhost:27017",
        redis_url="redis://localhost:6379/0",
        payment_webhook_secret="whsec_" + "y" * 32,
        _env_file=None,
    )  # type: ignore[call-arg]
    paths = create_app(settings).openapi()["paths"]
    assert "/payments/webhook" in paths
    assert not [path for path in paths if path.startswith("/dev/")]
