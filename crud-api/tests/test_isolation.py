"""Per-user isolation: nobody can see or touch another user's tasks, or even learn that
they exist."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .utils import User


async def alices_task(client: httpx.AsyncClient, alice: User) -> dict[str, Any]:
    response = await client.post(
        "/tasks", json={"title": "Alice's secret", "tags": ["private"]}, headers=alice.headers
    )
    body: dict[str, Any] = response.json()
    return body


async def test_another_users_task_is_404_for_read_update_and_delete(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    task = await alices_task(client, alice)
    url = f"/tasks/{task['id']}"
    for response in (
        await client.get(url, headers=bob.headers),
        await client.patch(url, json={"title": "pwned"}, headers=bob.headers),
        await client.delete(url, headers=bob.headers),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "Task not found"
    unchanged = await client.get(url, headers=alice.headers)
    assert unchanged.json() == task


async def test_a_missing_a_deleted_and_a_malformed_id_look_the_same(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    other = await alices_task(client, alice)
    deleted = (await client.post("/tasks", json={"title": "x"}, headers=bob.headers)).json()
    await client.delete(f"/tasks/{deleted['id']}", headers=bob.headers)
    bodies = []
    for task_id in (other["id"], deleted["id"], "not-an-id", "0" * 24, "'; drop"):
        response = await client.get(f"/tasks/{task_id}", headers=bob.headers)
        assert response.status_code == 404
        body = response.json()
        bodies.append((body["title"], body["detail"]))
    assert len(set(bodies)) == 1


async def test_lists_show_only_my_tasks(client: httpx.AsyncClient, alice: User, bob: User) -> None:
    await alices_task(client, alice)
    await client.post("/tasks", json={"title": "Bob's"}, headers=bob.headers)
    bobs = (await client.get("/tasks", headers=bob.headers)).json()
    assert [task["title"] for task in bobs["items"]] == ["Bob's"]
    assert bobs["total"] == 1
    tagged = (await client.get("/tasks", params={"tag": "private"}, headers=bob.headers)).json()
    assert tagged["total"] == 0


async def test_owner_id_cannot_be_assigned(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    response = await client.post(
        "/tasks", json={"title": "gift", "owner_id": alice.id}, headers=bob.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "owner_id"]
    task = await alices_task(client, alice)
    patch = await client.patch(
        f"/tasks/{task['id']}", json={"owner_id": bob.id}, headers=alice.headers
    )
    assert patch.status_code == 422
    assert (await client.get("/tasks", headers=bob.headers)).json()["total"] == 0


@pytest.mark.parametrize("field", ["title", "description", "status", "priority", "due_date"])
@pytest.mark.parametrize("operator", [{"$ne": None}, {"$gt": ""}, {"$regex": ".*"}])
async def test_operator_objects_in_any_field_are_422(
    client: httpx.AsyncClient, alice: User, field: str, operator: dict[str, Any]
) -> None:
    body = {"title": "ok", field: operator}
    created = await client.post("/tasks", json=body, headers=alice.headers)
    assert created.status_code == 422
    assert created.json()["errors"][0]["loc"][:2] == ["body", field]


async def test_operator_objects_in_tags_and_login_are_422(
    client: httpx.AsyncClient, alice: User
) -> None:
    tags = await client.post(
        "/tasks", json={"title": "ok", "tags": [{"$ne": None}]}, headers=alice.headers
    )
    assert tags.status_code == 422
    login = await client.post("/auth/login", json={"email": alice.email, "password": {"$ne": None}})
    assert login.status_code == 422
