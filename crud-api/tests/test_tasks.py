"""Creating, reading, changing, deleting and listing my tasks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .utils import User


async def create(client: httpx.AsyncClient, user: User, **fields: Any) -> dict[str, Any]:
    response = await client.post("/tasks", json={"title": "A task", **fields}, headers=user.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def titles(client: httpx.AsyncClient, user: User, **params: Any) -> list[str]:
    response = await client.get("/tasks", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()["items"]]


async def test_a_new_task_has_defaults_and_timestamps(
    client: httpx.AsyncClient, alice: User
) -> None:
    task = await create(client, alice, title="Write the report")
    assert task["title"] == "Write the report"
    assert task["description"] == ""
    assert task["status"] == "todo"
    assert task["priority"] == "medium"
    assert task["due_date"] is None
    assert task["tags"] == []
    assert task["created_at"] == task["updated_at"]
    fetched = await client.get(f"/tasks/{task['id']}", headers=alice.headers)
    assert fetched.json() == task


async def test_due_dates_are_returned_in_utc(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice, due_date="2026-12-01T17:00:00+02:00")
    assert task["due_date"] == "2026-12-01T15:00:00Z"


async def test_patch_changes_only_the_fields_sent(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice, description="keep me", tags=["work"])
    response = await client.patch(
        f"/tasks/{task['id']}", json={"status": "done", "priority": "high"}, headers=alice.headers
    )
    assert response.status_code == 200
    updated = response.json()
    assert (updated["status"], updated["priority"]) == ("done", "high")
    assert updated["description"] == "keep me"
    assert updated["tags"] == ["work"]
    assert updated["updated_at"] >= task["updated_at"]
    again = await client.get(f"/tasks/{task['id']}", headers=alice.headers)
    assert again.json() == updated


async def test_patch_with_null_due_date_clears_it(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice, due_date="2026-12-01T00:00:00Z")
    response = await client.patch(
        f"/tasks/{task['id']}", json={"due_date": None}, headers=alice.headers
    )
    assert response.json()["due_date"] is None


async def test_patch_cannot_null_a_required_field(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice)
    response = await client.patch(
        f"/tasks/{task['id']}", json={"title": None}, headers=alice.headers
    )
    assert response.status_code == 422
    unchanged = await client.get(f"/tasks/{task['id']}", headers=alice.headers)
    assert unchanged.json()["title"] == "A task"


async def test_delete_removes_the_task(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice)
    response = await client.delete(f"/tasks/{task['id']}", headers=alice.headers)
    assert response.status_code == 204
    assert response.content == b""
    gone = await client.get(f"/tasks/{task['id']}", headers=alice.headers)
    assert gone.status_code == 404
    again = await client.delete(f"/tasks/{task['id']}", headers=alice.headers)
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "description": "x" * 5001}, "description"),
        ({"title": "ok", "status": "finished"}, "status"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"title": "ok", "tags": ["x" * 31]}, "tags"),
        ({"title": "ok", "tags": [""]}, "tags"),
        ({"title": "ok", "due_date": "next tuesday"}, "due_date"),
        ({}, "title"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, alice: User, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/tasks", json=body, headers=alice.headers)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["title"] == "Unprocessable Entity"
    assert problem["errors"][0]["loc"][:2] == ["body", field]
    listing = await client.get("/tasks", headers=alice.headers)
    assert listing.json()["total"] == 0  # nothing half-written


async def test_limits_are_inclusive(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(
        client,
        alice,
        title="x" * 200,
        description="y" * 5000,
        tags=[f"tag{i}" for i in range(20)],
    )
    assert len(task["tags"]) == 20


async def test_repeated_tags_are_kept_once(client: httpx.AsyncClient, alice: User) -> None:
    task = await create(client, alice, tags=["a", "b", "a"])
    assert task["tags"] == ["a", "b"]


async def test_the_list_is_newest_first_and_paginated(
    client: httpx.AsyncClient, alice: User
) -> None:
    for number in range(5):
        await create(client, alice, title=f"task {number}")
    response = await client.get("/tasks", params={"limit": 2, "offset": 1}, headers=alice.headers)
    page = response.json()
    assert [task["title"] for task in page["items"]] == ["task 3", "task 2"]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)


async def test_limit_is_capped_at_100(client: httpx.AsyncClient, alice: User) -> None:
    for limit in (0, 101, -1):
        response = await client.get("/tasks", params={"limit": limit}, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "limit"]


async def test_filters_by_status_priority_and_tag(client: httpx.AsyncClient, alice: User) -> None:
    await create(client, alice, title="done-high", status="done", priority="high", tags=["x"])
    await create(client, alice, title="todo-high", priority="high", tags=["y"])
    await create(client, alice, title="todo-low", priority="low", tags=["x"])
    assert await titles(client, alice, status="done") == ["done-high"]
    assert await titles(client, alice, priority="high") == ["todo-high", "done-high"]
    assert await titles(client, alice, tag="x") == ["todo-low", "done-high"]
    assert await titles(client, alice, tag="x", status="todo") == ["todo-low"]


async def test_filters_by_due_date_window(client: httpx.AsyncClient, alice: User) -> None:
    await create(client, alice, title="early", due_date="2026-12-01T00:00:00Z")
    await create(client, alice, title="late", due_date="2026-12-20T00:00:00Z")
    await create(client, alice, title="none")
    assert await titles(client, alice, due_before="2026-12-10T00:00:00Z") == ["early"]
    assert await titles(client, alice, due_after="2026-12-10T00:00:00Z") == ["late"]
    both = await titles(
        client, alice, due_after="2026-11-01T00:00:00Z", due_before="2027-01-01T00:00:00Z"
    )
    assert both == ["late", "early"]


async def test_search_matches_title_text_literally(client: httpx.AsyncClient, alice: User) -> None:
    await create(client, alice, title="Buy milk")
    await create(client, alice, title="a.c literal")
    await create(client, alice, title="abc pattern bait")
    assert await titles(client, alice, search="MILK") == ["Buy milk"]
    assert await titles(client, alice, search="a.c") == ["a.c literal"]
    assert await titles(client, alice, search=".*") == []
    assert await titles(client, alice, search="(") == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("priority", ["low", "medium", "high"]),
        ("-priority", ["high", "medium", "low"]),
        ("due_date", ["medium", "low", "high"]),
        ("-due_date", ["high", "low", "medium"]),
        ("created_at", ["medium", "high", "low"]),
        ("-created_at", ["low", "high", "medium"]),
    ],
)
async def test_sorting(
    client: httpx.AsyncClient, alice: User, sort: str, expected: list[str]
) -> None:
    await create(client, alice, title="medium", priority="medium", due_date="2026-12-01T00:00:00Z")
    await create(client, alice, title="high", priority="high", due_date="2026-12-03T00:00:00Z")
    await create(client, alice, title="low", priority="low", due_date="2026-12-02T00:00:00Z")
    assert await titles(client, alice, sort=sort) == expected


async def test_an_unknown_sort_is_422(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.get("/tasks", params={"sort": "owner_id"}, headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "sort"]


async def test_tasks_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/tasks")).status_code == 401
    assert (await client.post("/tasks", json={"title": "x"})).status_code == 401
