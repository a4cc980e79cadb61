"""One way to read a page and one way to answer with it, for every list in the shop.

candidate for shared: every project repeats "find, sort, skip, limit, count" and
"Page(items=..., total=..., limit=..., offset=...)"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from backend_shared.db import Collection
from backend_shared.pagination import Page, PageParams

T = TypeVar("T")
U = TypeVar("U")


async def find_page(
    collection: Collection,
    query: dict[str, Any],
    *,
    sort: list[tuple[str, int]],
    page: PageParams,
    projection: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `query` in `sort` order (end it with a unique field so pages never
    overlap), and how many documents match in all."""
    cursor = collection.find(query, projection).sort(sort).skip(page.offset).limit(page.limit)
    docs = await cursor.to_list(page.limit)
    return docs, await collection.count_documents(query)


def page_of(
    items: Sequence[T], total: int, page: PageParams, to_public: Callable[[T], U]
) -> Page[U]:
    return Page(
        items=[to_public(item) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
