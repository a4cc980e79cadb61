"""Serve realtime-chat as it is meant to be served: `python -m realtime_chat --port 8000`.

uvicorn settles the websocket handshake, per-message deflate included, before the app sees
the connection, so the server options the live side depends on are chosen here from the
chat's settings: the `websockets` implementation, uvloop, and `WS_COMPRESSION`. Plain
`uvicorn realtime_chat.main:create_app --factory` still works, with uvicorn's defaults
(deflate accepted unless `--ws-per-message-deflate false`)."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from realtime_chat.config import Settings, get_settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What uvicorn must be told for this chat's websockets."""
    return {
        "ws": "websockets",
        "loop": "uvloop",
        "ws_per_message_deflate": settings.ws_compression == "on",
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m realtime_chat", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    uvicorn.run(
        "realtime_chat.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
        # X-Forwarded-For is believed only from TRUSTED_PROXIES, which the app reads.
        proxy_headers=False,
        **uvicorn_options(get_settings()),
    )


if __name__ == "__main__":
    main()
