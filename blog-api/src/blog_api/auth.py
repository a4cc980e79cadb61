"""RealWorld's `Authorization: Token <jwt>` header, on top of the shared token service.

`CurrentUser` (and `CurrentUserId`) require a token, `ViewerId` accepts its absence
(anonymous readers). Either way a token that is sent must be this service's (its audience),
and must speak for a blog-api account whose session is alive (the shared `check_session`:
the account exists and its token version is current), so a route never writes for a user
that is not there. Routes that require a token answer 401 before anything else: FastAPI
parses a JSON body before it runs dependencies, so `TokenFirstRoute` checks the header
first, with the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader

from backend_shared.accounts.service import check_session
from backend_shared.auth.dependencies import TokenServiceDep
from backend_shared.auth.tokens import TokenService
from backend_shared.db import Database
from backend_shared.deps import DbDep
from backend_shared.errors import Unauthorized
from backend_shared.ids import parse_object_id
from blog_api.services import users

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


async def _signed_in_user(*, tokens: TokenService, db: Database, token: str) -> dict[str, Any]:
    """The account `token` speaks for, or a 401 saying why not: expired, forged, another
    service's, an account that is gone, or a session a new password has ended."""
    try:
        principal = await tokens.verify(token)
        user_id = parse_object_id(principal.id)
        if user_id is None:  # a valid signature on a subject this service never issued
            raise Unauthorized("The access token is invalid")
        account = await users.get_user(db=db, user_id=user_id)
        return check_session(account=account, principal=principal)
    except Unauthorized as exc:
        raise unauthorized(exc.detail) from None


async def current_user(token: CurrentToken, tokens: TokenServiceDep, db: DbDep) -> dict[str, Any]:
    return await _signed_in_user(tokens=tokens, db=db, token=token)


CurrentUser = Annotated[dict[str, Any], Depends(current_user)]


async def current_user_id(user: CurrentUser) -> ObjectId:
    user_id: ObjectId = user["_id"]
    return user_id


async def viewer_id(token: PresentedToken, tokens: TokenServiceDep, db: DbDep) -> ObjectId | None:
    """The signed-in reader, or None for an anonymous one. A bad token is still a 401."""
    if token is None:
        return None
    user = await _signed_in_user(tokens=tokens, db=db, token=token)
    user_id: ObjectId = user["_id"]
    return user_id


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
