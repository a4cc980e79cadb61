"""ecommerce-api settings: the shared ones, plus the shop's currency, payment, upload and
storage settings, each checked so that production cannot start with a placeholder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import EmailStr, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import (
    REPO_ROOT,
    AppEnv,
    BaseServiceSettings,
    CommaList,
    ConfigError,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEV_WEBHOOK_SECRET = "whsec_development_only_not_a_secret"  # noqa: S105 - refused in production


class Settings(BaseServiceSettings):
    # ecommerce-api/.env (copied from .env.example), whatever directory the server starts in.
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "ecommerce-api"
    mongodb_db: str = "ecommerce_api"
    # Every account made through /auth/signup is a customer; admins are made by an admin
    # (or bootstrapped from ADMIN_EMAIL / ADMIN_PASSWORD).
    default_account_roles: CommaList = Field(default_factory=lambda: ["customer"])

    # One currency for the whole store; every amount is an integer in its minor units.
    store_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    # An unpaid order gives its reserved stock back after this long.
    order_payment_timeout_seconds: int = Field(default=900, gt=0)
    # How often each instance looks for unpaid orders past their time (0: never).
    expiry_sweep_seconds: float = Field(default=30.0, ge=0)
    # How long a page of GET /products may be served from this instance's memory; this
    # instance's own writes drop it at once (0: no caching).
    catalogue_cache_seconds: float = Field(default=1.0, ge=0)
    # How long a duplicate checkout waits for the first one with the same key to finish.
    idempotency_wait_seconds: float = Field(default=10.0, gt=0)

    admin_email: EmailStr | None = None
    admin_password: SecretStr | None = None

    # Stripe-style webhook signing secret shared with the payment provider.
    payment_webhook_secret: SecretStr = SecretStr(DEV_WEBHOOK_SECRET)
    payment_webhook_tolerance_seconds: int = Field(default=300, gt=0)

    max_image_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(default=40_000_000, gt=0)
    thumbnail_size: int = Field(default=320, gt=0)

    # Images: a local directory (served at /media/...) unless an S3 bucket is configured.
    # Beside the embedded engine's data, so `make clean-data` wipes both.
    media_dir: Path = REPO_ROOT / ".data" / "ecommerce-api" / "media"
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    @field_validator(
        "admin_email",
        "admin_password",
        "s3_bucket",
        "s3_endpoint",
        "s3_access_key_id",
        "s3_secret_access_key",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `ADMIN_EMAIL=` in an env file or compose means "not set", not "the empty address".
        return None if value == "" else value

    @property
    def dev_endpoints_enabled(self) -> bool:
        """`/dev/payments/...` exists only where nobody can pay with it for real."""
        return self.app_env in (AppEnv.DEVELOPMENT, AppEnv.TEST)

    def check(self) -> None:
        super().check()
        if self.admin_password is not None and len(self.admin_password.get_secret_value()) < 8:
            raise ConfigError("ADMIN_PASSWORD must be at least 8 characters")
        if not self.is_production:
            return
        if self.payment_webhook_secret.get_secret_value() == DEV_WEBHOOK_SECRET:
            raise ConfigError("PAYMENT_WEBHOOK_SECRET is required when APP_ENV=production")
        if bool(self.admin_email) != bool(self.admin_password):
            raise ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all")


@lru_cache
def get_settings() -> Settings:
    return Settings()
