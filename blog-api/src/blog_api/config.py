"""blog-api settings: the shared ones, with this service's name, database, token lifetime
and cache TTL."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import BaseServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(BaseServiceSettings):
    # blog-api/.env (copied from .env.example), whatever directory the server starts in.
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "blog-api"
    mongodb_db: str = "blog_api"
    # RealWorld has no refresh flow: front ends keep the one token until it stops working,
    # so a 15-minute token would sign readers out mid-article.
    access_token_ttl_seconds: int = Field(default=24 * 3600, gt=0)
    # How long a cached anonymous read may live. Writes invalidate at once; the TTL only
    # bounds what a write made while Redis was unreachable can leave behind.
    cache_ttl_seconds: int = Field(default=60, gt=0)
    # After a Redis error, how long to serve from MongoDB before trying Redis again.
    cache_retry_seconds: float = Field(default=5.0, ge=0)
    # How long one cache call may take before the read is served from MongoDB instead.
    cache_timeout_seconds: float = Field(default=0.5, gt=0, le=10)


@lru_cache
def get_settings() -> Settings:
    return Settings()
