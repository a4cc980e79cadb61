"""The gateway's route table: which upstream serves a path, how long it may take, and
whether the edge insists on a token. First match wins."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gateway.config import Settings


class EdgeAuth(StrEnum):
    # A token, if sent, must be valid; none is fine (the upstream decides per route).
    OPTIONAL = "optional"
    # No valid token, no forwarding: 401 at the edge.
    REQUIRED = "required"


@dataclass(frozen=True, slots=True)
class Route:
    prefix: str
    upstream: str
    auth: EdgeAuth
    timeout_seconds: float
    methods: frozenset[str] = frozenset()  # empty: every method

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        return path == self.prefix or path.startswith(self.prefix + "/")


def route_table(settings: Settings) -> list[Route]:
    default = settings.upstream_timeout_seconds
    return [
        Route("/auth", "identity", EdgeAuth.OPTIONAL, default),
        Route("/users", "identity", EdgeAuth.REQUIRED, default),
        Route("/products", "catalog", EdgeAuth.OPTIONAL, default),
        Route("/admin/inventory", "catalog", EdgeAuth.REQUIRED, default),
        Route("/cart", "orders", EdgeAuth.REQUIRED, default),
        # Checkout waits for catalog's prices (with a retry) before it answers.
        Route(
            "/orders",
            "orders",
            EdgeAuth.REQUIRED,
            settings.checkout_timeout_seconds,
            frozenset({"POST"}),
        ),
        Route("/orders", "orders", EdgeAuth.REQUIRED, default),
        Route("/notifications", "notifier", EdgeAuth.REQUIRED, default),
    ]


def find_route(routes: list[Route], method: str, path: str) -> Route | None:
    return next((route for route in routes if route.matches(method, path)), None)
