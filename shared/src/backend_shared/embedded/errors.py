"""The one error for a PyMongo feature the embedded engine does not offer."""

from __future__ import annotations

ADAPTER = "shared/src/backend_shared/embedded/"


class UnsupportedOperation(AttributeError, NotImplementedError):
    """Raised for any PyMongo method outside the embedded engine's explicit list. It is an
    AttributeError (so `hasattr` stays honest) and a NotImplementedError (what it means)."""


def unsupported(what: str) -> UnsupportedOperation:
    return UnsupportedOperation(
        f"{what} is not supported by the embedded MongoDB engine (MONGODB_URL is unset). "
        f"Add it, with a test of PyMongo's documented behaviour, in {ADAPTER} "
        "(docs/decisions/0006-embedded-engine-concurrency.md), or run against a real server."
    )
