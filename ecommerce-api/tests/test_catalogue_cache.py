"""The catalogue cache: a page is built once for a crowd, and never outlives a write made
on this instance."""

from __future__ import annotations

import asyncio

import httpx

from backend_shared.testing.concurrency import release_together
from ecommerce_api.services.catalogue_cache import CatalogueCache

from .utils import User, create_product, new_sku, place_order


async def test_a_crowd_asking_for_the_same_page_builds_it_once() -> None:
    cache = CatalogueCache(ttl=60)
    built = 0
    building, release = asyncio.Event(), asyncio.Event()

    async def build() -> bytes:
        nonlocal built
        built += 1
        building.set()
        await release.wait()
        return b"page"

    async def ask() -> bytes:
        return await cache.get("key", build)

    crowd = asyncio.create_task(release_together([ask] * 20))
    # Released together, all twenty reach the cache before this test wakes up again; the
    # first is building the page, the others wait for it.
    await building.wait()
    release.set()
    assert await crowd == [b"page"] * 20
    assert built == 1


async def test_a_page_built_while_a_write_happened_is_not_kept() -> None:
    cache = CatalogueCache(ttl=60)
    versions = iter([b"before the write", b"after the write"])
    writing = asyncio.Event()

    async def build_during_write() -> bytes:
        writing.set()
        cache.invalidate()  # a write lands while the old page is being built
        return next(versions)

    async def build() -> bytes:
        return next(versions)

    assert await cache.get("key", build_during_write) == b"before the write"
    assert await cache.get("key", build) == b"after the write"


async def test_the_listing_shows_an_admins_change_at_once(
    client: httpx.AsyncClient, admin: User
) -> None:
    product = await create_product(client, admin, name="Old name")
    assert (await client.get("/products")).json()["items"][0]["name"] == "Old name"
    await client.patch(f"/products/{product['id']}", headers=admin.headers, json={"name": "New"})
    assert (await client.get("/products")).json()["items"][0]["name"] == "New"


async def test_the_listing_shows_stock_a_checkout_reserved_at_once(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku, stock=5)
    assert (await client.get("/products")).json()["items"][0]["variants"][0]["available"] == 5
    await place_order(client, alice, sku, 2)
    assert (await client.get("/products")).json()["items"][0]["variants"][0]["available"] == 3


async def test_equivalent_query_strings_share_a_page_and_bad_ones_are_422(
    client: httpx.AsyncClient, admin: User
) -> None:
    await create_product(client, admin)
    first = await client.get("/products?limit=5&sort=name")
    second = await client.get("/products?sort=name&limit=5&unknown=1")
    assert first.json() == second.json()
    bad = await client.get("/products?limit=5&limit=500")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "limit"]
