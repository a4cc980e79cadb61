"""crud-api's app factory: `uvicorn crud_api.main:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from backend_shared.accounts.router import auth_router, users_router
from backend_shared.app import create_service_app
from backend_shared.db import Database
from crud_api.config import Settings, get_settings
from crud_api.routers import tasks
from crud_api.services import tasks as task_service

DESCRIPTION = """
A task manager: sign up, log in, and keep a list of tasks only you can see.

Authenticate with **Authorize** (email as username), or send
`Authorization: Bearer <access_token>` from `POST /auth/login`.
Errors are `application/problem+json` (RFC 9457).
"""

# The docs list the sections in this order, whatever order the routers are included in.
OPENAPI_TAGS = [
    {"name": "health", "description": "Liveness and readiness, for load balancers"},
    {"name": "auth", "description": "Sign up, log in, refresh and log out"},
    {"name": "users", "description": "The signed-in account"},
    {"name": "tasks", "description": "The signed-in user's tasks"},
]


async def ensure_indexes(db: Database) -> None:
    await task_service.ensure_indexes(db)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or get_settings(),
        title="crud-api",
        description=DESCRIPTION,
        # Tasks first: FastAPI (0.137 and later) tries included routers in order on every
        # request, and walking past the accounts routers cost GET /tasks 6% of its
        # instructions (log-ins and /users/me, far rarer, now walk past the tasks).
        routers=[tasks.router, auth_router, users_router],
        openapi_tags=OPENAPI_TAGS,
        accounts=True,
        ensure_indexes=ensure_indexes,
    )
