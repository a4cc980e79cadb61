"""Property-based run of Schemathesis against crud-api's own OpenAPI document: whatever it
generates, valid or not, the server never answers 5xx and never breaks its own schema."""

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

from backend_shared.testing.factories import bearer, unique_email
from backend_shared.testing.live import live_server
from crud_api.config import Settings
from crud_api.main import create_app

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
        email, password = unique_email("schemathesis"), "correct-horse-battery"
        httpx.post(f"{url}/auth/signup", json={"email": email, "password": password})
        tokens = httpx.post(f"{url}/auth/login", json={"email": email, "password": password})
        yield LiveApi(url=url, headers=bearer(tokens.json()["access_token"]))


# The document the app itself publishes (the same one /openapi.json serves).
schema = schemathesis.openapi.from_dict(create_app(Settings(app_env="test")).openapi())


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_honours_its_openapi_document(case: schemathesis.Case, live_api: LiveApi) -> None:
    case.call_and_validate(base_url=live_api.url, headers=live_api.headers, checks=CHECKS)
