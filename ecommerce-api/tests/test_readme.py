"""The README's curl walk-through, run for real against a live server: an admin creates a
product with an image, a customer fills a cart, checks out (and retries), pays through the
fake provider's webhook, and the admin ships the order."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from backend_shared.testing.live import live_server
from backend_shared.testing.readme import (
    assert_output_matches,
    run_walkthrough,
    walkthrough_steps,
)
from ecommerce_api.config import Settings
from ecommerce_api.main import create_app

README = Path(__file__).parents[1] / "README.md"
VOLATILE = frozenset(
    {
        "id",
        "user_id",
        "product_id",
        "order_id",
        "event_id",
        "intent_id",
        "url",
        "thumbnail_url",
        "created_at",
        "updated_at",
        "expires_at",
        "at",
    }
)


def test_the_readme_walkthrough_works_as_written(settings: Settings) -> None:
    settings.admin_email = "admin@example.com"
    settings.admin_password = SecretStr("change-me-admin")
    steps = walkthrough_steps(README)
    assert len(steps) == 13
    with live_server(create_app(settings)) as url:
        outputs = run_walkthrough(steps, url)
    for output, step in zip(outputs, steps, strict=True):
        assert_output_matches(output, step, volatile=VOLATILE)
