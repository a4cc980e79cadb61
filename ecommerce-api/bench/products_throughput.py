"""GET /products throughput: ecommerce-api against bare FastAPI serving the same JSON.

    uv run --frozen python ecommerce-api/bench/products_throughput.py --rounds 3 --seconds 5

Seeds ecommerce-api with `--products` products (each with two variants and stock), reads
the first page of GET /products, then starts bare FastAPI returning exactly that JSON from
memory (bare_products.py). Both run as one uvicorn worker in their own process; the same
load generator (http_load.py, `--connections` keep-alive connections) hits each for
`--seconds`, alternating, `--rounds` times, and the medians are compared."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

import httpx
from http_load import LoadResult, load
from servers import admin_headers, shop_server, uvicorn_server
from stats import median, percentile

QUERY = "/products?limit=20"


def seed(url: str, products: int) -> bytes:
    admin = admin_headers(url)
    with httpx.Client(base_url=url, headers=admin) as client:
        for index in range(products):
            response = client.post(
                "/products",
                json={
                    "name": f"Product {index:03d}",
                    "description": "Something worth buying, described in a sentence or two.",
                    "category": ["kitchen", "outdoor", "garden"][index % 3],
                    "variants": [
                        {
                            "sku": f"SKU-{index:03d}-{size}",
                            "title": f"Size {size}",
                            "price": {"amount": 1000 + index * 10 + offset, "currency": "EUR"},
                            "stock": 100,
                        }
                        for offset, size in enumerate(["S", "L"])
                    ],
                },
            )
            response.raise_for_status()
        page = client.get(QUERY)
        page.raise_for_status()
        return page.content


def report(name: str, results: list[LoadResult]) -> float:
    rate = median([result.rate for result in results])
    latencies = [latency for result in results for latency in result.latencies]
    errors = sum(result.errors for result in results)
    print(
        f"  {name:<14} {rate:8.0f} req/s  p50 {percentile(latencies, 0.5) * 1000:5.1f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:5.1f} ms  errors {errors}  "
        f"({', '.join(f'{result.rate:.0f}' for result in results)})"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", type=float, default=0.70)
    args = parser.parse_args()

    shop: list[LoadResult] = []
    bare: list[LoadResult] = []
    with shop_server() as shop_url, tempfile.TemporaryDirectory() as scratch:
        body = seed(shop_url, args.products)
        page_file = Path(scratch) / "products.json"
        page_file.write_bytes(body)
        bare_env = {"BENCH_PRODUCTS_JSON": str(page_file)}
        with uvicorn_server("bare_products:app", factory=False, env=bare_env) as bare_url:
            same = httpx.get(bare_url + QUERY).json() == json.loads(body)
            print(
                f"GET {QUERY}: {len(body)} bytes, {args.connections} connections, "
                f"{args.seconds:g} s x {args.rounds} rounds, same JSON: {same}"
            )
            for _ in range(args.rounds):
                shop.append(
                    asyncio.run(
                        load(shop_url + QUERY, connections=args.connections, seconds=args.seconds)
                    )
                )
                bare.append(asyncio.run(load(bare_url + QUERY, connections=args.connections,
                                             seconds=args.seconds)))  # fmt: skip
    shop_rate = report("ecommerce-api", shop)
    bare_rate = report("bare FastAPI", bare)
    ratio = shop_rate / bare_rate
    print(f"  ratio          {ratio:.0%} of bare (target {args.target:.0%})")
    sys.exit(0 if same and ratio >= args.target else 1)


if __name__ == "__main__":
    main()
