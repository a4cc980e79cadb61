"""A circuit breaker per upstream: after `failure_threshold` failures in a row it opens and
calls fail at once (no connection, no waiting for a timeout) for `open_seconds`; then it
lets one probe through (half-open): a success closes it, a failure opens it again.

Without it, every caller of a hung upstream waits its full timeout, their requests pile up,
and the caller's own callers time out in turn: the failure spreads up the chain."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from backend_shared.errors import ServiceUnavailable


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpen(ServiceUnavailable):
    """The upstream failed recently; the call was not made."""


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        open_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        # When the half-open probe went out; a probe never reported (its caller was
        # cancelled) stops blocking others after `open_seconds`.
        self._probe_at: float | None = None

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.open_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def retry_after(self) -> int:
        if self._opened_at is None:
            return 0
        return max(1, round(self.open_seconds - (self._clock() - self._opened_at)))

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go out now (closed, or the one half-open
        probe)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return
        if state is BreakerState.HALF_OPEN and not self._probing():
            self._probe_at = self._clock()
            return
        raise CircuitOpen(
            f"{self.name} is unavailable (circuit open); retry shortly",
            headers={"Retry-After": str(self.retry_after)},
        )

    def _probing(self) -> bool:
        return self._probe_at is not None and self._clock() - self._probe_at < self.open_seconds

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probe_at = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._probe_at is not None or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._probe_at = None
