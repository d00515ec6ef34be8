"""Production settings: secure by default, and `check --deploy` has nothing to say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _prod_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # A production-like process of its own, on SQLite, whichever database the suite itself runs on.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTSOURCER_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        OUTSOURCER_DATA_DIR=str(tmp_path),
        OUTSOURCER_ALLOWED_HOSTS="outsourcer.example.com",
        OUTSOURCER_SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8" * 4,
        OUTSOURCER_EMAIL_HOST="smtp.example.com",
        **extra,
    )
    return env


def test_check_deploy_passes_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=_prod_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_headers(tmp_path):
    code = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='outsourcer.example.com').get('/accounts/login/', secure=True);"
        "print(r.status_code); print(r['Content-Security-Policy']); print(r['Strict-Transport-Security']);"
        "print(r.cookies['csrftoken']['secure'])"
    )
    env = _prod_env(tmp_path)
    for step in (["migrate", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *step], env=env, check=True, timeout=120)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, csp, hsts, secure_cookie = result.stdout.strip().splitlines()[-4:]
    assert status == "200", result.stderr
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert hsts.startswith("max-age=31536000")
    assert secure_cookie == "True"


def test_passwords_are_hashed_with_argon2_in_production(tmp_path):
    code = "from django.contrib.auth.hashers import make_password; print(make_password('x').split('$')[0])"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        env=_prod_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "argon2", result.stderr


def test_sqlite_has_a_busy_timeout(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    env = _prod_env(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "20000", result.stderr


def test_check_deploy_warns_when_emails_would_only_be_printed(tmp_path):
    env = _prod_env(tmp_path)
    del env["OUTSOURCER_EMAIL_HOST"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "outsourcer.W001" in result.stdout + result.stderr
