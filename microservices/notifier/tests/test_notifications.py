"""What notifier sends, for which event, to whom; and what it does when it cannot."""

from __future__ import annotations

from typing import Any

import httpx
from bson import ObjectId

from backend_shared.streams import list_dead_letters, publish
from shop_contracts.events import (
    Money,
    OrderConfirmedV1,
    OrderLine,
    UserRegisteredV1,
    new_event,
)
from shop_platform.devservers import free_port
from shop_platform.runtime import ShopRuntime
from shop_platform.testing import IdentityKeys, Mailbox


def registered(email: str) -> UserRegisteredV1:
    return UserRegisteredV1(user_id=str(ObjectId()), email=email, display_name="Ada")


def confirmed(user_id: str) -> OrderConfirmedV1:
    line = OrderLine(
        sku="MUG",
        product_id=str(ObjectId()),
        name="Blue mug",
        quantity=2,
        unit_price=Money(amount=1250, currency="EUR"),
    )
    return OrderConfirmedV1(
        order_id=str(ObjectId()),
        user_id=user_id,
        lines=[line],
        total=Money(amount=2500, currency="EUR"),
    )


async def deliver(runtime: ShopRuntime, *events: Any) -> None:
    """Publish the events and let notifier's consumer take one pass: deliver again what
    failed before (the claim idle time is 0 here), then read what is new."""
    for event in events:
        await publish(runtime.redis, new_event(event, producer="test"))
    assert runtime.consumer is not None
    await runtime.consumer.poll(block_ms=10)


async def test_a_new_user_gets_a_welcome_mail_and_sees_it(
    client: httpx.AsyncClient, runtime: ShopRuntime, mailbox: Mailbox, keys: IdentityKeys
) -> None:
    user = registered("ada@example.com")
    await deliver(runtime, user)

    [mail] = mailbox.wait_for("ada@example.com")
    assert mail["Subject"] == "Welcome to the shop"
    assert "Hello Ada," in mail.get_payload()
    listed = (await client.get("/notifications", headers=keys.headers(user.user_id))).json()
    assert [(n["kind"], n["status"]) for n in listed["items"]] == [("welcome", "sent")]
    assert (await client.get("/notifications", headers=keys.headers())).json()["items"] == []
    assert (await client.get("/notifications")).status_code == 401


async def test_an_order_confirmation_goes_to_the_address_from_registration(
    runtime: ShopRuntime, mailbox: Mailbox
) -> None:
    user = registered("bob@example.com")
    order = confirmed(user.user_id)
    await deliver(runtime, user, order)

    mails = mailbox.wait_for("bob@example.com", 2)
    assert mails[1]["Subject"] == f"Order {order.order_id} is confirmed"
    assert "2 x Blue mug (MUG)" in mails[1].get_payload()
    assert "Total: 25.00 EUR" in mails[1].get_payload()


async def test_a_redelivered_event_sends_no_second_mail(
    runtime: ShopRuntime, mailbox: Mailbox
) -> None:
    user = registered("cy@example.com")
    envelope = new_event(user, producer="identity")
    for _ in range(2):  # a relay that published twice
        await publish(runtime.redis, envelope)
    await deliver(runtime)
    await deliver(runtime)

    assert len(mailbox.wait_for("cy@example.com")) == 1


async def test_an_order_event_before_its_user_is_known_waits_for_a_later_delivery(
    runtime: ShopRuntime, mailbox: Mailbox
) -> None:
    user = registered("dee@example.com")
    order = confirmed(user.user_id)
    await deliver(runtime, order)  # no address yet: left pending
    assert mailbox.to("dee@example.com") == []

    await deliver(runtime, user)  # the order fails again, then the registration
    await deliver(runtime)  # the order's third delivery

    subjects = [m["Subject"] for m in mailbox.wait_for("dee@example.com", 2)]
    assert subjects == ["Welcome to the shop", f"Order {order.order_id} is confirmed"]


async def test_mail_that_keeps_failing_is_dead_lettered_and_later_mail_flows(
    app: Any, runtime: ShopRuntime, mailbox: Mailbox
) -> None:
    mailer = app.state.mailer
    mailer.port = free_port()  # nobody listens there: every try fails
    await deliver(runtime, registered("eve@example.com"))
    await deliver(runtime)
    await deliver(runtime)  # the third and last delivery

    [dead] = await list_dead_letters(runtime.redis, "notifier")
    assert dead.deliveries == 3
    assert dead.error.startswith("SMTPConnectError")

    mailer.port = mailbox.port
    await deliver(runtime, registered("fay@example.com"))
    assert len(mailbox.wait_for("fay@example.com")) == 1
    assert mailbox.to("eve@example.com") == []
