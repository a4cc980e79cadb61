"""RealWorld's `Authorization: Token <jwt>` header, on top of the shared token service.

`CurrentUserId` requires a token, `ViewerId` accepts its absence (anonymous readers).
Routes that require one answer 401 before anything else: FastAPI parses a JSON body before
it runs dependencies, so `TokenFirstRoute` checks the header first, with the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader

from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.auth.tokens import TokenService
from backend_shared.errors import Unauthorized
from backend_shared.ids import parse_object_id

SCHEME = "Token"

token_header = APIKeyHeader(
    name="Authorization",
    scheme_name="Token",
    description="`Token <jwt>`, with the token from registering or logging in.",
    auto_error=False,
)


def unauthorized(message: str) -> Unauthorized:
    """A 401 about the token, as RealWorld words it: `{"errors": {"token": [message]}}`."""
    return Unauthorized(message, field="token", headers={"WWW-Authenticate": SCHEME})


def read_token(authorization: str | None) -> str | None:
    """The JWT in `Token <jwt>`; None when no header was sent."""
    if not authorization or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != SCHEME.lower() or not token.strip():
        raise unauthorized("must be sent as 'Authorization: Token <jwt>'")
    return token.strip()


async def presented_token(
    authorization: Annotated[str | None, Depends(token_header)],
) -> str | None:
    return read_token(authorization)


PresentedToken = Annotated[str | None, Depends(presented_token)]


def _require(token: str | None) -> str:
    if token is None:
        raise unauthorized("is missing")
    return token


async def required_token(token: PresentedToken) -> str:
    return _require(token)


CurrentToken = Annotated[str, Depends(required_token)]


def _verified_user_id(tokens: TokenService, token: str) -> ObjectId:
    try:
        principal = tokens.verify_access_token(token)
    except Unauthorized as exc:  # expired, forged, or not an access token: say which
        raise unauthorized(exc.detail) from None
    user_id = parse_object_id(principal.id)
    if user_id is None:  # a valid signature on a subject this service never issued
        raise unauthorized("is invalid")
    return user_id


async def current_user_id(token: CurrentToken, tokens: TokenServiceDep) -> ObjectId:
    return _verified_user_id(tokens, token)


async def viewer_id(token: PresentedToken, tokens: TokenServiceDep) -> ObjectId | None:
    """The signed-in reader, or None for an anonymous one. A bad token is still a 401."""
    return None if token is None else _verified_user_id(tokens, token)


CurrentUserId = Annotated[ObjectId, Depends(current_user_id)]
ViewerId = Annotated[ObjectId | None, Depends(viewer_id)]


def _requires_token(dependant: Dependant) -> bool:
    return any(sub.call is required_token or _requires_token(sub) for sub in dependant.dependencies)


class TokenFirstRoute(APIRoute):
    """A route that, when it requires a token, refuses a request without one before
    reading its body, so a missing token is a 401 even when the body is malformed."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not _requires_token(self.dependant):
            return handler

        async def token_first(request: Request) -> Response:
            _require(read_token(request.headers.get("authorization")))
            return await handler(request)

        return token_first
