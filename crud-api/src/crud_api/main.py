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


async def ensure_indexes(db: Database) -> None:
    await task_service.ensure_indexes(db)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or get_settings(),
        title="crud-api",
        description=DESCRIPTION,
        routers=[auth_router, users_router, tasks.router],
        accounts=True,
        ensure_indexes=ensure_indexes,
    )
