"""The README's walk-through, run through the gateway of the running shop."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from backend_shared.testing.readme import assert_output_matches, run_walkthrough, walkthrough_steps
from shop_platform.processes import Shop

README = Path(__file__).parents[1] / "README.md"


def test_the_readme_walkthrough_works_through_the_gateway(shop: Shop) -> None:
    steps = [
        # The one direct call goes to orders' port in `make run`; here it has its own.
        replace(step, script=step.script.replace("http://127.0.0.1:8003", shop.url("orders")))
        for step in walkthrough_steps(README)
    ]
    assert len(steps) == 7
    outputs = run_walkthrough(steps, shop.gateway)
    for output, step in zip(outputs, steps, strict=True):
        assert_output_matches(output, step, volatile=frozenset())
