"""One-line factories for tests: unique emails, bearer headers, signed tokens."""

from __future__ import annotations

import uuid
from typing import Any

import jwt

from backend_shared.auth.tokens import TokenService


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_token_for(app: Any, user_id: str, *, roles: frozenset[str] = frozenset()) -> str:
    """A valid access token signed by `app`'s own token service."""
    tokens: TokenService = app.state.tokens
    return tokens.issue_access_token(user_id, roles=roles).token


def sign_claims(app: Any, claims: dict[str, Any]) -> str:
    """A token with exactly `claims`, signed with `app`'s own key and `kid`: for tests of
    what the verifier does with claims it would never issue (expired, wrong type...)."""
    tokens: TokenService = app.state.tokens
    key: Any = tokens.keys.signing_key
    return jwt.encode(
        claims,
        key,
        algorithm=tokens.algorithm,
        headers={"kid": tokens.keys.signing_kid},
    )
