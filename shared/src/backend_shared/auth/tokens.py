"""Short-lived JWT access tokens (PyJWT). The algorithm is pinned on decode, so a token
that says `alg: none` or swaps HS256 for RS256 is refused; every claim is required, the
`kid` must name a key this service trusts, and the audience must be this service.

Claims beyond the registered ones: `type` ("access"), `roles`, `sid` (the session: a
log-out revokes it) and `ver` (the account's token version: a password change or a
disabled account bumps it, and every older token stops working at once).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from backend_shared.auth.keys import KeySet, load_key_set
from backend_shared.errors import Unauthorized
from backend_shared.settings import TokenIssuerSettings, TokenVerifierSettings

logger = logging.getLogger("backend_shared.auth.tokens")

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
REQUIRED_CLAIMS = ["sub", "exp", "iat", "jti", "type", "iss", "aud"]
# An unknown `kid` refetches the issuer's JWKS at most this often: random kids cannot
# turn every request into a call to the issuer.
JWKS_REFETCH_SECONDS = 10.0
# A client sends the same access token with every request for its whole life: a token that
# passed every check is remembered (keyed by its exact text, its expiry checked at each
# use), as API gateways do (Envoy's jwt_authn `jwt_cache_config`), instead of having its
# signature and claims checked again each time. This many, the oldest forgotten first.
VERIFIED_TOKENS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made the request, as proven by a verified access token."""

    id: str
    roles: frozenset[str]
    token_id: str
    claims: dict[str, Any]

    @property
    def session_id(self) -> str | None:
        sid = self.claims.get("sid")
        return sid if isinstance(sid, str) else None

    @property
    def token_version(self) -> int:
        version = self.claims.get("ver", 0)
        return version if isinstance(version, int) else -1

    @property
    def expires_at(self) -> float:
        return float(self.claims["exp"])


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int


class TokenService:
    """Issues (when it holds a signing key) and verifies access tokens."""

    def __init__(
        self,
        *,
        keys: KeySet,
        issuer: str,
        audience: str,
        token_audiences: Iterable[str] = (),
        access_ttl_seconds: int = 900,
        jwks_url: str | None = None,
    ) -> None:
        self.keys = keys
        self.algorithm = keys.algorithm
        self.issuer = issuer
        self.audience = audience
        self.token_audiences = list(token_audiences) or [audience]
        self.access_ttl_seconds = access_ttl_seconds
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._fetched_keys: dict[str, Any] = {}
        self._verified: dict[str, Principal] = {}
        self._last_fetch = float("-inf")
        # Requests that meet a new kid together wait for one fetch instead of failing.
        self._fetching = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: TokenVerifierSettings) -> TokenService:
        issuer = settings if isinstance(settings, TokenIssuerSettings) else None
        return cls(
            keys=load_key_set(settings),
            issuer=settings.jwt_issuer,
            audience=settings.accepted_audience,
            token_audiences=issuer.token_audiences if issuer else (),
            access_ttl_seconds=issuer.access_token_ttl_seconds if issuer else 900,
            jwks_url=settings.jwt_jwks_url,
        )

    def issue_access_token(
        self,
        subject: str,
        *,
        roles: frozenset[str] | set[str] = frozenset(),
        session_id: str | None = None,
        token_version: int = 0,
    ) -> IssuedToken:
        if self.keys.signing_key is None:
            raise RuntimeError("this service has no signing key; it can only verify tokens")
        now = datetime.now(UTC)
        claims = {
            "sub": subject,
            "roles": sorted(roles),
            "type": ACCESS_TOKEN_TYPE,
            "jti": uuid.uuid4().hex,
            "sid": session_id or uuid.uuid4().hex,
            "ver": token_version,
            "iat": now,
            "exp": now + timedelta(seconds=self.access_ttl_seconds),
            "iss": self.issuer,
            "aud": self.token_audiences,
        }
        token = jwt.encode(
            claims,
            self.keys.signing_key,
            algorithm=self.algorithm,
            headers={"kid": self.keys.signing_kid},
        )
        return IssuedToken(token=token, expires_in=self.access_ttl_seconds)

    def verify_access_token(self, token: str) -> Principal:
        """Verify with the keys at hand (no network); Unauthorized on any failure."""
        principal = self._remembered(token)
        if principal is not None:
            return principal
        return self._remember(token, self._decode(token, self._local_key(self._kid(token))))

    async def verify(self, token: str) -> Principal:
        """Verify, fetching the issuer's JWKS (off the event loop) for a new `kid`."""
        principal = self._remembered(token)
        if principal is not None:
            return principal
        kid = self._kid(token)
        key = self._local_key(kid, required=False)
        if key is None:
            key = await self._fetch_key(kid)
        return self._remember(token, self._decode(token, key))

    def _remembered(self, token: str) -> Principal | None:
        principal = self._verified.get(token)
        if principal is not None and principal.expires_at <= time.time():  # as PyJWT's check
            self._verified.pop(token, None)
            raise Unauthorized("The access token has expired")
        return principal

    def _remember(self, token: str, principal: Principal) -> Principal:
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.pop(next(iter(self._verified)), None)
        self._verified[token] = principal
        return principal

    @staticmethod
    def _kid(token: str) -> str:
        if not token.isascii():  # a JWT is ASCII; anything else cannot even be decoded
            raise Unauthorized("The access token is invalid")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise Unauthorized("The access token is invalid") from None
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("The access token is invalid")
        return kid

    def _local_key(self, kid: str, *, required: bool = True) -> Any:
        known = self.keys.verification_keys.get(kid)
        if known is not None:
            return known.key
        fetched = self._fetched_keys.get(kid)
        if fetched is None and required:
            raise Unauthorized("The access token is invalid")
        return fetched

    async def _fetch_key(self, kid: str) -> Any:
        async with self._fetching:
            known = self._local_key(kid, required=False)  # fetched while we waited?
            if known is not None:
                return known
            return await self._refetch(kid)

    async def _refetch(self, kid: str) -> Any:
        if self._jwks is None or time.monotonic() - self._last_fetch < JWKS_REFETCH_SECONDS:
            raise Unauthorized("The access token is invalid")
        self._last_fetch = time.monotonic()
        try:
            fetched = await asyncio.to_thread(self._jwks.get_signing_keys, True)
        except jwt.PyJWKClientError as exc:
            logger.warning("could not fetch the issuer's JWKS: %s", exc)
            raise Unauthorized("The access token cannot be verified now") from None
        self._fetched_keys = {key.key_id: key.key for key in fetched if key.key_id}
        self._verified.clear()  # a key the issuer dropped verifies nothing from now on
        return self._local_key(kid)

    def _decode(self, token: str, key: Any) -> Principal:
        try:
            claims = jwt.decode(
                token,
                key,
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
