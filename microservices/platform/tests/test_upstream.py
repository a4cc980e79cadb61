"""Calling another service: timeouts, retries only for GET, and the breaker in front."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from backend_shared.errors import ServiceUnavailable
from shop_platform.breaker import CircuitBreaker, CircuitOpen
from shop_platform.upstream import Upstream


def upstream(handler: Callable[[httpx.Request], httpx.Response], **options: object) -> Upstream:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    breaker = CircuitBreaker("catalog", failure_threshold=3, open_seconds=60)
    return Upstream(
        "catalog",
        "http://catalog",
        client=client,
        breaker=breaker,
        backoff_seconds=0,
        **options,  # type: ignore[arg-type]
    )


async def test_a_failed_get_is_retried_and_the_second_answer_returned() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json={"ok": True})])
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return next(answers)

    response = await upstream(handler, retries=1).get("/products")
    assert response.json() == {"ok": True}
    assert len(calls) == 2


async def test_a_timeout_counts_as_no_answer() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ServiceUnavailable) as failed:
        await upstream(handler, retries=1, timeout_seconds=0.5).get("/products")
    assert failed.value.detail == "catalog did not answer within 0.5 s; retry shortly"


async def test_a_client_error_is_an_answer_and_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(404)

    response = await upstream(handler, retries=3).get("/products/x")
    assert response.status_code == 404
    assert len(calls) == 1


async def test_once_the_breaker_opens_no_call_is_made() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    catalog = upstream(handler, retries=0)
    for _ in range(3):
        with pytest.raises(ServiceUnavailable):
            await catalog.get("/products")
    with pytest.raises(CircuitOpen):
        await catalog.get("/products")
    assert len(calls) == 3
