"""The RealWorld scenarios pass on a database that already holds an earlier run's data:
every scenario in tests/realworld, twice in a row against one app and one database."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import httpx

from .realworld import (
    test_articles,
    test_auth,
    test_comments,
    test_errors_articles,
    test_errors_auth,
    test_errors_authorization,
    test_errors_comments,
    test_errors_profiles,
    test_favorites,
    test_feed,
    test_pagination,
    test_profiles,
    test_tags,
)

MODULES: list[ModuleType] = [
    test_auth,
    test_errors_auth,
    test_profiles,
    test_errors_profiles,
    test_articles,
    test_errors_articles,
    test_errors_authorization,
    test_comments,
    test_errors_comments,
    test_favorites,
    test_feed,
    test_pagination,
    test_tags,
]
Scenario = Callable[..., Awaitable[None]]
SCENARIOS: list[Scenario] = [
    function
    for module in MODULES
    for name, function in vars(module).items()
    if name.startswith("test_") and inspect.iscoroutinefunction(function)
]


async def _run_all(client: httpx.AsyncClient, uid: str) -> None:
    """One run of the suite: like Hurl's, one `uid` for every scenario in it."""
    for scenario in SCENARIOS:
        arguments: dict[str, Any] = {"api": client}
        if "uid" in inspect.signature(scenario).parameters:
            arguments["uid"] = uid
        await scenario(**arguments)


async def test_every_scenario_passes_twice_on_one_database(client: httpx.AsyncClient) -> None:
    assert len(SCENARIOS) == 17
    first_uid = uuid.uuid4().hex[:12]
    await _run_all(client, first_uid)
    # The first run's users are still there (auth.hurl renamed its own) when the second starts.
    leftover = await client.get(f"/api/profiles/auth_{first_uid}_upd")
    assert leftover.status_code == 200
    await _run_all(client, uuid.uuid4().hex[:12])
