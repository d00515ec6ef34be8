"""The `outsourcer` command as a user runs it: a real process, a real data directory."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.pg import pg_scratch_database

BIN = Path(sys.executable).parent / "outsourcer"


def run(env: dict[str, str], *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTSOURCER_", "DATABASE_URL", "DJANGO_"))}
    env.update(OUTSOURCER_DATA_DIR=str(data), OUTSOURCER_SECRET_KEY="t" * 50, OUTSOURCER_HTTPS="0")
    return env


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return _env(tmp_path / "data")


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where `outsourcer demo` ran once; tests that start from the demo copy it (running the
    command in each cost most of this file's time). The demo command itself is tested on its own below."""
    data = tmp_path_factory.mktemp("demo-template") / "data"
    run(_env(data), "demo")
    return data


@pytest.fixture
def demo_env(cli_env: dict[str, str], demo_data: Path) -> dict[str, str]:
    """`cli_env` holding the demo workspace, as if `outsourcer demo` had just run there."""
    import shutil

    shutil.copytree(demo_data, cli_env["OUTSOURCER_DATA_DIR"])
    return cli_env


def test_version_and_help():
    assert run(os.environ.copy(), "--version").stdout.startswith("outsourcer ")
    out = run(os.environ.copy(), "--help").stdout
    for command in ("serve", "demo", "migrate", "createuser", "import", "export", "backup", "restore"):
        assert f"  {command} " in out


def test_production_refuses_to_start_without_a_secret_key(cli_env):
    del cli_env["OUTSOURCER_SECRET_KEY"]
    result = run(cli_env, "migrate", check=False)
    assert result.returncode != 0 and "OUTSOURCER_SECRET_KEY is not set" in result.stderr


def test_demo_prints_a_login_that_works(cli_env, tmp_path):
    result = run(cli_env, "demo", "--json")
    login = json.loads(result.stdout)
    assert login["email"] == "owner@brightline.example" and login["url"] == "http://127.0.0.1:8000/"
    check = (
        "from django.contrib.auth import authenticate;"
        f"u = authenticate(username={login['email']!r}, password={login['password']!r});"
        "print(u.memberships.get().workspace.name)"
    )
    assert run(cli_env, "shell", "--no-imports", "-c", check).stdout.strip() == "Brightline Studio"
    # Running it again resets the workspace and the password rather than making a second one.
    again = json.loads(run(cli_env, "demo", "--json").stdout)
    assert again["password"] != login["password"]
    count = run(
        cli_env,
        "shell",
        "--no-imports",
        "-c",
        "from outsourcer.accounts.models import Workspace; print(Workspace.objects.count())",
    )
    assert count.stdout.strip() == "1"


def test_sqlite_runs_in_wal_mode(cli_env, tmp_path):
    run(cli_env, "migrate")
    db = tmp_path / "data" / "outsourcer.sqlite3"
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_createuser_reads_the_password_from_stdin(demo_env):
    result = run(
        demo_env,
        "createuser",
        "pat@example.test",
        "--name",
        "Pat",
        "--workspace",
        "Brightline Studio",
        "--role",
        "viewer",
        "--password-stdin",
        "--json",
        stdin="a-long-enough-passphrase\n",
    )
    assert json.loads(result.stdout) == {
        "email": "pat@example.test",
        "workspace": "Brightline Studio",
        "role": "viewer",
    }
    weak = run(demo_env, "createuser", "weak@example.test", "--password-stdin", stdin="123\n", check=False)
    assert weak.returncode == 2 and "too short" in weak.stderr


def test_import_export_round_trip_through_files(demo_env, tmp_path):
    first = tmp_path / "first.json"
    run(demo_env, "export", "--workspace", "Brightline Studio", "--output", str(first))
    run(demo_env, "import", str(first), "--workspace", "Copy")
    second = run(demo_env, "export", "--workspace", "Copy").stdout
    assert json.loads(second)["workspace"] == {**json.loads(first.read_text())["workspace"], "name": "Copy"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "outsourcer-bundle", "version": 1, "workspace": {"name": "B", "base_currency": 1}}')
    result = run(demo_env, "import", str(bad), "--workspace", "Broken", check=False)
    assert result.returncode == 2
    assert "$.workspace.base_currency: expected string, got int: 1" in result.stderr
    assert run(demo_env, "export", "--workspace", "Broken", check=False).returncode == 2


def _backup_round_trip(env: dict[str, str], tmp_path: Path, *, has_demo: bool = False) -> None:
    if not has_demo:
        run(env, "demo")
    media = Path(env.get("OUTSOURCER_DATA_DIR", "")) / "media" / "docs"
    media.mkdir(parents=True, exist_ok=True)
    (media / "nda.txt").write_text("signed")
    before = run(env, "export", "--workspace", "Brightline Studio").stdout
    archive = tmp_path / "backup.tar.gz"
    info = json.loads(run(env, "backup", str(archive), "--json").stdout)
    assert archive.exists() and info["media_files"] == 1
    # Change everything the backup holds.
    patched = json.loads(before)
    patched["workspace"]["base_currency"] = "EUR"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(patched))
    run(env, "import", str(changed), "--workspace", "Brightline Studio", "--replace")
    run(env, "import", str(changed), "--workspace", "Second")
    (media / "nda.txt").unlink()
    assert run(env, "export", "--workspace", "Brightline Studio").stdout != before
    run(env, "restore", str(archive), "--yes")
    assert run(env, "export", "--workspace", "Brightline Studio").stdout == before
    assert run(env, "export", "--workspace", "Second", check=False).returncode == 2
    assert (media / "nda.txt").read_text() == "signed"


def test_backup_then_restore_gives_the_same_data_sqlite(demo_env, tmp_path):
    _backup_round_trip(demo_env, tmp_path, has_demo=True)


def test_backup_then_restore_gives_the_same_data_postgresql(cli_env, tmp_path):
    import shutil

    require_service(shutil.which("pg_dump") is not None, "pg_dump")
    with pg_scratch_database("outsourcer_cli_backup") as url:
        _backup_round_trip({**cli_env, "DATABASE_URL": url}, tmp_path)


def test_restore_checks_the_archive_before_replacing_anything(demo_env, tmp_path):
    before = run(demo_env, "export", "--workspace", "Brightline Studio").stdout
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    result = run(demo_env, "restore", str(junk), "--yes", check=False)
    assert result.returncode == 2 and "Nothing was changed" in result.stderr
    import tarfile

    fake = tmp_path / "fake.tar.gz"
    bogus_db = tmp_path / "db.sqlite3"
    bogus_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "outsourcer-backup",
                "version": 1,
                "engine": "sqlite",
                "database": "db.sqlite3",
                "media_files": 0,
            }
        )
    )
    with tarfile.open(fake, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
        tar.add(bogus_db, arcname="db.sqlite3")
    result = run(demo_env, "restore", str(fake), "--yes", check=False)
    assert result.returncode == 2
    assert "cannot be read" in result.stderr or "damaged" in result.stderr
    assert run(demo_env, "export", "--workspace", "Brightline Studio").stdout == before


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_loopback_address(demo_env):
    import signal
    import time
    import urllib.request

    cli_env = demo_env
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--workers", "1"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert json.loads(response.read())["status"] == "ok"
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
            page = response.read().decode()
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as response:
            assert response.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def _archive(tmp_path: Path, manifest: dict, files: dict[str, bytes]) -> Path:
    import io
    import tarfile

    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


BASE_MANIFEST = {
    "format": "outsourcer-backup",
    "version": 1,
    "engine": "sqlite",
    "database": "db.sqlite3",
    "media_files": 0,
    "migrations": [],
}


@pytest.mark.parametrize(
    ("manifest", "files", "expected"),
    [
        ({**BASE_MANIFEST, "database": "../../etc/passwd"}, {}, "names '../../etc/passwd' as its database"),
        (BASE_MANIFEST, {"../escape.txt": b"x"}, "unsafe entry"),
        ({**BASE_MANIFEST, "migrations": ["accounts.9999_from_the_future"]}, {"db.sqlite3": b"x"}, "newer version"),
        ({**BASE_MANIFEST, "engine": "postgresql"}, {}, "this installation uses sqlite"),
    ],
    ids=["manifest-path", "dotdot", "newer", "engine"],
)
def test_restore_refuses_crafted_archives(demo_env, tmp_path, manifest, files, expected):
    before = run(demo_env, "export", "--workspace", "Brightline Studio").stdout
    result = run(demo_env, "restore", str(_archive(tmp_path, manifest, files)), "--yes", check=False)
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    assert run(demo_env, "export", "--workspace", "Brightline Studio").stdout == before


def test_backups_are_readable_by_their_owner_only(demo_env, tmp_path):
    archive = tmp_path / "b.tar.gz"
    run(demo_env, "backup", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
