"""Stripe's webhook signature scheme, implemented with the standard library.

Header: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
keyed with the endpoint's secret. The receiver recomputes the HMAC over the raw bytes it
received (never over re-serialised JSON), compares in constant time, and refuses a
timestamp more than `tolerance` seconds from now, so a captured request cannot be replayed
later. (`stripe.Webhook.construct_event` does the same; tests check the two agree.)"""

from __future__ import annotations

import hashlib
import hmac
import time


class SignatureError(ValueError):
    """The request was not signed with our secret, or not recently."""


def _hmac(payload: bytes, *, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, *, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_hmac(payload, secret=secret, timestamp=timestamp)}"


def verify(
    payload: bytes, header: str | None, *, secret: str, tolerance: int, now: float | None = None
) -> None:
    """Raise SignatureError unless `header` signs `payload` with `secret` within `tolerance`."""
    if not header:
        raise SignatureError("The Stripe-Signature header is missing")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("The Stripe-Signature header is malformed")
    expected = _hmac(payload, secret=secret, timestamp=timestamp)
    if not any(
        hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace"))
        for candidate in candidates
    ):
        raise SignatureError("The signature does not match")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("The signature is too old (or from the future)")
