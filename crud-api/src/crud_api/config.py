"""crud-api settings: the shared ones, with this service's name and database."""

from functools import lru_cache

from backend_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    service_name: str = "crud-api"
    mongodb_db: str = "crud_api"


@lru_cache
def get_settings() -> Settings:
    return Settings()
