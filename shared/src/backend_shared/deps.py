"""Named dependency types for what the lifespan opened, so routes read like prose."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from backend_shared.auth.guesses import GuessLimiter
from backend_shared.auth.refresh import RefreshTokenStore
from backend_shared.db import Database
from backend_shared.ratelimit import RateLimiter
from backend_shared.redis import RedisHandle
from backend_shared.settings import CoreSettings
from backend_shared.state import service_state

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ServiceSettings = TypeVar("ServiceSettings", bound=CoreSettings)


async def get_db(request: Request) -> Database:
    # Read from `app.state.db`, which the lifespan sets: tests swap in a counting wrapper.
    db: Database = request.app.state.db
    return db


async def get_redis(request: Request) -> RedisHandle | None:
    return service_state(request.app).redis


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = service_state(request.app).require("rate_limiter")
    return limiter


async def get_refresh_tokens(request: Request) -> RefreshTokenStore:
    store: RefreshTokenStore = service_state(request.app).require("refresh_tokens")
    return store


async def get_guesses(request: Request) -> GuessLimiter:
    guesses: GuessLimiter = service_state(request.app).require("guesses")
    return guesses


async def get_settings(request: Request) -> CoreSettings:
    return service_state(request.app).settings


def settings_dependency(
    cls: type[ServiceSettings],
) -> Callable[[Request], Awaitable[ServiceSettings]]:
    """A dependency for the app's settings as the service's own class, defined once per
    service: `SettingsDep = Annotated[Settings, Depends(settings_dependency(Settings))]`.
    An app built with other settings is a programming error, and says so."""

    async def app_settings(request: Request) -> ServiceSettings:
        settings = service_state(request.app).settings
        if not isinstance(settings, cls):
            raise TypeError(f"the app runs on {type(settings).__name__}, not {cls.__name__}")
        return settings

    return app_settings


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[IpNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def resolve_client_address(peer: str, forwarded_for: str | None, trusted: list[str]) -> str:
    """The client's address: the TCP peer, unless the peer is a trusted proxy, in which
    case the right-most address in X-Forwarded-For that is not itself a trusted proxy
    (every hop appends; only what trusted hops appended can be believed)."""
    networks = _networks(tuple(trusted))
    if not networks or not forwarded_for or not _is_trusted(peer, networks):
        return peer
    address = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # garbage from beyond the last trusted hop
        address = hop
        if not _is_trusted(hop, networks):
            return hop
    return address


async def client_address(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    settings = service_state(request.app).settings
    return resolve_client_address(
        peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies
    )


DbDep = Annotated[Database, Depends(get_db)]
RedisDep = Annotated[RedisHandle | None, Depends(get_redis)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
RefreshTokensDep = Annotated[RefreshTokenStore, Depends(get_refresh_tokens)]
GuessesDep = Annotated[GuessLimiter, Depends(get_guesses)]
ClientAddressDep = Annotated[str, Depends(client_address)]
