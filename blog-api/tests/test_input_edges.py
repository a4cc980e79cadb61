"""Hostile input is a 4xx with a RealWorld error body, never a 500: text that is not
Unicode (in registration and log-in too), ids MongoDB cannot hold, usernames that break
URLs, and emails or usernames that differ from another account's only by Unicode
compatibility forms.

The embedded engine here refuses what a real MongoDB refuses, so input that would be a
500 in production fails these tests too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.testing.hostile_input import (
    BEYOND_INT64,
    JSON,
    LONE_SURROGATE,
    fullwidth,
    json_bytes,
    with_raw_surrogate,
)
from backend_shared.testing.server_checks import refuse_what_a_server_refuses

from .utils import PASSWORD, Member, publish, register

INVALID_TEXT = "must be valid Unicode text (it has a lone surrogate)"


@pytest.fixture(autouse=True)
def _like_a_real_server(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_what_a_server_refuses(monkeypatch)


async def send(
    client: httpx.AsyncClient, method: str, path: str, body: bytes, member: Member | None = None
) -> httpx.Response:
    headers = {**JSON, **(member.headers if member else {})}
    return await client.request(method, path, content=body, headers=headers)


def assert_refused(response: httpx.Response, field: str, message: str = INVALID_TEXT) -> None:
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": {field: [message]}}


@pytest.mark.parametrize("encode", [json_bytes, with_raw_surrogate])
async def test_registering_with_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, encode: Any
) -> None:
    user = {"username": "ada", "email": "ada@example.com", "password": PASSWORD}
    response = await send(
        client,
        "POST",
        "/api/users",
        encode({"user": {**user, "password": f"{PASSWORD}{LONE_SURROGATE}"}}),
    )
    assert_refused(response, "password")
    # Nothing was stored: the same username is still free.
    assert (await client.post("/api/users", json={"user": user})).status_code == 201


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        ({"email": f"{LONE_SURROGATE}@example.com", "password": PASSWORD}, "email"),
        ({"email": "ada@example.com", "password": LONE_SURROGATE}, "password"),
    ],
)
async def test_logging_in_with_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, credentials: dict[str, str], field: str
) -> None:
    response = await send(client, "POST", "/api/users/login", json_bytes({"user": credentials}))
    assert_refused(response, field)


@pytest.mark.parametrize(
    ("article", "field"),
    [
        ({"title": LONE_SURROGATE, "description": "d", "body": "b"}, "title"),
        ({"title": "t", "description": "d", "body": f"b{LONE_SURROGATE}"}, "body"),
        ({"title": "t", "description": "d", "body": "b", "tagList": [LONE_SURROGATE]}, "tagList"),
    ],
)
async def test_an_article_with_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, article: dict[str, Any], field: str
) -> None:
    author = await register(client)
    for encode in (json_bytes, with_raw_surrogate):
        created = await send(client, "POST", "/api/articles", encode({"article": article}), author)
        assert_refused(created, field)
    listed = await client.get("/api/articles")
    assert listed.json()["articlesCount"] == 0


async def test_changes_and_comments_with_a_lone_surrogate_are_refused(
    client: httpx.AsyncClient,
) -> None:
    author = await register(client)
    slug = (await publish(client, author))["slug"]
    change = json_bytes({"article": {"description": LONE_SURROGATE}})
    assert_refused(
        await send(client, "PUT", f"/api/articles/{slug}", change, author), "description"
    )
    comment = json_bytes({"comment": {"body": LONE_SURROGATE}})
    commented = await send(client, "POST", f"/api/articles/{slug}/comments", comment, author)
    assert_refused(commented, "body")
    profile = json_bytes({"user": {"username": f"a{LONE_SURROGATE}"}})
    assert (await send(client, "PUT", "/api/user", profile, author)).status_code == 422


async def test_bytes_that_are_not_utf8_are_a_400(client: httpx.AsyncClient) -> None:
    response = await send(client, "POST", "/api/users/login", b'{"user": {"email": "\xff"}}')
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": {"request": ["There was an error parsing the body"]}}


@pytest.mark.parametrize("comment_id", [BEYOND_INT64, 2**63, 0, -1])
async def test_a_comment_id_no_comment_can_have_is_refused_before_any_query(
    client: httpx.AsyncClient, comment_id: int
) -> None:
    author = await register(client)
    slug = (await publish(client, author))["slug"]
    response = await client.delete(
        f"/api/articles/{slug}/comments/{comment_id}", headers=author.headers
    )
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == ["comment_id"]


async def test_the_largest_comment_id_is_just_not_found(client: httpx.AsyncClient) -> None:
    author = await register(client)
    slug = (await publish(client, author))["slug"]
    response = await client.delete(
        f"/api/articles/{slug}/comments/{2**63 - 1}", headers=author.headers
    )
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("username", [".", "..", " .. ", "a/b", "a%2Fb"])
async def test_a_username_that_breaks_profile_urls_is_refused(
    client: httpx.AsyncClient, username: str
) -> None:
    user = {"username": username, "email": "dots@example.com", "password": PASSWORD}
    response = await client.post("/api/users", json={"user": user})
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == ["username"]

    member = await register(client)
    renamed = await client.put(
        "/api/user", json={"user": {"username": username}}, headers=member.headers
    )
    assert renamed.status_code == 422, renamed.text


async def test_a_username_with_dots_inside_is_fine(client: httpx.AsyncClient) -> None:
    user = {"username": "a.b..c", "email": "abc@example.com", "password": PASSWORD}
    created = await client.post("/api/users", json={"user": user})
    assert created.status_code == 201, created.text
    profile = await client.get("/api/profiles/a.b..c")
    assert profile.json()["profile"]["username"] == "a.b..c"


async def test_fullwidth_variants_of_a_username_or_email_are_taken(
    client: httpx.AsyncClient,
) -> None:
    jake = await register(client, "jake")
    local, domain = jake.email.split("@")
    same_name = {
        "username": fullwidth(jake.username.upper()),
        "email": "other@example.com",
        "password": PASSWORD,
    }
    taken = await client.post("/api/users", json={"user": same_name})
    assert taken.status_code == 409, taken.text
    assert taken.json() == {"errors": {"username": ["has already been taken"]}}

    same_email = {
        "username": "someone_else",
        "email": f"{fullwidth(local)}@{domain}",
        "password": PASSWORD,
    }
    taken = await client.post("/api/users", json={"user": same_email})
    assert taken.status_code == 409, taken.text
    assert taken.json() == {"errors": {"email": ["has already been taken"]}}


async def test_a_fullwidth_variant_finds_the_same_account(client: httpx.AsyncClient) -> None:
    jake = await register(client, "jake")
    local, domain = jake.email.split("@")
    login = await client.post(
        "/api/users/login",
        json={"user": {"email": f"{fullwidth(local)}@{domain}", "password": PASSWORD}},
    )
    assert login.status_code == 200, login.text
    assert login.json()["user"]["username"] == jake.username

    profile = await client.get(f"/api/profiles/{fullwidth(jake.username)}")
    assert profile.json()["profile"]["username"] == jake.username


async def test_renaming_to_a_fullwidth_variant_of_another_username_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    jake, other = await register(client, "jake"), await register(client, "other")
    renamed = await client.put(
        "/api/user", json={"user": {"username": fullwidth(jake.username)}}, headers=other.headers
    )
    assert renamed.status_code == 409, renamed.text
    assert renamed.json() == {"errors": {"username": ["has already been taken"]}}
