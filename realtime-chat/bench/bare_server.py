"""The ceiling: a bare python-socketio server with the chat's event names and nothing else.

No auth, no storage, no validation beyond what the events need, served the way the chat is
served (uvicorn, uvloop, the `websockets` websocket implementation), so the difference between
this and realtime-chat under the same load is the cost of what the chat adds.

    python bench/bare_server.py --port 8765
"""

import argparse
import itertools
import time
import warnings
from typing import Any

import socketio
import uvicorn

sio = socketio.AsyncServer(async_mode="asgi", logger=False, engineio_logger=False)
app = socketio.ASGIApp(sio)
_message_ids = itertools.count(1)


@sio.on("join")
async def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
    await sio.enter_room(sid, data["room_id"])
    return {"ok": True}


@sio.on("message:send")
async def send_message(sid: str, data: dict[str, Any]) -> dict[str, Any]:
    message = {
        "id": str(next(_message_ids)),
        "room_id": data["room_id"],
        "body": data["body"],
        "sender_sid": sid,
        "created_at": time.time(),
    }
    await sio.emit("message:new", message, to=data["room_id"])
    return {"ok": True, "message": message}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--ws",
        default="websockets",
        choices=["websockets-sansio", "websockets", "wsproto"],
        help="uvicorn websocket implementation (the chat is served with --ws websockets)",
    )
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="accept permessage-deflate (uvicorn's default) or decline it",
    )
    args = parser.parse_args()
    # uvicorn announces that --ws websockets will later mean websockets-sansio; the chat is
    # served with it today, and the notice would only clutter compare.py's output.
    warnings.filterwarnings("ignore", message="The `websockets` implementation is deprecated")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        ws=args.ws,
        ws_per_message_deflate=args.deflate,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
