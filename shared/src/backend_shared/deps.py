"""Named dependency types for what the lifespan opened, so routes read like prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.db import Database
from backend_shared.ratelimit import RateLimiter
from backend_shared.redis import RedisHandle


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_redis(request: Request) -> RedisHandle | None:
    redis: RedisHandle | None = request.app.state.redis
    return redis


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def get_refresh_tokens(request: Request) -> RefreshTokenStore:
    store: RefreshTokenStore = request.app.state.refresh_tokens
    return store


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


DbDep = Annotated[Database, Depends(get_db)]
RedisDep = Annotated[RedisHandle | None, Depends(get_redis)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
RefreshTokensDep = Annotated[RefreshTokenStore, Depends(get_refresh_tokens)]
ClientAddressDep = Annotated[str, Depends(client_address)]
