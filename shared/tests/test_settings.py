"""Start-up checks: production refuses unsafe settings with a one-line reason, and
development keeps a generated secret across restarts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backend_shared.app import create_service_app
from backend_shared.settings import BaseServiceSettings

STRONG_SECRET = "s" * 32


def production(**values: object) -> BaseServiceSettings:
    defaults: dict[str, object] = {
        "app_env": "production",
        "jwt_secret": STRONG_SECRET,
        "mongodb_url": "mongodb://db.example:27017",
        "redis_url": "redis://cache.example:6379/0",
        "_env_file": None,
    }
    return BaseServiceSettings(**(defaults | values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"jwt_secret": None}, "refusing to start: JWT_SECRET is required when APP_ENV=production"),
        (
            {"jwt_secret": "s" * 31},
            "refusing to start: JWT_SECRET must be at least 32 bytes when APP_ENV=production",
        ),
        (
            {"mongodb_url": None},
            "refusing to start: MONGODB_URL is required when APP_ENV=production",
        ),
    ],
)
def test_production_refuses_to_start(values: dict[str, object], reason: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        create_service_app(production(**values), title="t", description="d")
    assert str(exit_info.value) == reason


def test_production_starts_with_a_strong_secret_and_a_database() -> None:
    app = create_service_app(production(), title="t", description="d")
    assert app.title == "t"


def test_the_refusal_is_one_line_on_stderr(tmp_path: Path) -> None:
    script = (
        "from backend_shared.app import create_service_app\n"
        "from backend_shared.settings import BaseServiceSettings\n"
        "create_service_app(BaseServiceSettings(_env_file=None), title='t', description='d')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "APP_ENV": "production",
            "MONGODB_URL": "mongodb://x",
            "REDIS_URL": "redis://x",
            "PATH": "",
        },
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "refusing to start: JWT_SECRET is required when APP_ENV=production"
    )
    assert "Traceback" not in result.stderr


def test_development_generates_a_secret_once_and_keeps_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret_file = tmp_path / ".secrets" / "jwt_secret"
    first = BaseServiceSettings(dev_secret_file=secret_file, _env_file=None)  # type: ignore[call-arg]
    key = first.symmetric_secret
    assert len(key) >= 32
    assert "generated a development secret" in caplog.text
    assert secret_file.stat().st_mode & 0o777 == 0o600
    restarted = BaseServiceSettings(dev_secret_file=secret_file, _env_file=None)  # type: ignore[call-arg]
    assert restarted.symmetric_secret == key


def test_cors_origins_are_read_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:3000, http://localhost:5173")
    settings = BaseServiceSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["http://localhost:3000", "http://localhost:5173"]
