"""Helpers for the password-guess tests of every project with a log-in: a client that
comes from another address, and a tally of the passwords actually checked (a guess
refused before its check must never reach one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backend_shared.accounts import service as accounts


@asynccontextmanager
async def from_address(app: Any, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from `address` (the app is already running)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@dataclass
class PasswordChecks:
    count: int = 0


def count_password_checks(monkeypatch: pytest.MonkeyPatch) -> PasswordChecks:
    """From now on, count each password the shared accounts check against a hash."""
    checks = PasswordChecks()
    check_password = accounts.check_password

    async def counted(**kwargs: Any) -> bool:
        checks.count += 1
        return await check_password(**kwargs)

    monkeypatch.setattr(accounts, "check_password", counted)
    return checks
