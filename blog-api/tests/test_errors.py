"""Failures as a RealWorld client sees them: `{"errors": {"<field>": ["<message>"]}}`, and a
401 before anything else when a required token is missing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.state import service_state

from .utils import publish, register


async def test_a_missing_token_is_401_even_with_a_malformed_body(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/articles", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["is missing"]}}
    assert response.headers["www-authenticate"] == "Token"


async def test_a_malformed_body_with_a_token_is_422(client: httpx.AsyncClient) -> None:
    author = await register(client)
    response = await client.post(
        "/api/articles",
        content=b"{not json",
        headers={**author.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"body": ["is not valid JSON"]}}


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Bearer abc.def.ghi", "must be sent as 'Authorization: Token <jwt>'"),
        ("Token", "must be sent as 'Authorization: Token <jwt>'"),
        ("Token abc.def.ghi", "The access token is invalid"),
    ],
)
async def test_a_bad_token_is_401_even_where_a_token_is_optional(
    client: httpx.AsyncClient, authorization: str, message: str
) -> None:
    for method, url in (("GET", "/api/articles"), ("GET", "/api/user")):
        response = await client.request(method, url, headers={"Authorization": authorization})
        assert response.status_code == 401, url
        assert response.json() == {"errors": {"token": [message]}}


async def test_a_token_for_a_deleted_account_is_401(app: Any, client: httpx.AsyncClient) -> None:
    member = await register(client)
    await service_state(app).database["users"].delete_many({"username": member.username})
    response = await client.get("/api/user", headers=member.headers)
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["The account no longer exists"]}}


async def test_validation_names_every_bad_field(client: httpx.AsyncClient) -> None:
    author = await register(client)
    response = await client.post(
        "/api/articles",
        headers=author.headers,
        json={"article": {"title": "x" * 201, "description": "   ", "tagList": ["ok", ""]}},
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "title": ["is too long (maximum is 200 characters)"],
            "description": ["can't be blank"],
            "body": ["can't be blank"],
            "tagList": ["can't be blank"],
        }
    }


async def test_unknown_fields_are_refused_not_stored(client: httpx.AsyncClient) -> None:
    """Mass assignment: a client cannot set what the API does not offer, such as the author."""
    author = await register(client)
    article = await publish(client, author)
    response = await client.put(
        f"/api/articles/{article['slug']}",
        headers=author.headers,
        json={"article": {"authorId": "665f1c2ab1e4c2a1d3f0e9b7", "favoritesCount": 99}},
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"authorId": ["is not a known field"], "favoritesCount": ["is not a known field"]}
    }


async def test_registration_rejects_a_bad_email_username_or_short_password(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/users",
        json={"user": {"username": "two words", "email": "not-an-email", "password": "short"}},
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "username": ["may contain only letters, digits, '_', '.' and '-'"],
            "email": ["is invalid"],
            "password": ["is too short (minimum is 8 characters)"],
        }
    }


async def test_a_missing_envelope_is_blank(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/users", json={"username": "jake"})
    assert response.status_code == 422
    assert response.json()["errors"]["user"] == ["can't be blank"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=ten"])
async def test_out_of_range_paging_is_422(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/api/articles?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query.split("=")[0]]


async def test_an_unknown_route_is_a_realworld_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"errors": {"request": ["Not Found"]}}
