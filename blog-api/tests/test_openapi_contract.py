"""Property-based run of Schemathesis against blog-api's own OpenAPI document: whatever it
generates, valid or not, signed in or not, the server never answers 5xx and never breaks
its own schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
import schemathesis

from backend_shared.testing.contract import LiveApi, contract_settings, published_schema
from backend_shared.testing.live import live_server
from backend_shared.testing.plugin import fresh_settings_values
from blog_api.config import Settings
from blog_api.main import create_app


@pytest.fixture(scope="module")
def live_api(redis_server_url: str) -> Iterator[LiveApi]:
    app = create_app(Settings(**fresh_settings_values(redis_server_url)))
    with live_server(app) as url:
        # A signed-in user with an article, so generated slugs and usernames sometimes hit.
        username = f"jake_{uuid.uuid4().hex[:8]}"
        user = {"username": username, "email": f"{username}@example.com", "password": "jakejake"}
        token = httpx.post(f"{url}/api/users", json={"user": user}).json()["user"]["token"]
        headers = {"Authorization": f"Token {token}"}
        article = {"title": "Hello", "description": "A first post", "body": "Hi", "tagList": ["x"]}
        httpx.post(f"{url}/api/articles", headers=headers, json={"article": article})
        yield LiveApi(url=url, headers=headers)


schema = published_schema(create_app(Settings(app_env="test", _env_file=None)))  # type: ignore[call-arg]


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
@schema.parametrize()
@contract_settings(max_examples=20)
def test_the_api_honours_its_openapi_document(
    case: schemathesis.Case, live_api: LiveApi, signed_in: bool
) -> None:
    # Anonymous calls take the cached paths; signed-in ones the personal views and writes.
    live_api.check(case, signed_in=signed_in)
