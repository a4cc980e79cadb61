"""The README's curl walk-through, run for real against a live server: register, write an
article, comment, favourite, read the feed, and watch the cache answer HIT, then MISS after
a write."""

from __future__ import annotations

from pathlib import Path

from backend_shared.testing.live import live_server
from backend_shared.testing.readme import (
    assert_output_matches,
    run_walkthrough,
    walkthrough_steps,
)
from blog_api.config import Settings
from blog_api.main import create_app

README = Path(__file__).parents[1] / "README.md"
VOLATILE = frozenset({"token", "id", "createdAt", "updatedAt"})


def test_the_readme_walkthrough_works_as_written(settings: Settings) -> None:
    steps = walkthrough_steps(README)
    assert len(steps) == 9
    with live_server(create_app(settings)) as url:
        outputs = run_walkthrough(steps, url)
    for output, step in zip(outputs, steps, strict=True):
        assert_output_matches(output, step, volatile=VOLATILE)
