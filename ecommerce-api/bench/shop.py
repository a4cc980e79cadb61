"""ecommerce-api as the benchmarks serve it: the real app in its own uvicorn process, on
the embedded engine (or MONGODB_URL), with an admin to set things up and no background
sweep, in memory so that every run starts empty."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from backend_shared.testing.loadtest import Server, free_port, http_json

ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway server's admin


@contextmanager
def shop_server(**settings: str) -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as media:
        env = {
            "APP_ENV": "test",
            "LOG_LEVEL": "WARNING",
            "ADMIN_EMAIL": ADMIN_EMAIL,
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "EXPIRY_SWEEP_SECONDS": "0",
            "MEDIA_DIR": media,
            "LOGIN_MAX_FAILURES": "100000",
            "LOGIN_ADDRESS_MAX_FAILURES": "100000",
            **settings,
        }
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "ecommerce_api.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ]  # fmt: skip
        with Server("ecommerce-api", command, port, env=env) as server:
            yield server


def admin_headers(server: Server) -> dict[str, str]:
    status, body = http_json(
        "POST", server.url + "/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert status == 200, body
    return {"Authorization": f"Bearer {body['access_token']}"}
