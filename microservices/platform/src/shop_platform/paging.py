"""One way to read a page of a collection, for every list the shop's services serve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from backend_shared.db import Collection
from backend_shared.pagination import Page, PageParams

T = TypeVar("T")


async def find_page(
    collection: Collection,
    query: dict[str, Any],
    *,
    sort: list[tuple[str, int]],
    page: PageParams,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `query` in `sort` order (end it with a unique field so pages never
    overlap), and how many documents match in all."""
    cursor = collection.find(query).sort(sort).skip(page.offset).limit(page.limit)
    docs = await cursor.to_list(page.limit)
    return docs, await collection.count_documents(query)


def page_of(
    docs: Sequence[dict[str, Any]], total: int, page: PageParams, to_public: Callable[[Any], T]
) -> Page[T]:
    """The page envelope for `docs`, each turned into its public schema."""
    return Page(
        items=[to_public(doc) for doc in docs], total=total, limit=page.limit, offset=page.offset
    )
