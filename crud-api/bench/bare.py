"""The floor: bare FastAPI + PyJWT serving the same `GET /tasks` page from memory.

No middleware, no logs, no database: the route reads the bearer token, verifies it with the
same key, issuer and audience as crud-api, and returns the caller's page (loaded at start-up
from the JSON crud-api served) through a pydantic return type, as FastAPI's tutorial does.
`/health` returns `{"status": "ok"}`.

    uv run --frozen python crud-api/bench/bare.py --port 8001 --pages pages.json
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import jwt
import uvicorn
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel


class TaskPublic(BaseModel):
    id: str
    title: str
    description: str
    status: str
    priority: str
    due_date: datetime | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class Page(BaseModel):
    items: list[TaskPublic]
    total: int
    limit: int
    offset: int


def bare_app(pages: dict[str, Page], *, secret: str, issuer: str, audience: str) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/tasks")
    async def list_tasks(authorization: Annotated[str | None, Header()] = None) -> Page:
        if authorization is None or not authorization.startswith("Bearer "):
            raise HTTPException(401, "Not authenticated")
        try:
            claims = jwt.decode(
                authorization[7:],
                secret,
                algorithms=["HS256"],
                issuer=issuer,
                audience=audience,
            )
        except jwt.PyJWTError:
            raise HTTPException(401, "The access token is invalid") from None
        page = pages.get(claims["sub"])
        if page is None:
            raise HTTPException(401, "The account no longer exists")
        return page

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="bare FastAPI + PyJWT, from memory")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--pages", type=Path, required=True, help='{"<user id>": <page>}')
    args = parser.parse_args()
    raw = json.loads(args.pages.read_text())
    pages = {owner: Page.model_validate(page) for owner, page in raw.items()}
    app = bare_app(
        pages,
        secret=os.environ["JWT_SECRET"],
        issuer=os.environ.get("JWT_ISSUER", "backend-monorepo"),
        audience=os.environ.get("JWT_AUDIENCE", "crud-api"),
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
