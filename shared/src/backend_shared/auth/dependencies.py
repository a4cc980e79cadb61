"""FastAPI dependencies: who is calling (`CurrentUser`) and may they (`require_roles`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend_shared.auth.tokens import Principal, TokenService
from backend_shared.errors import Forbidden, Unauthorized

# tokenUrl makes Swagger UI's "Authorize" button log in through the form endpoint.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_token_service(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


async def get_current_principal(
    tokens: TokenServiceDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise Unauthorized("Not authenticated")
    return tokens.verify_access_token(token)


CurrentUser = Annotated[Principal, Depends(get_current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets a request through only if the caller has one of `roles`."""
    allowed = frozenset(roles)

    async def check(user: CurrentUser) -> Principal:
        if not allowed & user.roles:
            raise Forbidden("You do not have permission to do this")
        return user

    return check
