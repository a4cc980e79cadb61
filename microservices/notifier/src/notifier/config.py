"""notifier's settings: its own database, identity's keys, and the mail server."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import ConfigError
from shop_platform.settings import ShopServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(ShopServiceSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "notifier"
    mongodb_db: str = "notifier"

    # smtp://host:port. Unset: an embedded SMTP server (aiosmtpd) receives the mail and
    # logs it; `make run` starts one on port 8025 and sets this to it.
    smtp_url: str | None = None
    mail_from: str = "shop@example.com"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # Tries per delivery of an event, with a doubling pause; after them the event goes
    # back to the stream (delivered again later, dead-lettered after STREAM_MAX_DELIVERIES).
    smtp_attempts: int = Field(default=3, ge=1, le=10)
    smtp_backoff_seconds: float = Field(default=0.2, ge=0)

    def check(self) -> None:
        if self.is_production and not self.smtp_url:
            raise ConfigError("SMTP_URL is required when APP_ENV=production")
        super().check()


@lru_cache
def get_settings() -> Settings:
    return Settings()
