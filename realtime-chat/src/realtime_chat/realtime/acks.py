"""Every Socket.IO ack has one of two shapes: `{"ok": true, ...}` or
`{"ok": false, "error": {"code": ..., "message": ...}}`. `acknowledged` turns a handler's
result or failure into one of them, so a bad payload costs its sender an error ack and
never the connection, or anyone else's."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from backend_shared.errors import AppError, RateLimited

logger = logging.getLogger("realtime_chat.events")

Ack = dict[str, Any]
Handler = Callable[[str, Any], Awaitable[Ack]]


class EventError(Exception):
    """A refusal with its own code, for cases the shared HTTP errors do not name."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def error_ack(code: str, message: str, **extra: Any) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message, **extra}}


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    if first["type"] == "model_type":
        return 'The payload must be an object, e.g. {"room_id": "..."}'
    return f"{where}: {first['msg']}"


def acknowledged(event: str, handler: Handler) -> Callable[..., Awaitable[Ack]]:
    """Wrap `handler(sid, payload)` as a Socket.IO handler that always returns an ack.
    Extra or missing arguments are tolerated: the first one is the payload."""

    async def on_event(sid: str, *args: Any) -> Ack:
        try:
            result = await handler(sid, args[0] if args else None)
        except ValidationError as exc:
            return error_ack("invalid_payload", _describe(exc))
        except EventError as exc:
            return error_ack(exc.code, exc.message)
        except RateLimited as exc:
            return error_ack(exc.code, exc.detail, retry_after=exc.retry_after)
        except AppError as exc:
            return error_ack(exc.code, exc.detail)
        except Exception:
            logger.exception("the %s handler failed", event)
            return error_ack("internal_error", "The server failed to handle this event")
        return {"ok": True, **result}

    return on_event
