"""Helpers for blog-api's own tests: users and articles in one line, and a database wrapper
that counts what the app asks of MongoDB."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct-horse-battery"


@dataclass
class Member:
    username: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


async def register(client: httpx.AsyncClient, prefix: str = "user") -> Member:
    username = f"{prefix}_{uuid.uuid4().hex[:10]}"
    email = f"{username}@example.com"
    response = await client.post(
        "/api/users", json={"user": {"username": username, "email": email, "password": PASSWORD}}
    )
    assert response.status_code == 201, response.text
    return Member(username=username, email=email, token=response.json()["user"]["token"])


async def publish(client: httpx.AsyncClient, author: Member, **fields: Any) -> dict[str, Any]:
    article = {"title": "A title", "description": "A description", "body": "A body", **fields}
    response = await client.post("/api/articles", headers=author.headers, json={"article": article})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["article"]
    return created


Call = Callable[[], Awaitable[httpx.Response]]

_OPERATIONS = frozenset(
    {
        "find",
        "find_one",
        "aggregate",
        "count_documents",
        "distinct",
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "delete_one",
        "delete_many",
        "find_one_and_update",
    }
)


class CountingDatabase:
    """Stands in for `app.state.db` and records each operation sent to MongoDB (one round
    trip each for the small results these tests read)."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.operations: list[str] = []

    def __getitem__(self, name: str) -> _CountingCollection:
        return _CountingCollection(self._db[name], name, self.operations)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _CountingCollection:
    def __init__(self, collection: Any, name: str, operations: list[str]) -> None:
        self._collection = collection
        self._name = name
        self._operations = operations

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._collection, name)
        if name not in _OPERATIONS:
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._operations.append(f"{self._name}.{name}")
            return attribute(*args, **kwargs)

        return counted
