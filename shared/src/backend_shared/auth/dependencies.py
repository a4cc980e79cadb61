"""FastAPI dependencies: the verified token (`CurrentPrincipal`) and role checks on it.

A service with accounts of its own checks more than the signature: see
`backend_shared.accounts.dependencies.CurrentAccount`, which also refuses a token whose
session has ended."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from backend_shared.auth.tokens import Principal, TokenService
from backend_shared.errors import Forbidden, Unauthorized

# tokenUrl makes Swagger UI's "Authorize" button log in through the form endpoint.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_token_service(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]

# The bearer token, or None; naming this dependency is what puts the scheme in OpenAPI.
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]


async def verify_bearer(request: Request, token: str | None) -> Principal:
    """Who the request's bearer token speaks for; Unauthorized without a valid one."""
    if not token:
        raise Unauthorized("Not authenticated")
    tokens: TokenService = request.app.state.tokens
    return await tokens.verify(token)


# Dependencies sit on every request, and FastAPI solves each one it is given (a few
# microseconds apiece): this takes the request itself rather than a chain of small ones.
async def get_current_principal(request: Request, token: BearerToken) -> Principal:
    return await verify_bearer(request, token)


CurrentPrincipal = Annotated[Principal, Depends(get_current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Admit a caller whose token carries one of `roles`. Roles in a token last until it
    expires; where demotion must act at once, use `require_account_roles`."""
    allowed = frozenset(roles)

    async def check(user: CurrentPrincipal) -> Principal:
        if not allowed & user.roles:
            raise Forbidden("You do not have permission to do this")
        return user

    return check
