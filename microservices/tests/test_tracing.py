"""One trace id follows a checkout: gateway, orders, the stream, catalog, back to orders,
and on to notifier, as exported by each process to an OTLP collector."""

from __future__ import annotations

import secrets

from shop_platform.processes import Shop, wait_until

from .shopper import Shopper, new_product, sign_up


def test_one_trace_id_spans_the_whole_checkout(shop: Shop, admin: Shopper) -> None:
    mug = new_product(admin, stock=2)
    customer = sign_up(shop, "traced")
    customer.add_to_cart(mug["sku"])
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"

    response = customer.call(
        "POST", "/orders", headers={"Idempotency-Key": trace_id, "traceparent": traceparent}
    )
    assert response.status_code == 201, response.text
    customer.wait_for_status(response.json()["id"], "confirmed")

    handled = {"handle order.placed", "handle stock.reserved", "handle order.confirmed"}

    def exported() -> tuple[set[str], set[str]] | None:
        # Each process exports in its own batches: wait for the last of them.
        services = shop.traces.services_in(trace_id)
        names = {span.name for span in shop.traces.spans if span.trace_id == trace_id}
        complete = services >= {"gateway", "orders", "catalog", "notifier"} and handled <= names
        return (services, names) if complete else None

    services, names = wait_until(exported, what="spans of every step under the checkout's trace")
    assert services == {"gateway", "orders", "catalog", "notifier"}
    assert handled <= names
