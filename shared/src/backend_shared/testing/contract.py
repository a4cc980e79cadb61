"""Schemathesis against a service's own OpenAPI document: the checks every project runs
(no 5xx, responses match their schemas, status codes and content types are documented)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CONTRACT_CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def contract_settings(max_examples: int) -> Any:
    """Hypothesis settings for a contract test against a live server (no deadlines: the
    server shares the machine with the test)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def published_schema(app: Any) -> Any:
    """The document the app itself publishes (the same one /openapi.json serves)."""
    return schemathesis.openapi.from_dict(app.openapi())


@dataclass
class LiveApi:
    """A live server and the headers of a signed-in user on it."""

    url: str
    headers: dict[str, str]

    def check(self, case: Any, *, signed_in: bool = True) -> None:
        headers = self.headers if signed_in else {}
        case.call_and_validate(base_url=self.url, headers=headers, checks=CONTRACT_CHECKS)
