"""What a service's lifespan opened, held in one typed object on `app.state.service`
instead of loose string keys: `service_state(app).database`, not `app.state.db`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.datastructures import State

if TYPE_CHECKING:
    from backend_shared.auth.guesses import GuessLimiter
    from backend_shared.auth.refresh import RefreshTokenStore
    from backend_shared.auth.tokens import TokenService
    from backend_shared.db import Database, MongoHandle
    from backend_shared.ratelimit import RateLimiter
    from backend_shared.redis import RedisHandle
    from backend_shared.settings import CoreSettings


@dataclass(slots=True)
class ServiceState:
    settings: CoreSettings
    tokens: TokenService | None = None
    mongo: MongoHandle | None = None
    redis: RedisHandle | None = None
    rate_limiter: RateLimiter | None = None
    refresh_tokens: RefreshTokenStore | None = None
    guesses: GuessLimiter | None = None

    @property
    def database(self) -> Database:
        if self.mongo is None:
            raise RuntimeError("this service was built without a database (database=False)")
        return self.mongo.db

    def require(self, name: str) -> Any:
        """An attribute the service must have opted into; a clear error if it did not."""
        value = getattr(self, name)
        if value is None:
            raise RuntimeError(f"this service has no {name}: enable it in create_service_app")
        return value


def service_state(app: Any) -> ServiceState:
    state: State = app.state
    service: ServiceState = state.service
    return service
