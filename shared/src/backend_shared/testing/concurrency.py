"""Release concurrent callers together: every call is started and parked on one event,
then the event is set, so they race for real (a loop of awaits would run them one by one,
and a test of a race guard could not fail)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


async def release_together(calls: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    go = asyncio.Event()
    parked = 0
    all_parked = asyncio.Event()

    async def released(call: Callable[[], Awaitable[T]]) -> T:
        nonlocal parked
        parked += 1
        if parked == len(calls):
            all_parked.set()
        await go.wait()
        return await call()

    tasks = [asyncio.create_task(released(call)) for call in calls]
    await all_parked.wait()
    go.set()
    return await asyncio.gather(*tasks)
