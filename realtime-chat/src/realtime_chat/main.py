"""realtime-chat's app factory: `uvicorn realtime_chat.main:create_app --factory`.

The ASGI app is Socket.IO's, which answers `/socket.io/` and hands every other request to
the FastAPI app (REST, the page, /docs). The FastAPI app is kept as `.api`, so tests and
tools can run its lifespan directly."""

from __future__ import annotations

from typing import Any

import socketio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from backend_shared.accounts.router import auth_router, users_router
from backend_shared.app import create_service_app
from backend_shared.db import Database
from realtime_chat.config import Settings, get_settings
from realtime_chat.realtime.lifecycle import run_chat
from realtime_chat.realtime.server import ChatSocketServer
from realtime_chat.routers import messages, page, rooms
from realtime_chat.services import messages as message_service
from realtime_chat.services import rooms as room_service

DESCRIPTION = """
A chat: rooms (public or private), direct messages, history, read receipts, and live
events over Socket.IO at `/socket.io/` (connect with `auth: {token: <access_token>}`).
The page at `/` is a small client. Errors are `application/problem+json` (RFC 9457).
"""


async def ensure_indexes(db: Database) -> None:
    await room_service.ensure_indexes(db)
    await message_service.ensure_indexes(db)


def create_api(settings: Settings, chat: ChatSocketServer) -> FastAPI:
    api = create_service_app(
        settings,
        title="realtime-chat",
        description=DESCRIPTION,
        routers=[
            auth_router,
            users_router,
            rooms.router,
            rooms.dms_router,
            messages.router,
            page.router,
        ],
        accounts=True,
        ensure_indexes=ensure_indexes,
        extra_lifespan=lambda app: run_chat(app, chat),
    )
    api.state.chat = chat
    api.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    return api


def create_app(settings: Settings | None = None) -> Any:
    """The ASGI app: Socket.IO in front, FastAPI (as `.api`) behind it."""
    settings = settings or get_settings()
    chat = ChatSocketServer(settings)
    api = create_api(settings, chat)
    app = socketio.ASGIApp(chat.sio, other_asgi_app=api)
    app.api = api
    app.chat = chat
    return app
