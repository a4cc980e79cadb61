"""Property-based run of Schemathesis against blog-api's own OpenAPI document: whatever it
generates, valid or not, signed in or not, the server never answers 5xx and never breaks
its own schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from backend_shared.testing.live import live_server
from blog_api.config import Settings
from blog_api.main import create_app

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@dataclass
class LiveApi:
    url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def live_api(redis_server_url: str) -> Iterator[LiveApi]:
    app = create_app(
        Settings(
            app_env="test",
            mongodb_db=f"test_{uuid.uuid4().hex[:16]}",
            redis_url=redis_server_url,
            jwt_secret="a-test-secret-that-is-long-enough-for-hs256",
            log_level="WARNING",
            _env_file=None,  # type: ignore[call-arg]
        )
    )
    with live_server(app) as url:
        # A signed-in user with an article, so generated slugs and usernames sometimes hit.
        username = f"jake_{uuid.uuid4().hex[:8]}"
        user = {"username": username, "email": f"{username}@example.com", "password": "jakejake"}
        token = httpx.post(f"{url}/api/users", json={"user": user}).json()["user"]["token"]
        headers = {"Authorization": f"Token {token}"}
        article = {"title": "Hello", "description": "A first post", "body": "Hi", "tagList": ["x"]}
        httpx.post(f"{url}/api/articles", headers=headers, json={"article": article})
        yield LiveApi(url=url, headers=headers)


# The document the app itself publishes (the same one /openapi.json serves).
schema = schemathesis.openapi.from_dict(
    create_app(Settings(app_env="test", _env_file=None)).openapi()  # type: ignore[call-arg]
)


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_honours_its_openapi_document(
    case: schemathesis.Case, live_api: LiveApi, signed_in: bool
) -> None:
    # Anonymous calls take the cached paths; signed-in ones the personal views and writes.
    headers = live_api.headers if signed_in else {}
    case.call_and_validate(base_url=live_api.url, headers=headers, checks=CHECKS)
