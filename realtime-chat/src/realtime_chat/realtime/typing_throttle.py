"""Typing indicators are ephemeral and cheap to lose, so each connection may broadcast
"typing" at most once per throttle window per room (clients repeat it while the user types),
and "stopped" only after a "typing" that went out."""

from __future__ import annotations

import time


class TypingThrottle:
    def __init__(self, window_seconds: float) -> None:
        self.window_seconds = window_seconds
        self._last_typing: dict[tuple[str, str], float] = {}  # (sid, room) -> monotonic

    def allow(self, sid: str, room_id: str, *, typing: bool) -> bool:
        key = (sid, room_id)
        now = time.monotonic()
        if not typing:
            return self._last_typing.pop(key, None) is not None
        last = self._last_typing.get(key)
        if last is not None and now - last < self.window_seconds:
            return False
        self._last_typing[key] = now
        return True

    def forget(self, sid: str, room_id: str | None = None) -> None:
        for key in [k for k in self._last_typing if k[0] == sid and room_id in (None, k[1])]:
            del self._last_typing[key]
