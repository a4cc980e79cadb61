"""The shop's two numbers, on this machine (see microservices/README.md for results):

1. The gateway's own cost: `GET /products` through the gateway vs straight to catalog,
   one keep-alive client, sequential requests, the two targets taking turns in rounds;
   p50 and p99 of each and the difference. Target: under 2 ms added at p50.
2. Checkout end to end: CUSTOMERS customers each place ORDERS orders, all at once; how
   many orders per second reach `confirmed`, and p50/p99 of the time from `POST /orders`
   to the `order.confirmed` event (read from its stream, so nothing polls the API).

    uv run python microservices/bench/run.py [--requests 2000] [--customers 20] [--orders 5]

Tracing is off (exporting spans would be part of what is measured); everything else is as
`make run` has it: the embedded engine, one Valkey, five processes on two cores shared with
the client. Figures are noisy; compare only numbers from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from redis import Redis

from backend_shared.redis import start_embedded_valkey
from backend_shared.testing.factories import bearer
from shop_platform.processes import ADMIN_EMAIL, ADMIN_PASSWORD, Shop

PASSWORD = "correct-horse-battery"  # noqa: S105 - bench accounts on a throwaway shop


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values_ms), 3),
        "p99_ms": round(percentile(values_ms, 0.99), 3),
    }


def login(client: httpx.Client, email: str, password: str) -> str:
    response = client.post("/auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def gateway_overhead(shop: Shop, requests: int) -> dict[str, Any]:
    targets = {"gateway": shop.gateway, "direct": shop.url("catalog")}
    timings: dict[str, list[float]] = {name: [] for name in targets}
    clients = {name: httpx.Client(base_url=url) for name, url in targets.items()}
    rounds = 10
    for client in clients.values():  # warm up: connections, pools, first-request costs
        for _ in range(100):
            client.get("/products").raise_for_status()
    for _ in range(rounds):
        for name, client in clients.items():
            for _ in range(requests // rounds):
                started = time.perf_counter()
                client.get("/products").raise_for_status()
                timings[name].append((time.perf_counter() - started) * 1000)
    for client in clients.values():
        client.close()
    result = {name: summary(values) for name, values in timings.items()}
    result["added_p50_ms"] = round(result["gateway"]["p50_ms"] - result["direct"]["p50_ms"], 3)
    result["added_p99_ms"] = round(result["gateway"]["p99_ms"] - result["direct"]["p99_ms"], 3)
    return result


def prepare(shop: Shop, customers: int, orders: int) -> tuple[str, list[str]]:
    with httpx.Client(base_url=shop.gateway, timeout=60) as client:
        admin = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        sku = f"BENCH-{uuid.uuid4().hex[:8]}"
        client.post(
            "/products",
            headers=bearer(admin),
            json={
                "sku": sku,
                "name": "Bench mug",
                "price": {"amount": 1000, "currency": "EUR"},
                "stock": customers * orders,
            },
        ).raise_for_status()
        tokens = []
        for number in range(customers):
            email = f"bench-{number}-{uuid.uuid4().hex[:6]}@example.com"
            client.post("/auth/signup", json={"email": email, "password": PASSWORD})
            tokens.append(login(client, email, PASSWORD))
    return sku, tokens


async def checkout_run(shop: Shop, customers: int, orders: int) -> dict[str, Any]:
    sku, tokens = prepare(shop, customers, orders)
    redis = Redis.from_url(shop.redis_url, decode_responses=True)
    last = (
        redis.xinfo_stream("events:order.confirmed")["last-generated-id"]
        if redis.exists("events:order.confirmed")
        else "0-0"
    )
    placed_at: dict[str, float] = {}

    async def customer(token: str) -> None:
        async with httpx.AsyncClient(base_url=shop.gateway, timeout=60) as client:
            for _ in range(orders):
                put = await client.put(
                    f"/cart/items/{sku}", json={"quantity": 1}, headers=bearer(token)
                )
                put.raise_for_status()
                started = time.time()
                response = await client.post(
                    "/orders", headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex}
                )
                response.raise_for_status()
                placed_at[response.json()["id"]] = started

    began = time.time()
    await asyncio.gather(*(customer(token) for token in tokens))
    expected = customers * orders
    confirmed_at: dict[str, float] = {}
    deadline = time.monotonic() + 120
    while len(confirmed_at) < expected and time.monotonic() < deadline:
        for _, entries in (
            redis.xread({"events:order.confirmed": last}, block=1000, count=500) or []
        ):
            for message_id, fields in entries:
                last = message_id
                order_id = json.loads(fields["envelope"])["data"]["order_id"]
                if order_id in placed_at:
                    confirmed_at[order_id] = int(message_id.split("-")[0]) / 1000
    finished = max(confirmed_at.values())
    latencies = [(confirmed_at[o] - placed_at[o]) * 1000 for o in confirmed_at]
    redis.close()
    return {
        "orders": expected,
        "confirmed": len(confirmed_at),
        "orders_per_second": round(len(confirmed_at) / (finished - began), 1),
        "post_to_confirmed": summary(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--orders", type=int, default=5)
    parser.add_argument("--skip-checkout", action="store_true")
    args = parser.parse_args()
    valkey = start_embedded_valkey()
    shop = Shop(
        redis_url=str(valkey.connection_url),
        workdir=Path(tempfile.mkdtemp(prefix="shop-bench-")),
        tracing=False,
        checkpoints=False,
    )
    try:
        shop.start()
        results: dict[str, Any] = {"gateway_overhead": gateway_overhead(shop, args.requests)}
        if not args.skip_checkout:
            results["checkout"] = asyncio.run(checkout_run(shop, args.customers, args.orders))
    finally:
        shop.stop()
        valkey.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
