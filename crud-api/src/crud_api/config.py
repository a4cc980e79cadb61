"""crud-api settings: the shared ones, with this service's name and database."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from backend_shared.settings import BaseServiceSettings

PROJECT_DIR = Path(__file__).resolve().parents[2]


class Settings(BaseServiceSettings):
    # crud-api/.env (copied from .env.example), whatever directory the server starts in.
    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    service_name: str = "crud-api"
    mongodb_db: str = "crud_api"


@lru_cache
def get_settings() -> Settings:
    return Settings()
