"""Backup and restore of the data directory: the database plus uploaded files, in one archive.

SQLite is copied with its online backup API, so the app can keep running; PostgreSQL goes through
`pg_dump` / `pg_restore`. A restore checks the whole archive before it replaces anything.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from outsourcer import __version__

BACKUP_FORMAT = "outsourcer-backup"
BACKUP_VERSION = 1

Progress = Callable[[int, int], None]


class BackupError(Exception):
    """The archive cannot be used; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str
    created_at: str
    app_version: str
    media_files: int
    size_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "engine": self.engine,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "media_files": self.media_files,
            "size_bytes": self.size_bytes,
        }


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _pg_env() -> dict[str, str]:
    """libpq's own variables: a password in argv would show in every process list."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def _copy_sqlite(target: Path, progress: Progress | None) -> None:
    source = sqlite3.connect(_sqlite_path())
    dest = sqlite3.connect(target)
    try:

        def step(status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        source.backup(dest, pages=256, progress=step)
    finally:
        dest.close()
        source.close()


def _dump_postgres(target: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], "pg_dump")


def _run(argv: list[str], tool: str) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{tool} is not installed; it is needed for PostgreSQL backups.")
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=_pg_env())  # noqa: S603
    if result.returncode != 0:
        # The URL may carry a password; report only the tool's own words.
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:500]}")


def backup_create(*, path: Path, progress: Progress | None = None) -> BackupInfo:
    """Write one archive with the database and the uploaded files, atomically."""
    engine = _engine()
    media = Path(settings.MEDIA_ROOT)
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="outsourcer-backup-") as tmp:
        db_name = "db.sqlite3" if engine == "sqlite" else "db.pgdump"
        db_copy = Path(tmp) / db_name
        if engine == "sqlite":
            _copy_sqlite(db_copy, progress)
        else:
            _dump_postgres(db_copy)
        media_files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest: dict[str, Any] = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "engine": engine,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "app_version": __version__,
            "database": db_name,
            "media_files": len(media_files),
            "migrations": _applied_migrations(),
        }
        partial = path.with_name(path.name + ".partial")
        # Password hashes and sessions are inside: readable by the owner only, from the first byte.
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(db_copy, arcname=db_name)
            for file in media_files:
                archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
        partial.replace(path)
    return BackupInfo(
        path=path,
        engine=engine,
        created_at=manifest["created_at"],
        app_version=__version__,
        media_files=len(media_files),
        size_bytes=path.stat().st_size,
    )


def _safe_members(archive: tarfile.TarFile, room: int) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds an unsafe entry: {member.name!r}.")
    if sum(m.size for m in members) > room:
        raise BackupError("The archive unpacks to more than the free disk space.")
    return members


def _check_sqlite_copy(db_file: Path) -> None:
    try:
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as conn:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise BackupError(f"The database in the archive is damaged: {status}.")
            applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The database in the archive cannot be read: {exc}.") from exc
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(applied - known)
    if unknown:
        raise BackupError(
            "The backup comes from a newer version of Outsourcer (unknown migrations: "
            + ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            + "). Upgrade first."
        )


def backup_inspect(*, path: Path, workdir: Path) -> tuple[dict[str, Any], Path, Path]:
    """Unpack into `workdir` and check everything; return the manifest, database and media paths."""
    if not path.is_file():
        raise BackupError(f"No such file: {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = _safe_members(archive, room=shutil.disk_usage(workdir).free)
            names = {m.name for m in members}
            if "manifest.json" not in names:
                raise BackupError("This is not an Outsourcer backup (no manifest.json).")
            archive.extractall(workdir, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"The archive cannot be read: {exc}.") from exc
    try:
        manifest = json.loads((workdir / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("The backup's manifest is not valid JSON.") from exc
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("version") != BACKUP_VERSION:
        raise BackupError("This is not a version 1 Outsourcer backup.")
    if manifest.get("engine") != _engine():
        raise BackupError(
            f"The backup is of a {manifest.get('engine')} database but this installation uses {_engine()}."
        )
    expected = "db.sqlite3" if _engine() == "sqlite" else "db.pgdump"
    if manifest.get("database") != expected:
        raise BackupError(f"The backup's manifest names {manifest.get('database')!r} as its database, not {expected}.")
    db_file = workdir / expected
    if not db_file.is_file() or db_file.is_symlink():
        raise BackupError("The backup's database file is missing.")
    unknown = sorted(set(manifest.get("migrations", [])) - _known_migrations())
    if unknown:
        raise BackupError(
            "The backup comes from a newer version of Outsourcer (unknown migrations: "
            + ", ".join(unknown[:5])
            + "). Upgrade first."
        )
    if _engine() == "sqlite":
        _check_sqlite_copy(db_file)
    else:
        _run(["pg_restore", "--list", str(db_file)], "pg_restore")
    media = workdir / "media"
    found = sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    if found != manifest.get("media_files", 0):
        raise BackupError(f"The backup lists {manifest.get('media_files')} uploaded files but holds {found}.")
    return manifest, db_file, media


def backup_restore(*, path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Check the archive in full, then replace the database and the uploaded files with it."""
    with tempfile.TemporaryDirectory(prefix="outsourcer-restore-") as tmp:
        manifest, db_file, media = backup_inspect(path=path.resolve(), workdir=Path(tmp))
        staged = _stage_media(media)
        connection.close()
        if _engine() == "sqlite":
            source = sqlite3.connect(db_file)
            live = sqlite3.connect(_sqlite_path(), timeout=30)
            try:
                # The backup API writes the whole copy into the live file under SQLite's own lock.
                source.backup(live, pages=256, progress=(lambda s, r, t: progress(t - r, t)) if progress else None)
            finally:
                live.close()
                source.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={settings.DATABASES['default']['NAME']}",
                    str(db_file),
                ],
                "pg_restore",
            )
        _swap_media(staged)
    return manifest


def _stage_media(media: Path) -> Path:
    """Copy the backup's files beside the live folder first: a full disk stops us before any change."""
    target = Path(settings.MEDIA_ROOT)
    staged = target.with_name(target.name + ".restoring")
    try:
        if staged.exists():
            shutil.rmtree(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        if media.exists():
            shutil.copytree(media, staged)
        else:
            staged.mkdir()
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(f"The uploaded files could not be staged beside {target}: {exc.strerror}.") from exc
    return staged


def _swap_media(staged: Path) -> None:
    target = Path(settings.MEDIA_ROOT)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    if old.exists():
        shutil.rmtree(old)
