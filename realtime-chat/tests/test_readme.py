"""The README's walk-through, run as written against a live server: what a newcomer copies
must work and print what the README says it prints."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def readme_block(after_heading: str, language: str) -> str:
    text = README.read_text()
    section = text.split(f"## {after_heading}", 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block under '{after_heading}'"
    return match.group(1)


async def test_the_readme_walk_through_runs_and_prints_what_it_promises(
    live_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "walkthrough.py"
    script.write_text(readme_block("Walk-through with the Python client", "python"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(script), live_url, stdout=asyncio.subprocess.PIPE
    )
    async with asyncio.timeout(60):
        output, _ = await process.communicate()
    assert process.returncode == 0
    promised = readme_block("Walk-through with the Python client", "text").strip()
    assert output.decode().strip() == promised
