"""notifier on a fresh database per test, sending to an SMTP server the test reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from notifier.config import Settings
from notifier.main import create_app
from shop_platform.testing import IdentityKeys, Mailbox


@pytest.fixture
def keys() -> IdentityKeys:
    return IdentityKeys()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def settings_values(
    service_settings: dict[str, Any], keys: IdentityKeys, mailbox: Mailbox
) -> dict[str, Any]:
    return {
        **service_settings,
        **keys.verifier_settings(),
        "smtp_url": f"smtp://127.0.0.1:{mailbox.port}",
        "smtp_backoff_seconds": 0,
        "stream_max_deliveries": 3,
        "stream_claim_idle_ms": 0,
    }


@pytest.fixture
def app(settings_values: dict[str, Any]) -> Any:
    return create_app(Settings(**settings_values), run_workers=False)
