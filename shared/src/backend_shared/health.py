"""Liveness (`/health`: the process answers) and readiness (`/ready`: its backends do)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

logger = logging.getLogger("backend_shared.health")

CHECK_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, Literal["ok", "down", "not configured"]]


# Load balancers ask this many times a second: the answer is written once, not validated
# and serialised on every call (the schema still documents it).
_HEALTHY = Health().model_dump_json().encode()


async def health() -> Response:
    return Response(_HEALTHY, media_type="application/json")


async def ready(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, Literal["ok", "down", "not configured"]] = {}
    for name, handle in (("mongodb", state.mongo), ("redis", getattr(state, "redis", None))):
        if handle is None:
            checks[name] = "not configured"
            continue
        try:
            await asyncio.wait_for(handle.ping(), CHECK_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; say which backend
            logger.warning("readiness: %s is down: %s", name, exc)
            checks[name] = "down"
    ready = all(value != "down" for value in checks.values())
    body = Readiness(status="ready" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


_ROUTES: tuple[tuple[str, Callable[..., Any], dict[str, Any]], ...] = (
    ("/health", health, {"summary": "Liveness: the process is up", "response_model": Health}),
    (
        "/ready",
        ready,
        {
            "summary": "Readiness: MongoDB and Redis answer",
            "responses": {503: {"model": Readiness, "description": "A backend does not answer"}},
        },
    ),
)


def add_health_routes(app: FastAPI) -> None:
    """Adds both routes to the app itself, not through `include_router`: FastAPI (0.137 and
    later) walks each included router on every request, which cost `/health` a seventh of
    its instructions, and load balancers ask for it many times a second."""
    for path, endpoint, options in _ROUTES:
        app.add_api_route(path, endpoint, methods=["GET"], tags=["health"], **options)
