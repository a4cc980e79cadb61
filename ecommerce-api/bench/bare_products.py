"""The ceiling for GET /products: bare FastAPI serving the same page from memory.

No middleware, no logs, no database, no cache: the page ecommerce-api served (loaded once
from `--page`) comes back through a pydantic return type, as FastAPI's tutorial does.

    uv run --frozen python ecommerce-api/bench/bare_products.py --port 8001 --page page.json
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class Money(BaseModel):
    amount: int
    currency: str


class Variant(BaseModel):
    sku: str
    title: str
    price: Money
    available: int


class Image(BaseModel):
    id: str
    url: str
    thumbnail_url: str
    width: int
    height: int
    content_type: str


class Product(BaseModel):
    id: str
    name: str
    slug: str
    description: str
    category: str
    active: bool
    images: list[Image]
    variants: list[Variant]
    created_at: datetime
    updated_at: datetime


class Page(BaseModel):
    items: list[Product]
    total: int
    limit: int
    offset: int


def bare_app(page: Page) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/products")
    async def products(limit: int = 20, offset: int = 0) -> Page:
        return page

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="bare FastAPI serving one products page")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--page", type=Path, required=True)
    args = parser.parse_args()
    page = Page.model_validate(json.loads(args.page.read_text()))
    uvicorn.run(bare_app(page), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
