"""The access log an operator reads: one JSON line per request, in the shape of every other
log line, carrying the id the response gave the client."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend_shared.app import create_service_app
from backend_shared.logs import JsonFormatter
from backend_shared.settings import BaseServiceSettings

from .conftest import router


@pytest.fixture
def app(settings_values: dict[str, Any]) -> Any:
    settings = BaseServiceSettings(**settings_values | {"log_level": "INFO"})
    return create_service_app(settings, title="t", description="d", routers=[router])


@pytest.fixture
def log_output(app: Any) -> Iterator[io.StringIO]:
    """What the service's JSON log handler writes while the test runs, with the root logger
    as a service has it (pytest's own capturing handlers set aside)."""
    [handler] = [h for h in logging.root.handlers if isinstance(h.formatter, JsonFormatter)]
    assert isinstance(handler, logging.StreamHandler)
    others = [h for h in logging.root.handlers if h is not handler]
    for other in others:
        logging.root.removeHandler(other)
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        yield output
    finally:
        handler.setStream(previous)
        for other in others:
            logging.root.addHandler(other)


def _lines(output: io.StringIO, logger: str) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in output.getvalue().splitlines()]
    return [entry for entry in entries if entry["logger"] == logger]


async def test_each_request_writes_one_json_access_line(
    client: httpx.AsyncClient, log_output: io.StringIO
) -> None:
    response = await client.get("/health")
    [line] = _lines(log_output, "backend_shared.access")
    assert line["level"] == "INFO"
    assert line["message"] == "GET /health 200"
    assert line["request_id"] == response.headers["x-request-id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/health", 200)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


async def test_a_hostile_path_stays_one_valid_line(
    client: httpx.AsyncClient, log_output: io.StringIO
) -> None:
    # Percent-encoded on the wire; the path the server sees holds a quote, a backslash and
    # a newline.
    await client.get("/nowhere%22%5C%0A%7B%22level%22:%20%22ERROR%22%7D")
    [line] = _lines(log_output, "backend_shared.access")
    assert line["path"] == '/nowhere"\\\n{"level": "ERROR"}'
    assert line["status"] == 404
    assert line["level"] == "INFO"


async def test_the_access_line_goes_through_logging_when_logging_is_configured_otherwise(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="backend_shared.access"):
        response = await client.get("/health")
    [record] = [r for r in caplog.records if r.name == "backend_shared.access"]
    assert record.getMessage() == "GET /health 200"
    assert record.request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
