"""orders' settings: its own database, identity's keys, and how it calls catalog."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop_platform.settings import ShopServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(ShopServiceSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "orders"
    mongodb_db: str = "orders"
    store_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")

    catalog_url: str = "http://127.0.0.1:8002"
    # One price lookup may take this long; it is retried this many times (a GET is safe
    # to repeat), then checkout answers 503.
    catalog_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    catalog_retries: int = Field(default=1, ge=0, le=5)
    # After this many failed calls in a row, calls fail at once for the open period.
    catalog_breaker_failures: int = Field(default=5, ge=1)
    catalog_breaker_open_seconds: float = Field(default=10.0, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
