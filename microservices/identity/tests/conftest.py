"""identity on a fresh database per test, with a signing key the test knows."""

from __future__ import annotations

from typing import Any

import pytest

from backend_shared.auth.keys import private_pem
from identity.config import Settings
from identity.main import create_app
from shop_platform.testing import IdentityKeys

ADMIN = {"admin_email": "root@example.com", "admin_password": "root-password-1"}


@pytest.fixture
def keys() -> IdentityKeys:
    return IdentityKeys()


@pytest.fixture
def settings_values(service_settings: dict[str, Any], keys: IdentityKeys) -> dict[str, Any]:
    values = {k: v for k, v in service_settings.items() if k != "jwt_secret"}
    return {**values, "jwt_private_key": private_pem(keys.private_key), **ADMIN}


@pytest.fixture
def app(settings_values: dict[str, Any]) -> Any:
    return create_app(Settings(**settings_values), run_workers=False)
