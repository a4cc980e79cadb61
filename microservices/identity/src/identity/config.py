"""identity's settings: the shared accounts (its own database), asymmetric signing keys,
the audiences its tokens are for, and the first admin."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import EmailStr, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from backend_shared.settings import AccountSettings, CommaList, ConfigError, MongoSettings
from shop_platform.settings import ShopSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHOP_AUDIENCES = ["gateway", "identity", "catalog", "orders", "notifier"]


class Settings(AccountSettings, MongoSettings, ShopSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "identity"
    mongodb_db: str = "identity"
    # Asymmetric: every other service verifies with the public key from the JWKS and
    # holds no secret that could mint a token.
    jwt_algorithm: str = "EdDSA"
    # The services an access token is valid for; each accepts only its own name.
    jwt_token_audiences: CommaList = Field(default_factory=lambda: list(SHOP_AUDIENCES))
    default_account_roles: CommaList = Field(default_factory=lambda: ["customer"])

    admin_email: EmailStr | None = None
    admin_password: SecretStr | None = None

    def check(self) -> None:
        if self.admin_password is not None and len(self.admin_password.get_secret_value()) < 8:
            raise ConfigError("ADMIN_PASSWORD must be at least 8 characters")
        if bool(self.admin_email) != bool(self.admin_password):
            raise ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all")
        super().check()


@lru_cache
def get_settings() -> Settings:
    return Settings()
