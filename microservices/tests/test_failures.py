"""Processes killed at the worst moment, a poison message, a hung dependency: nothing is
lost, nothing is done twice, and what still can work keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from typing import Any

from redis import Redis

from backend_shared.events import Envelope
from shop_platform.checkpoints import REACHED, arm_key
from shop_platform.processes import DEADLINE, Shop, wait_until

from .shopper import Shopper, available, new_product, sign_up


def freeze_at(redis: Redis, service: str, checkpoint: str) -> None:
    redis.delete(REACHED)
    redis.set(arm_key(service, checkpoint), "1")


def wait_frozen(redis: Redis, service: str, checkpoint: str) -> None:
    reached = redis.blpop([REACHED], timeout=DEADLINE)
    assert reached is not None, f"{service} never reached {checkpoint}"
    assert reached[1] == f"{service}:{checkpoint}"


def published(redis: Redis, event_type: str, order_id: str) -> list[dict[str, Any]]:
    envelopes = [
        json.loads(fields["envelope"]) for _, fields in redis.xrange(f"events:{event_type}")
    ]
    return [e for e in envelopes if e["data"].get("order_id") == order_id]


def confirmation_mails(shop: Shop, customer: Shopper, order_id: str) -> int:
    return sum(
        1
        for mail in shop.mailbox.to(customer.email)
        if mail["Subject"] == f"Order {order_id} is confirmed"
    )


def test_catalog_killed_mid_reservation_reserves_once_after_restart(
    shop: Shop, admin: Shopper, redis: Redis
) -> None:
    mug, plate = new_product(admin, stock=5), new_product(admin, stock=5)
    customer = sign_up(shop, "crash")
    customer.add_to_cart(mug["sku"], 2)
    customer.add_to_cart(plate["sku"], 1)
    freeze_at(redis, "catalog", "reservation.after_first_line")

    order = customer.checkout().json()
    wait_frozen(
        redis, "catalog", "reservation.after_first_line"
    )  # the mug is held, the plate not yet
    shop.services["catalog"].kill()
    shop.services["catalog"].start()

    confirmed = customer.wait_for_status(order["id"], "confirmed")
    assert [entry["status"] for entry in confirmed["history"]] == ["pending", "confirmed"]
    assert (available(shop, mug["id"]), available(shop, plate["id"])) == (3, 4)
    assert len(published(redis, "stock.reserved", order["id"])) == 1
    shop.mailbox.wait_for(customer.email, 2)
    assert confirmation_mails(shop, customer, order["id"]) == 1


def test_orders_relay_killed_between_publishing_and_marking_sent_duplicates_nothing(
    shop: Shop, admin: Shopper, redis: Redis
) -> None:
    mug = new_product(admin, stock=5)
    customer = sign_up(shop, "relay")
    shop.mailbox.wait_for(customer.email)
    customer.add_to_cart(mug["sku"], 1)
    freeze_at(redis, "orders", "relay.after_publish")
    key = uuid.uuid4().hex

    # The answer may or may not leave orders before it freezes; the client cannot know,
    # so it retries with the same key, as a client should.
    with_answer = checkout_that_may_not_answer(customer, key)
    wait_frozen(redis, "orders", "relay.after_publish")
    shop.services["orders"].kill()
    shop.services["orders"].start()
    retried = customer.checkout(key)
    assert retried.status_code == 201, retried.text
    order_id = retried.json()["id"]
    if with_answer is not None:
        assert with_answer == order_id

    customer.wait_for_status(order_id, "confirmed")
    copies = wait_until(
        lambda: len(published(redis, "order.placed", order_id)) == 2,
        what="the relay to publish order.placed again after its restart",
    )
    assert copies
    assert {e["id"] for e in published(redis, "order.placed", order_id)} == {
        published(redis, "order.placed", order_id)[0]["id"]
    }
    assert available(shop, mug["id"]) == 4
    assert len(published(redis, "stock.reserved", order_id)) == 1
    shop.mailbox.wait_for(customer.email, 2)
    assert confirmation_mails(shop, customer, order_id) == 1


def checkout_that_may_not_answer(customer: Shopper, key: str) -> str | None:
    """Check out with a short timeout: the process may freeze before it answers."""
    try:
        response = customer.call("POST", "/orders", headers={"Idempotency-Key": key}, timeout=3)
    except Exception:  # the gateway waited past 3 s for a frozen orders
        return None
    if response.status_code != 201:
        return None
    order_id: str = response.json()["id"]
    return order_id


def test_a_poison_event_is_dead_lettered_and_later_events_still_flow(
    shop: Shop, admin: Shopper, redis: Redis
) -> None:
    poison = Envelope.new(
        type="order.placed", version=99, producer="orders", data={"order_id": "nonsense"}
    )
    redis.xadd("events:order.placed", {"envelope": poison.model_dump_json()})
    mug = new_product(admin, stock=1)
    customer = sign_up(shop, "after-poison")
    customer.add_to_cart(mug["sku"])
    order = customer.checkout().json()

    assert customer.wait_for_status(order["id"], "confirmed")

    def dead_letter() -> dict[str, Any] | None:
        for _, fields in redis.xrange("dead-letters:catalog"):
            if json.loads(fields["fields"])["envelope"] == poison.model_dump_json():
                return fields
        return None

    dead = wait_until(dead_letter, what="the poison event to be dead-lettered")
    assert dead["deliveries"] == "3"
    assert dead["error"] == "UnknownEvent: no schema for order.placed version 99"
    assert redis.xpending("events:order.placed", "catalog")["pending"] == 0

    listed = subprocess.run(
        [sys.executable, "-m", "shop_platform.deadletters", "list", "--group", "catalog"],
        capture_output=True,
        text=True,
        check=True,
        env={"REDIS_URL": shop.redis_url, "PATH": ""},
    )
    assert poison.id in listed.stdout


def test_with_catalog_hung_checkout_fails_fast_reads_work_and_the_breaker_recloses(
    shop: Shop, admin: Shopper
) -> None:
    mug = new_product(admin, stock=10)
    customer = sign_up(shop, "outage")
    customer.add_to_cart(mug["sku"])
    earlier = customer.checkout().json()
    customer.wait_for_status(earlier["id"], "confirmed")
    customer.add_to_cart(mug["sku"])
    catalog = shop.services["catalog"]

    catalog.pause()  # hung, not dead: connections open, nothing answers
    try:

        def fast_refusal() -> dict[str, Any] | None:
            started = time.monotonic()
            response = customer.checkout()
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            return {"took": took, **response.json()} if took < 1.0 else None

        refused = wait_until(fast_refusal, what="the breaker to open", deadline=60)
        assert refused["detail"] == "catalog is unavailable (circuit open); retry shortly"
        started = time.monotonic()
        assert customer.call("GET", f"/orders/{earlier['id']}").status_code == 200
        assert time.monotonic() - started < 1.0
    finally:
        catalog.resume()

    def checkout_works() -> bool:
        return customer.checkout().status_code == 201

    assert wait_until(checkout_works, what="the breaker to close once catalog is back")
