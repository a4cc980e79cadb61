"""gateway's settings: where each upstream is, how long each may take, when a breaker
opens, how many requests a client may make, and identity's keys."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import TokenVerifierSettings
from shop_platform.settings import ShopSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(ShopSettings, TokenVerifierSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "gateway"
    jwt_algorithm: str = "EdDSA"
    jwt_jwks_url: str | None = "http://127.0.0.1:8001/.well-known/jwks.json"

    identity_url: str = "http://127.0.0.1:8001"
    catalog_url: str = "http://127.0.0.1:8002"
    orders_url: str = "http://127.0.0.1:8003"
    notifier_url: str = "http://127.0.0.1:8004"

    # How long an upstream may take to answer (504 after); checkout calls catalog first.
    upstream_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    checkout_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    # After this many failed calls in a row to one upstream (no answer: refused, reset,
    # timed out), its calls fail at once with 503 for the open period.
    breaker_failures: int = Field(default=5, ge=1)
    breaker_open_seconds: float = Field(default=10.0, gt=0)
    # Requests per client address per minute, counted in Redis across gateway replicas;
    # each replica pushes its counts every sync interval (see gateway.ratelimit).
    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_sync_seconds: float = Field(default=0.1, gt=0, le=10)
    # How long the merged API document is kept before the upstreams are asked again.
    docs_cache_seconds: float = Field(default=30.0, ge=0)

    def upstream_urls(self) -> dict[str, str]:
        return {
            "identity": self.identity_url,
            "catalog": self.catalog_url,
            "orders": self.orders_url,
            "notifier": self.notifier_url,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
