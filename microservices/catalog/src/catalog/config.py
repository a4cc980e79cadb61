"""catalog's settings: its own database, identity's keys, the store's currency."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop_platform.settings import ShopServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(ShopServiceSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "catalog"
    mongodb_db: str = "catalog"
    store_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


@lru_cache
def get_settings() -> Settings:
    return Settings()
