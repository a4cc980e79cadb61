"""GET /products: ecommerce-api against bare FastAPI serving the same JSON, same run.

    uv run --frozen python ecommerce-api/bench/products.py               # about 2 minutes
    uv run --frozen python ecommerce-api/bench/products.py --rounds 2 --seconds 5

ecommerce-api (`shop.py`: the real app, one uvicorn process, embedded engine) is seeded
with `--products` products of two variants each through `POST /products`; its first page
(`GET /products?limit=20`) is saved and served by bare FastAPI (`bare_products.py`) from
memory. `wrk` (2 threads, 32 connections, Debian's package) runs against each in turn,
`--rounds` times, alternating, and the table shows medians: requests/s, latency, and the
server's CPU per request (from /proc). The target: ecommerce-api at 70% of bare or more.

ecommerce-api's page is served from its catalogue cache (CATALOGUE_CACHE_SECONDS, 1 s)
between rebuilds; `--no-cache` measures it rebuilding every page from the database."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from shop import admin_headers, shop_server

from backend_shared.testing.loadtest import (
    Measurement,
    Server,
    free_port,
    http_json,
    median_of,
    require_wrk,
)

BENCH = Path(__file__).resolve().parent
QUERY = "/products?limit=20"


def seed(server: Server, products: int) -> dict[str, object]:
    admin = admin_headers(server)
    for index in range(products):
        status, body = http_json(
            "POST",
            server.url + "/products",
            {
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
            headers=admin,
        )
        assert status == 201, body
    status, page = http_json("GET", server.url + QUERY)
    assert status == 200, page
    return dict(page)


def row(name: str, runs: list[Measurement]) -> tuple[str, float]:
    rps = median_of([run.wrk.rps for run in runs])
    p50 = median_of([run.wrk.p50_ms for run in runs])
    p99 = median_of([run.wrk.p99_ms for run in runs])
    cpu = median_of([run.cpu_ms_per_request for run in runs])
    return f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {cpu:.3f} |", rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--target", type=float, default=0.70)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    require_wrk()

    settings = {"CATALOGUE_CACHE_SECONDS": "0"} if args.no_cache else {}
    shop_runs: list[Measurement] = []
    bare_runs: list[Measurement] = []
    with shop_server(**settings) as shop, tempfile.TemporaryDirectory() as scratch:
        page = seed(shop, args.products)
        page_file = Path(scratch) / "page.json"
        page_file.write_text(json.dumps(page))
        port = free_port()
        command = [sys.executable, str(BENCH / "bare_products.py"), "--port", str(port),
                   "--page", str(page_file)]  # fmt: skip
        with Server("bare FastAPI", command, port) as bare:
            same = http_json("GET", bare.url + QUERY)[1] == page
            for round_number in range(args.rounds):
                pair = [(shop, shop_runs), (bare, bare_runs)]
                for server, runs in pair if round_number % 2 == 0 else pair[::-1]:
                    runs.append(Measurement.take(server, QUERY, seconds=args.seconds))

    size = len(json.dumps(page))
    print(f"GET {QUERY} ({size} bytes of JSON, {args.products} products), same JSON: {same}")
    print(f"medians of {args.rounds} rounds x {args.seconds:g} s, alternating")
    print()
    print("| server | requests/s | p50 ms | p99 ms | server CPU ms/request |")
    print("| --- | ---: | ---: | ---: | ---: |")
    shop_line, shop_rps = row("ecommerce-api" + (" (no cache)" if args.no_cache else ""), shop_runs)
    bare_line, bare_rps = row("bare FastAPI", bare_runs)
    print(shop_line)
    print(bare_line)
    ratio = shop_rps / bare_rps
    print()
    print(f"ecommerce-api: {ratio:.0%} of bare FastAPI (target {args.target:.0%})")
    sys.exit(0 if same and ratio >= args.target else 1)


if __name__ == "__main__":
    main()
