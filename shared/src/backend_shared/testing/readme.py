"""Run a README's curl walk-through for real and compare what it prints with the README.

A walk-through is the part of a README under a heading (default "## Walk-through"): each
```bash block is followed by the block showing its output (```json or ```text). All bash
blocks run in one shell, in order, so variables carry over; the first `API=...` line is
pointed at the server under test."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
_MARKER = "@@walkthrough-step@@"


@dataclass(frozen=True)
class Step:
    script: str
    expected: str
    kind: str  # "json" or "text"


def walkthrough_steps(readme: Path, heading: str = "## Walk-through") -> list[Step]:
    text = readme.read_text()
    section = text.split(heading, 1)[1]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    blocks = _BLOCK.findall(section)
    steps = []
    for (lang, script), (kind, expected) in zip(blocks[::2], blocks[1::2], strict=True):
        assert lang == "bash", f"expected a bash block, got {lang!r}"
        steps.append(Step(script=script, expected=expected.strip(), kind=kind))
    return steps


def run_walkthrough(steps: list[Step], base_url: str, *, timeout: float = 120) -> list[str]:
    """Run every step's script in one bash process; return each step's output."""
    parts = ["set -euo pipefail"]
    for step in steps:
        script = re.sub(r"^API=\S+", f"API={base_url}", step.script, count=1, flags=re.M)
        parts += [script, f"echo; echo {_MARKER}"]
    result = subprocess.run(
        ["bash", "-c", "\n".join(parts)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"walk-through failed:\n{result.stdout}\n{result.stderr}"
    outputs = result.stdout.split(_MARKER)[:-1]
    assert len(outputs) == len(steps)
    return [output.strip() for output in outputs]


def assert_output_matches(actual: str, step: Step, *, volatile: frozenset[str]) -> None:
    """Equal to the README's output, except the values of `volatile` keys (ids, times,
    tokens), which only need to be present with a value of the same type."""
    if step.kind != "json":
        assert actual == step.expected, f"{step.script}\n-> {actual!r}"
        return
    expected_lines = step.expected.splitlines()
    actual_lines = actual.splitlines()
    assert len(actual_lines) == len(expected_lines), f"{step.script}\n-> {actual}"
    for got, want in zip(actual_lines, expected_lines, strict=True):
        _compare(json.loads(got), json.loads(want), volatile, path="$")


def _compare(got: Any, want: Any, volatile: frozenset[str], *, path: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: {got!r} is not an object"
        assert set(got) == set(want), f"{path}: keys {sorted(got)} != {sorted(want)}"
        for key, value in want.items():
            if key in volatile:
                assert type(got[key]) is type(value), f"{path}.{key}: {got[key]!r}"
            else:
                _compare(got[key], value, volatile, path=f"{path}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), f"{path}: {got!r} is not a list"
        assert len(got) == len(want), f"{path}: {len(got)} items, README shows {len(want)}"
        for index, (item, wanted) in enumerate(zip(got, want, strict=True)):
            _compare(item, wanted, volatile, path=f"{path}[{index}]")
    else:
        assert got == want, f"{path}: {got!r} != README's {want!r}"
