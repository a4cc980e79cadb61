"""A minimal service built with the shared factory, to test shared behaviour directly."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends

from backend_shared.app import create_service_app
from backend_shared.auth.dependencies import CurrentPrincipal, require_roles
from backend_shared.auth.tokens import Principal
from backend_shared.settings import BaseServiceSettings

router = APIRouter()


@router.get("/whoami")
async def whoami(user: CurrentPrincipal) -> dict[str, Any]:
    return {"id": user.id, "roles": sorted(user.roles)}


@router.get("/admin")
async def admin_only(user: Annotated[Principal, Depends(require_roles("admin"))]) -> dict[str, str]:
    return {"hello": user.id}


@pytest.fixture
def settings_values(service_settings: dict[str, Any]) -> dict[str, Any]:
    return service_settings


@pytest.fixture
def app(settings_values: dict[str, Any]) -> Any:
    return create_service_app(
        BaseServiceSettings(**settings_values), title="t", description="d", routers=[router]
    )
