"""Backup and restore: ``python -m core backup PATH`` and ``python -m core restore PATH``.

SQLite: a consistent copy made with SQLite's online-backup API, safe while the app runs
(readers and writers go on; the copy is one point in time). Restore copies the backup back
into the database the same way, inside SQLite's locking, so a running app sees either the old
or the restored data, never a half-written file.

PostgreSQL: the documented tools of the server, ``pg_dump`` and ``pg_restore``, which make a
consistent snapshot while the app runs. When they are installed the CLI runs them with the
configured URL; otherwise it prints the exact command to run. The password is passed in the
environment (``PGPASSWORD``), never on the command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFel(RuntimeError):
    """A backup or restore that could not be done; Swedish message."""


def _sqlite_fil(url: str) -> Path:
    u = make_url(url)
    if not u.database or u.database == ":memory:":
        raise BackupFel("En databas i minnet kan inte säkerhetskopieras.")
    return Path(u.database)


def _pg_miljo(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments and environment for pg_dump/pg_restore."""
    u = make_url(url)
    args = []
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return args + ["--dbname", u.database or "postgres"], env


def _pg_argv(url: str, sokvag: Path, aterstall: bool) -> tuple[list[str], dict[str, str]]:
    """The pg_dump (or pg_restore) command line for ``url`` and its environment."""
    args, env = _pg_miljo(url)
    if aterstall:
        return ["pg_restore", "--clean", "--if-exists", "--no-owner", *args, str(sokvag)], env
    return ["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(sokvag)], env


def pg_kommando(url: str, sokvag: Path, aterstall: bool = False) -> str:
    """The pg_dump (or pg_restore) command for ``url`` as text, without the password."""
    return " ".join(_pg_argv(url, sokvag, aterstall)[0])


def _kor_pg(url: str, sokvag: Path, *, aterstall: bool) -> None:
    argv, env = _pg_argv(url, sokvag, aterstall)
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupFel(f"{argv[0]} misslyckades: " + r.stderr.strip()[-500:])


def sakerhetskopiera(url: str, sokvag: Path) -> str:
    """Write a consistent copy of the database at ``url`` to ``sokvag``; returns a Swedish line."""
    sokvag = Path(sokvag)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        kalla = _sqlite_fil(url)
        if not kalla.exists():
            raise BackupFel(f"Databasfilen finns inte: {kalla}")
        sokvag.parent.mkdir(parents=True, exist_ok=True)
        tmp = sokvag.with_suffix(sokvag.suffix + ".tmp")
        src = sqlite3.connect(kalla, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        os.replace(tmp, sokvag)
        return f"Säkerhetskopia skriven till {sokvag}"
    if backend == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupFel("pg_dump finns inte på den här datorn. Kör:\n  " + pg_kommando(url, sokvag))
        _kor_pg(url, sokvag, aterstall=False)
        return f"Säkerhetskopia (pg_dump) skriven till {sokvag}"
    raise BackupFel(f"Säkerhetskopiering stöds inte för {backend}.")


def aterstall(url: str, sokvag: Path) -> str:
    """Replace the database at ``url`` with the backup at ``sokvag``; returns a Swedish line."""
    sokvag = Path(sokvag)
    if not sokvag.is_file():
        raise BackupFel(f"Säkerhetskopian finns inte: {sokvag}")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        mal = _sqlite_fil(url)
        src = sqlite3.connect(sokvag)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupFel("Säkerhetskopian är skadad (integrity_check).")
            mal.parent.mkdir(parents=True, exist_ok=True)
            dst = sqlite3.connect(mal, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as e:
            raise BackupFel(f"Filen är ingen SQLite-säkerhetskopia ({e}).") from None
        finally:
            src.close()
        return f"Databasen återställd från {sokvag}"
    if backend == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupFel("pg_restore finns inte på den här datorn. Kör:\n  " + pg_kommando(url, sokvag, True))
        _kor_pg(url, sokvag, aterstall=True)
        return f"Databasen återställd från {sokvag} (pg_restore)"
    raise BackupFel(f"Återställning stöds inte för {backend}.")
