"""Settings every shop service adds to the shared mixins: events, tracing, test hooks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend_shared.settings import (
    ConfigError,
    CoreSettings,
    MongoSettings,
    RedisSettings,
    TokenVerifierSettings,
)


class EventSettings(RedisSettings):
    # A message is handed to its handler at most this many times, then dead-lettered.
    stream_max_deliveries: int = Field(default=5, ge=1, le=100)
    # A message pending this long (its consumer died, or its handler failed) is taken over
    # by another consumer of the group. Longer than the slowest handler, or a slow handler's
    # message is handled twice at once (the inbox makes that harmless, not free).
    stream_claim_idle_ms: int = Field(default=30_000, ge=0)
    stream_block_ms: int = Field(default=1_000, ge=1, le=60_000)
    # How often the outbox relay looks for unpublished events it was not told about (a
    # write wakes it at once; this catches what a crashed process left behind).
    outbox_poll_seconds: float = Field(default=1.0, gt=0, le=60)


class TelemetrySettings(CoreSettings):
    # none: no spans are recorded; console: printed; otlp: sent to OTEL_EXPORTER_OTLP_ENDPOINT.
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    otel_exporter_otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"


class CheckpointSettings(CoreSettings):
    # Test-only pauses at chosen moments (docs in shop_platform.checkpoints). Never in
    # production: a checkpoint stops the process.
    test_checkpoints: bool = False

    def check(self) -> None:
        if self.is_production and self.test_checkpoints:
            raise ConfigError("TEST_CHECKPOINTS must not be set when APP_ENV=production")
        super().check()


class ShopSettings(EventSettings, TelemetrySettings, CheckpointSettings):
    """What every shop service has, whether or not it has a database."""


class ShopServiceSettings(ShopSettings, MongoSettings, TokenVerifierSettings):
    """A service with its own database that verifies identity's tokens (catalog, orders,
    notifier): `JWT_ALGORITHM=EdDSA` and `JWT_JWKS_URL` pointing at identity."""

    jwt_algorithm: str = "EdDSA"
    jwt_jwks_url: str | None = "http://127.0.0.1:8001/.well-known/jwks.json"
