"""Hostile input is a 4xx with a problem+json body, never a 500: datetimes with no UTC
equivalent, text that is not Unicode, ids and numbers MongoDB cannot hold, and emails that
differ from another account's only by Unicode compatibility forms.

The embedded engine here refuses what a real MongoDB refuses, so input that would be a
500 in production fails these tests too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.testing.factories import unique_email
from backend_shared.testing.hostile_input import (
    BEYOND_INT64,
    JSON,
    LONE_SURROGATE,
    fullwidth,
    json_bytes,
    with_raw_surrogate,
)
from backend_shared.testing.server_checks import refuse_what_a_server_refuses

from .utils import PASSWORD, User

# Each is a valid datetime whose UTC form falls outside years 1 to 9999.
NO_UTC_EQUIVALENT = ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"]


@pytest.fixture(autouse=True)
def _like_a_real_server(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_what_a_server_refuses(monkeypatch)


def assert_invalid(response: httpx.Response, *loc: str | int) -> None:
    """A 422 problem+json that names the field at `loc`."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert list(loc) in [error["loc"] for error in response.json()["errors"]], response.text


@pytest.mark.parametrize("due", NO_UTC_EQUIVALENT)
async def test_a_due_date_with_no_utc_equivalent_is_refused(
    client: httpx.AsyncClient, alice: User, due: str
) -> None:
    created = await client.post(
        "/tasks", json={"title": "Far", "due_date": due}, headers=alice.headers
    )
    assert_invalid(created, "body", "due_date")

    task = await client.post("/tasks", json={"title": "Near"}, headers=alice.headers)
    changed = await client.patch(
        f"/tasks/{task.json()['id']}", json={"due_date": due}, headers=alice.headers
    )
    assert_invalid(changed, "body", "due_date")


@pytest.mark.parametrize("due", NO_UTC_EQUIVALENT)
@pytest.mark.parametrize("bound", ["due_before", "due_after"])
async def test_a_due_filter_with_no_utc_equivalent_is_refused(
    client: httpx.AsyncClient, alice: User, due: str, bound: str
) -> None:
    response = await client.get("/tasks", params={bound: due}, headers=alice.headers)
    assert_invalid(response, "query", bound)


async def test_the_last_moment_in_utc_is_a_valid_due_date(
    client: httpx.AsyncClient, alice: User
) -> None:
    created = await client.post(
        "/tasks",
        json={"title": "Last", "due_date": "9999-12-31T18:59:59-05:00"},
        headers=alice.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["due_date"] == "9999-12-31T23:59:59Z"
    listed = await client.get(
        "/tasks", params={"due_after": "9999-12-31T23:59:58Z"}, headers=alice.headers
    )
    assert [task["title"] for task in listed.json()["items"]] == ["Last"]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": LONE_SURROGATE},
        {"title": "ok", "description": f"a{LONE_SURROGATE}b"},
        {"title": "ok", "tags": ["fine", LONE_SURROGATE]},
    ],
)
async def test_a_task_with_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, alice: User, fields: dict[str, Any]
) -> None:
    headers = {**alice.headers, **JSON}
    for body in (json_bytes(fields), with_raw_surrogate(fields)):
        response = await client.post("/tasks", content=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
    listed = await client.get("/tasks", headers=alice.headers)
    assert listed.json()["total"] == 0


async def test_bytes_that_are_not_utf8_are_a_400(client: httpx.AsyncClient, alice: User) -> None:
    response = await client.post(
        "/tasks", content=b'{"title": "\xff\xfe"}', headers={**alice.headers, **JSON}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        (
            "/auth/signup",
            {"email": "x@example.com", "password": f"{PASSWORD}{LONE_SURROGATE}"},
            "password",
        ),
        (
            "/auth/signup",
            {"email": "y@example.com", "password": PASSWORD, "display_name": LONE_SURROGATE},
            "display_name",
        ),
        ("/auth/login", {"email": "x@example.com", "password": LONE_SURROGATE}, "password"),
    ],
)
async def test_signing_up_or_in_with_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], loc: str
) -> None:
    response = await client.post(path, content=json_bytes(body), headers=JSON)
    assert_invalid(response, "body", loc)


async def test_a_search_the_database_cannot_run_is_refused(
    client: httpx.AsyncClient, alice: User
) -> None:
    with_nul = await client.get("/tasks", params={"search": "a\x00b"}, headers=alice.headers)
    assert_invalid(with_nul, "query", "search")
    too_long = await client.get("/tasks", params={"search": "a" * 201}, headers=alice.headers)
    assert_invalid(too_long, "query", "search")
    tag = await client.get("/tasks", params={"tag": "t" * 31}, headers=alice.headers)
    assert_invalid(tag, "query", "tag")


@pytest.mark.parametrize(
    "task_id", [str(BEYOND_INT64), fullwidth("1" * 24), "665f1c2ab1e4c2a1d3f0e9b7%0A", "%00" * 24]
)
async def test_an_id_that_is_not_an_object_id_is_a_404(
    client: httpx.AsyncClient, alice: User, task_id: str
) -> None:
    response = await client.get(f"/tasks/{task_id}", headers=alice.headers)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("params", [{"limit": BEYOND_INT64}, {"offset": BEYOND_INT64}])
async def test_a_page_beyond_any_bound_is_refused(
    client: httpx.AsyncClient, alice: User, params: dict[str, int]
) -> None:
    response = await client.get("/tasks", params=params, headers=alice.headers)
    assert response.status_code == 422, response.text


async def test_an_email_in_fullwidth_letters_is_the_same_account(
    client: httpx.AsyncClient, alice: User
) -> None:
    local, domain = alice.email.split("@")
    variant = f"{fullwidth(local.upper())}@{domain}"

    taken = await client.post("/auth/signup", json={"email": variant, "password": PASSWORD})
    assert taken.status_code == 409, taken.text

    login = await client.post("/auth/login", json={"email": variant, "password": PASSWORD})
    assert login.status_code == 200, login.text


async def test_changing_my_email_to_a_fullwidth_variant_of_anothers_is_a_conflict(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    local, domain = bob.email.split("@")
    response = await client.patch(
        "/users/me",
        json={"email": f"{fullwidth(local)}@{domain}", "current_password": PASSWORD},
        headers=alice.headers,
    )
    assert response.status_code == 409, response.text
    me = await client.get("/users/me", headers=alice.headers)
    assert me.json()["email"] == alice.email


async def test_a_new_email_is_stored_as_typed(client: httpx.AsyncClient) -> None:
    email = unique_email("Grace")
    created = await client.post("/auth/signup", json={"email": email, "password": PASSWORD})
    assert created.json()["email"] == email
