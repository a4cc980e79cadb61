"""A short-lived, in-process cache of the public catalogue's pages, stored serialised.

GET /products is the hottest read in a shop and the same few pages are asked for again and
again; building one costs three queries and a few hundred objects. A page is kept for
`ttl` seconds (1 by default) and dropped at once when this instance writes anything the
catalogue shows (flows.py: products, images, stock). Other instances' writes show within
`ttl`. Nothing trusts a cached page: checkout reserves against the database.

Concurrent misses for the same page share one computation (single flight), so a burst
after an invalidation runs the queries once, not once per request."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable


class CatalogueCache:
    def __init__(self, *, ttl: float, max_entries: int = 512) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._generation = 0
        self._pages: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._in_flight: dict[tuple[int, Hashable], asyncio.Future[bytes]] = {}

    def invalidate(self) -> None:
        """Something the catalogue shows changed: forget every page, and let no page
        computed before this moment be stored."""
        self._generation += 1
        self._pages.clear()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        if self.ttl <= 0:
            return await compute()
        cached = self._pages.get(key)
        if cached is not None and cached[0] > time.monotonic():
            self._pages.move_to_end(key)
            return cached[1]
        flight = (self._generation, key)
        pending = self._in_flight.get(flight)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._in_flight[flight] = future
        try:
            page = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            del self._in_flight[flight]
        future.set_result(page)
        if flight[0] == self._generation:  # no write happened while it was computed
            self._pages[key] = (time.monotonic() + self.ttl, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)
        return page
