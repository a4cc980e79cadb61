"""Offset pagination: `limit` (1-100, default 20) and `offset`, and the page envelope."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
LIMIT_DESCRIPTION = "How many items to return"
OFFSET_DESCRIPTION = "How many to skip"


class PageParams(BaseModel):
    """A page's bounds. A route reads them with `PageDep`, or, when it has a query model of
    its own, by having that model inherit them: FastAPI reads one model faster than a model
    and a dependency, and documents both ways the same."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description=OFFSET_DESCRIPTION)


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=OFFSET_DESCRIPTION)] = 0,
) -> PageParams:
    # Query() has already checked both bounds.
    return PageParams.model_construct(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
