"""Issue 11 item 11: GRIDCARE_ENV=production is clean under ``check --deploy`` and refuses to start
with the public SECRET_KEY or DEBUG on; every page carries a Content-Security-Policy with no
outside source, and no template has inline code it would block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from gridcare.core.security import CSP, PUBLIC_SECRET_KEY
from gridcare.core.testing import City, signed_in

ROOT = Path(settings.BASE_DIR)
SECRET = "kV3p9-" + "q8Zr2mW7xT1nB5cY4hJ6dL0sF9gA3eU8iO2wP7tK1vR5bN4"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRIDCARE_", "DEBUG"))}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def production(tmp_path: Path, **env: str) -> dict[str, str]:
    return {
        "GRIDCARE_ENV": "production",
        "SECRET_KEY": SECRET,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "gridcare.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://gridcare.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env,
    }


def test_check_deploy_is_clean_under_the_production_profile(tmp_path: Path) -> None:
    env = production(tmp_path)
    # The URL configuration reads tariffs when it loads, so the check needs a migrated database.
    migrated = manage("migrate", "--skip-checks", "-v0", **env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    checked = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert checked.returncode == 0, checked.stdout + checked.stderr[-2000:]
    assert checked.stdout.strip() == "System check identified no issues (1 silenced)."


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": PUBLIC_SECRET_KEY}, "needs its own SECRET_KEY"),
        ({"SECRET_KEY": "short-key"}, "needs its own SECRET_KEY"),
        ({"DEBUG": "1"}, "refuses DEBUG=1"),
        ({"GRIDCARE_ENV": "prod"}, "GRIDCARE_ENV must be development or production"),
    ],
)
def test_production_refuses_to_start(tmp_path: Path, env: dict[str, str], message: str) -> None:
    refused = manage("check", **production(tmp_path, **env))
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and message in refused.stderr


def test_pages_carry_a_policy_with_no_outside_source(town: City) -> None:
    for path in ("/login/", "/", "/halls/H1/kiosk/", "/api/v1/me"):
        response = signed_in(town.clerk).get(path)
        assert response["Content-Security-Policy"] == CSP, path
    assert "http" not in CSP and "unsafe" not in CSP


def test_no_template_has_inline_script_style_or_handler() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"")
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("gridcare/*/templates/**/*.html")]
    assert len(templates) > 50
    found = [f"{t.relative_to(ROOT)}: {m.group(0)}" for t in templates for m in inline.finditer(t.read_text())]
    assert found == []
