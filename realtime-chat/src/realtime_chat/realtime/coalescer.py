"""Broadcasts that a client can repeat at will (typing, read receipts) are coalesced: at
most one per key and interval reaches the room, and the latest state is never lost.

The first offer for a key goes out at once and opens an interval. Offers inside it are
held, each replacing the one before, and when the interval ends the held one goes out
(unless the room already has that very state) and opens the next interval. So a client
alternating `typing: true` and `typing: false` as fast as it can costs the room one event
per interval, and the room still ends up with the client's last word. `flush` sends a held
state at once (before that connection's next message, or when it leaves the room)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

logger = logging.getLogger("realtime_chat.coalescer")

Key = TypeVar("Key", bound=Hashable)
State = dict[str, Any]
Deliver = Callable[[Key, State], Awaitable[None]]


@dataclass(eq=False, slots=True)
class _Slot:
    last: State  # what the room saw last from this key
    held: State | None = None
    interval: asyncio.Task[None] | None = None
    # One delivery at a time per key, so a flush waits for one in flight and the room
    # sees the states in the order they were sent.
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)


class Coalescer(Generic[Key]):
    def __init__(self, interval_seconds: float, deliver: Deliver[Key], *, name: str) -> None:
        self.interval_seconds = interval_seconds
        self._deliver = deliver
        self._name = name
        self._slots: dict[Key, _Slot] = {}

    async def offer(self, key: Key, state: State) -> bool:
        """True if `state` went out now; False if it is held for the end of the interval."""
        slot = self._slots.get(key)
        if slot is not None:
            slot.held = state
            return False
        slot = self._slots[key] = _Slot(last=state)
        slot.interval = asyncio.create_task(self._run_intervals(key, slot))
        await self._send(key, slot, state)
        return True

    async def flush(self, key: Key) -> None:
        """Send the held state now, or wait for the one being sent, if any."""
        slot = self._slots.get(key)
        if slot is None:
            return
        held, slot.held = slot.held, None
        if held is not None and held != slot.last:
            await self._send(key, slot, held)
        else:
            async with slot.sending:
                pass

    async def close(self, key: Key) -> None:
        """Flush, then forget the key (the connection left the room or closed)."""
        await self.flush(key)
        slot = self._slots.pop(key, None)
        if slot is not None and slot.interval is not None:
            slot.interval.cancel()

    async def aclose(self) -> None:
        tasks = [slot.interval for slot in self._slots.values() if slot.interval is not None]
        self._slots.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _send(self, key: Key, slot: _Slot, state: State) -> None:
        async with slot.sending:
            slot.last = state
            await self._deliver(key, state)

    async def _run_intervals(self, key: Key, slot: _Slot) -> None:
        try:
            while True:
                await asyncio.sleep(self.interval_seconds)
                held, slot.held = slot.held, None
                if held is None or held == slot.last:
                    return
                try:
                    await self._send(key, slot, held)
                except Exception:  # a failed broadcast must not stop the next interval
                    logger.exception("a held %s broadcast failed", self._name)
        finally:
            if self._slots.get(key) is slot:
                del self._slots[key]
