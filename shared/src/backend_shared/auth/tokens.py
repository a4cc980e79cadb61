"""Short-lived JWT access tokens (PyJWT). The algorithm is pinned on decode, so a token
that says `alg: none` or swaps HS256 for RS256 is refused, and every claim is required."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from backend_shared.errors import Unauthorized
from backend_shared.settings import BaseServiceSettings

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
REQUIRED_CLAIMS = ["sub", "exp", "iat", "jti", "type", "iss", "aud"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made the request, as proven by a verified access token."""

    id: str
    roles: frozenset[str]
    token_id: str
    claims: dict[str, Any]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int


class TokenService:
    """Issues and verifies access tokens. A service that only verifies (e.g. behind a
    gateway) is built with a public key and no signing key."""

    def __init__(
        self,
        *,
        algorithm: str,
        verification_key: str,
        signing_key: str | None,
        issuer: str,
        audience: str,
        access_ttl_seconds: int,
    ) -> None:
        self.algorithm = algorithm
        self._verification_key = verification_key
        self._signing_key = signing_key
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_seconds = access_ttl_seconds

    @classmethod
    def from_settings(cls, settings: BaseServiceSettings) -> TokenService:
        can_sign = settings.jwt_private_key is not None or settings.jwt_algorithm.startswith("HS")
        return cls(
            algorithm=settings.jwt_algorithm,
            verification_key=settings.verification_key,
            signing_key=settings.signing_key if can_sign else None,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl_seconds=settings.access_token_ttl_seconds,
        )

    def issue_access_token(
        self, subject: str, *, roles: frozenset[str] | set[str] = frozenset()
    ) -> IssuedToken:
        if self._signing_key is None:
            raise RuntimeError("this service has no signing key; it can only verify tokens")
        now = datetime.now(UTC)
        claims = {
            "sub": subject,
            "roles": sorted(roles),
            "type": ACCESS_TOKEN_TYPE,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + timedelta(seconds=self.access_ttl_seconds),
            "iss": self.issuer,
            "aud": self.audience,
        }
        token = jwt.encode(claims, self._signing_key, algorithm=self.algorithm)
        return IssuedToken(token=token, expires_in=self.access_ttl_seconds)

    def verify_access_token(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._verification_key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("The access token has expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("The access token is invalid") from None
        if claims.get("type") != ACCESS_TOKEN_TYPE:
            raise Unauthorized("The token is not an access token")
        roles = claims.get("roles", [])
        if not isinstance(claims["sub"], str) or not isinstance(roles, list):
            raise Unauthorized("The access token is invalid")
        return Principal(
            id=claims["sub"],
            roles=frozenset(str(role) for role in roles),
            token_id=str(claims["jti"]),
            claims=claims,
        )
