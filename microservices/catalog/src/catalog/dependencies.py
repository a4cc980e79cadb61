"""catalog's dependencies: the admin check and the settings.

catalog keeps no accounts, so "admin" is read from the verified token's `roles` claim:
a demoted admin keeps admin rights until the token expires (15 minutes by default). The
monolith (ecommerce-api) reads the role from the account on every request instead; here
that would be a call to identity on every admin request. Short token lifetimes are the
price of not making it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend_shared.auth.dependencies import require_roles
from backend_shared.auth.tokens import Principal
from backend_shared.state import service_state
from catalog.config import Settings

ADMIN = "admin"

Admin = Annotated[Principal, Depends(require_roles(ADMIN))]


async def get_catalog_settings(request: Request) -> Settings:
    settings = service_state(request.app).settings
    assert isinstance(settings, Settings)
    return settings


SettingsDep = Annotated[Settings, Depends(get_catalog_settings)]
