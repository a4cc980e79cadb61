"""Fixtures every service's tests share (each service's conftest provides its `app`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shop_platform.runtime import ShopRuntime


@pytest.fixture
def runtime(app: Any, client: httpx.AsyncClient) -> ShopRuntime:
    """The running app's relay, consumer and database (after `client` started its lifespan)."""
    shop: ShopRuntime = app.state.shop
    return shop
