"""Whose token is it: a token minted by another service, or for an account blog-api does not
have, is a 401 with RealWorld's body on every route, writes nothing, and leaves every read
answering everyone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from bson import ObjectId

from backend_shared.state import service_state
from backend_shared.testing.factories import access_token_for, unique_email
from backend_shared.testing.plugin import fresh_settings_values, running_app
from blog_api.config import Settings
from crud_api.config import Settings as CrudSettings
from crud_api.main import create_app as create_crud_app

from .utils import Member, publish, register

# Every route that writes for the signed-in user, with a body it would accept.
WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/articles", {"article": {"title": "Mine", "description": "d", "body": "b"}}),
    ("PUT", "/api/articles/{slug}", {"article": {"body": "taken over"}}),
    ("DELETE", "/api/articles/{slug}", None),
    ("POST", "/api/articles/{slug}/comments", {"comment": {"body": "hello"}}),
    ("POST", "/api/articles/{slug}/favorite", None),
    ("DELETE", "/api/articles/{slug}/favorite", None),
    ("POST", "/api/profiles/{username}/follow", None),
    ("DELETE", "/api/profiles/{username}/follow", None),
    ("PUT", "/api/user", {"user": {"bio": "taken over"}}),
]
COLLECTIONS = ("users", "articles", "comments", "favorites", "follows")


@asynccontextmanager
async def crud_api(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A crud-api app signing with blog-api's very secret, as docker-compose once had it."""
    values = {
        **fresh_settings_values(str(settings.redis_url)),
        "jwt_secret": settings.symmetric_secret,
        **overrides,
    }
    async with running_app(create_crud_app(CrudSettings(**values))) as client:
        yield client


async def crud_access_token(crud: httpx.AsyncClient) -> str:
    credentials = {"email": unique_email("crud"), "password": "correct-horse-battery"}
    assert (await crud.post("/auth/signup", json=credentials)).status_code == 201
    login = await crud.post("/auth/login", json=credentials)
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    return token


async def _write_an_article(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(
        "/api/articles",
        headers={"Authorization": f"Token {token}"},
        json={"article": {"title": "Crud", "description": "d", "body": "b"}},
    )


async def _stored(app: Any) -> dict[str, int]:
    db = service_state(app).database
    return {name: await db[name].count_documents({}) for name in COLLECTIONS}


async def _refused_everywhere(
    app: Any, client: httpx.AsyncClient, token: str, author: Member, slug: str
) -> None:
    """Every write with `token` is a 401 naming the token, and nothing is stored."""
    before = await _stored(app)
    headers = {"Authorization": f"Token {token}"}
    for method, path, body in WRITES:
        url = path.format(slug=slug, username=author.username)
        response = await client.request(method, url, headers=headers, json=body)
        assert response.status_code == 401, (method, url, response.text)
        [message] = response.json()["errors"]["token"]
        assert response.json() == {"errors": {"token": [message]}}
    # Personal reads with it are refused too: a token that is sent must be valid.
    for url in ("/api/user", "/api/articles", "/api/articles/feed", f"/api/articles/{slug}"):
        assert (await client.get(url, headers=headers)).status_code == 401, url
    assert await _stored(app) == before


async def _everyone_still_reads(client: httpx.AsyncClient, author: Member, slug: str) -> None:
    for headers in ({}, author.headers):
        for url in (
            "/api/articles",
            f"/api/articles?author={author.username}",
            f"/api/articles/{slug}",
            f"/api/articles/{slug}/comments",
            f"/api/profiles/{author.username}",
            "/api/tags",
        ):
            response = await client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.text)
    listed = (await client.get(f"/api/articles?author={author.username}")).json()
    assert [article["slug"] for article in listed["articles"]] == [slug]


@pytest.fixture
async def jake(client: httpx.AsyncClient) -> Member:
    return await register(client, "jake")


async def test_a_crud_api_token_is_refused_and_stores_nothing(
    app: Any, client: httpx.AsyncClient, settings: Settings, jake: Member
) -> None:
    slug = (await publish(client, jake))["slug"]
    async with crud_api(settings) as crud:
        token = await crud_access_token(crud)
    response = await _write_an_article(client, token)
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["The access token is invalid"]}}
    assert response.headers["www-authenticate"] == "Token"
    await _refused_everywhere(app, client, token, jake, slug)
    await _everyone_still_reads(client, jake, slug)


async def test_a_token_meant_for_blog_api_but_for_no_blog_account_is_refused(
    app: Any, client: httpx.AsyncClient, settings: Settings, jake: Member
) -> None:
    # The issuer lists blog-api among its tokens' audiences: the signature and audience
    # pass, but no blog-api account has that id.
    slug = (await publish(client, jake))["slug"]
    async with crud_api(settings, jwt_token_audiences=["crud-api", "blog-api"]) as crud:
        token = await crud_access_token(crud)
    response = await _write_an_article(client, token)
    assert response.status_code == 401
    assert response.json() == {"errors": {"token": ["The account no longer exists"]}}
    await _refused_everywhere(app, client, token, jake, slug)
    await _everyone_still_reads(client, jake, slug)


async def test_blog_apis_own_token_for_a_missing_account_is_refused(
    app: Any, client: httpx.AsyncClient, jake: Member
) -> None:
    slug = (await publish(client, jake))["slug"]
    token = access_token_for(app, str(ObjectId()))
    await _refused_everywhere(app, client, token, jake, slug)
    await _everyone_still_reads(client, jake, slug)
