"""One-line factories for tests: unique emails, bearer headers, signed tokens."""

from __future__ import annotations

import uuid
from typing import Any

from backend_shared.auth.tokens import TokenService


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_token_for(app: Any, user_id: str, *, roles: frozenset[str] = frozenset()) -> str:
    """A valid access token signed by `app`'s own token service."""
    tokens: TokenService = app.state.tokens
    return tokens.issue_access_token(user_id, roles=roles).token
