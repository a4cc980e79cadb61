"""Property-based run of Schemathesis against crud-api's own OpenAPI document: whatever it
generates, valid or not, the server never answers 5xx and never breaks its own schema."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis

from backend_shared.testing.contract import LiveApi, contract_settings, published_schema
from backend_shared.testing.factories import bearer, unique_email
from backend_shared.testing.live import live_server
from backend_shared.testing.plugin import fresh_settings_values
from crud_api.config import Settings
from crud_api.main import create_app


@pytest.fixture(scope="module")
def live_api(redis_server_url: str) -> Iterator[LiveApi]:
    app = create_app(Settings(**fresh_settings_values(redis_server_url)))
    with live_server(app) as url:
        email, password = unique_email("schemathesis"), "correct-horse-battery"
        httpx.post(f"{url}/auth/signup", json={"email": email, "password": password})
        tokens = httpx.post(f"{url}/auth/login", json={"email": email, "password": password})
        yield LiveApi(url=url, headers=bearer(tokens.json()["access_token"]))


schema = published_schema(create_app(Settings(app_env="test", _env_file=None)))  # type: ignore[call-arg]


@schema.parametrize()
@contract_settings(max_examples=40)
def test_the_api_honours_its_openapi_document(case: schemathesis.Case, live_api: LiveApi) -> None:
    live_api.check(case)
