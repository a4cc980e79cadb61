"""Checkout contention: N customers buy one unit of one hot SKU at the same moment.

    uv run --frozen python ecommerce-api/bench/checkout_contention.py --customers 200 --stock 50

Starts ecommerce-api (`shop.py`: its own process, one uvicorn worker), signs up N customers with one
unit each in the cart, then releases every checkout together (an asyncio barrier) and
reports checkouts/s, latency percentiles and the answers. Then it checks the invariant the
shop promises: exactly `min(N, stock)` orders, the rest 409, stock never oversold
(on_hand - reserved >= 0 and reserved == units ordered). Exits 1 if it does not hold."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
import uuid
from collections import Counter

import httpx
from shop import admin_headers, shop_server

from backend_shared.testing.loadtest import Server

ADDRESS = {
    "name": "Bench Customer",
    "line1": "1 Load Street",
    "city": "Testville",
    "postal_code": "00000",
    "country": "GB",
}


async def make_customer(client: httpx.AsyncClient, sku: str) -> dict[str, str]:
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    password = "bench-password-123"  # noqa: S105 - throwaway accounts on a throwaway server
    await client.post("/auth/signup", json={"email": email, "password": password})
    login = await client.post("/auth/login", json={"email": email, "password": password})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    put = await client.put(f"/cart/items/{sku}", headers=headers, json={"quantity": 1})
    put.raise_for_status()
    return headers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


async def run(server: Server, customers: int, stock: int) -> bool:
    url = server.url
    admin = admin_headers(server)
    sku = f"HOT-{uuid.uuid4().hex[:6].upper()}"
    limits = httpx.Limits(max_connections=customers, max_keepalive_connections=customers)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        created = await client.post(
            "/products",
            headers=admin,
            json={
                "name": "Hot item",
                "category": "bench",
                "variants": [
                    {
                        "sku": sku,
                        "title": "Last ones",
                        "price": {"amount": 999, "currency": "EUR"},
                        "stock": stock,
                    }
                ],
            },
        )
        created.raise_for_status()
        semaphore = asyncio.Semaphore(8)  # sign-ups hash passwords: not what is measured

        async def limited() -> dict[str, str]:
            async with semaphore:
                return await make_customer(client, sku)

        people = await asyncio.gather(*(limited() for _ in range(customers)))
        # Warm the connection pool so the race measures checkouts, not TCP handshakes.
        await asyncio.gather(*(client.get("/health") for _ in range(customers)))

        barrier = asyncio.Barrier(customers + 1)
        latencies: list[float] = []

        async def checkout(headers: dict[str, str]) -> int:
            await barrier.wait()
            started = time.perf_counter()
            response = await client.post(
                "/checkout",
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                json={"shipping_address": ADDRESS},
            )
            latencies.append(time.perf_counter() - started)
            return response.status_code

        tasks = [asyncio.create_task(checkout(headers)) for headers in people]
        await barrier.wait()
        started = time.perf_counter()
        statuses = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started

        inventory = await client.get("/admin/inventory", headers=admin, params={"limit": 100})
        [item] = [row for row in inventory.json()["items"] if row["sku"] == sku]
        orders = await client.get("/admin/orders", headers=admin, params={"limit": 1})
    answers = Counter(statuses)
    expected = min(customers, stock)
    print(f"customers {customers}, stock {stock}: {elapsed:.2f} s for every checkout")
    answered, ordered = customers / elapsed, answers[201] / elapsed
    print(f"  checkouts/s  {answered:.0f} (answered), {ordered:.0f} (orders)")
    print(
        f"  latency      p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(f"  answers      {dict(sorted(answers.items()))}")
    print(
        f"  stock        on_hand {item['on_hand']}, reserved {item['reserved']}, "
        f"available {item['available']}; orders {orders.json()['total']}"
    )
    holds = (
        answers[201] == expected
        and answers[409] == customers - expected
        and orders.json()["total"] == expected
        and item["reserved"] == expected
        and item["on_hand"] - item["reserved"] >= 0
    )
    print(f"  invariant    {'holds' if holds else 'BROKEN'}")
    return holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=50)
    args = parser.parse_args()
    with shop_server() as server:
        ok = asyncio.run(run(server, args.customers, args.stock))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
