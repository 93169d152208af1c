"""Backup and restore: ``python -m core backup PATH`` and ``python -m core restore PATH``.

SQLite: a consistent copy made with SQLite's online-backup API, safe while the app runs
(readers and writers go on; the copy is one point in time). The copy is written to
``PATH.tmp`` and renamed only when complete, so a failed backup (a full disk, a write error)
leaves neither a half-written file nor a ``-journal`` behind. Restore copies the backup back
into the database the same way, inside SQLite's locking, so a running app sees either the
old or the restored data, never a half-written file.

PostgreSQL: the documented tools of the server, ``pg_dump --format=custom`` and
``pg_restore --clean --single-transaction`` (all or nothing), which make a consistent
snapshot while the app runs. When they are installed the CLI runs them with the configured
URL; otherwise it prints the exact command to run. The password is passed in the
environment (``PGPASSWORD``), never on the command line.

A restore cannot wipe the database by mistake: :func:`granska_kopia` first checks that the
file is a Vägen database of a known schema version with every table of
``db.SCHEMATABELLER`` and says what it holds (:class:`Innehall`); the CLI shows that next to
what the database holds now, asks for confirmation, and keeps a safety copy of the current
database (:func:`skyddskopia`, under ``data/backup/``) before anything is replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url

from core import config, db, text
from core.models import Anvandare, Granskningslogg, Matomgang, Person


class BackupFel(RuntimeError):
    """A backup or restore that could not be done; Swedish message."""


def _disk_full(mapp: Path) -> BackupFel:
    return BackupFel(
        f"Disken är full: säkerhetskopian kunde inte skrivas till {mapp}. Ingen ofullständig fil ligger kvar; "
        "frigör utrymme eller välj en annan plats och försök igen."
    )


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
        return [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(sokvag),
        ], env
    return ["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(sokvag)], env


def pg_kommando(url: str, sokvag: Path, aterstall: bool = False) -> str:
    """The pg_dump (or pg_restore) command for ``url`` as text, without the password."""
    return " ".join(_pg_argv(url, sokvag, aterstall)[0])


def _kor_pg(url: str, sokvag: Path, *, aterstall: bool) -> None:
    argv, env = _pg_argv(url, sokvag, aterstall)
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        if "No space left on device" in r.stderr or "could not extend file" in r.stderr:
            raise _disk_full(sokvag.parent)
        raise BackupFel(f"{argv[0]} misslyckades: " + r.stderr.strip()[-500:])


def _ta_bort_tmp(tmp: Path) -> None:
    """Remove a temporary copy and the files SQLite keeps beside it."""
    for fil in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
        try:
            fil.unlink()
        except FileNotFoundError:
            pass


def sakerhetskopiera(url: str, sokvag: Path) -> str:
    """Write a consistent copy of the database at ``url`` to ``sokvag``; returns a Swedish line.

    The copy is written next to ``sokvag`` as ``sokvag.tmp`` and renamed when complete; on
    any failure the temporary files are removed and an existing file at ``sokvag`` is left
    as it was.

    Raises
    ------
    BackupFel
        With a Swedish message: no database, a full disk ("Disken är full"), a write error,
        or ``pg_dump`` missing or failing.
    """
    sokvag = Path(sokvag)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        kalla = _sqlite_fil(url)
        if not kalla.exists():
            raise BackupFel(f"Databasfilen finns inte: {kalla}")
        tmp = sokvag.with_name(sokvag.name + ".tmp")
        try:
            sokvag.parent.mkdir(parents=True, exist_ok=True)
            _ta_bort_tmp(tmp)
            src = sqlite3.connect(kalla, timeout=db.VANTAN)
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    # One self-contained file (the source may be in WAL mode).
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
            os.replace(tmp, sokvag)
        except BaseException as e:
            _ta_bort_tmp(tmp)
            if isinstance(e, (OSError, sqlite3.Error)):
                if db.ar_disk_full(e):
                    raise _disk_full(sokvag.parent) from None
                raise BackupFel(f"Säkerhetskopian kunde inte skrivas till {sokvag} ({e}).") from None
            raise
        return f"Säkerhetskopia skriven till {sokvag}"
    if backend == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupFel("pg_dump finns inte på den här datorn. Kör:\n  " + pg_kommando(url, sokvag))
        tmp = sokvag.with_name(sokvag.name + ".tmp")
        try:
            sokvag.parent.mkdir(parents=True, exist_ok=True)
            _kor_pg(url, tmp, aterstall=False)
            os.replace(tmp, sokvag)
        except BaseException as e:
            _ta_bort_tmp(tmp)
            if isinstance(e, OSError):
                if db.ar_disk_full(e):
                    raise _disk_full(sokvag.parent) from None
                raise BackupFel(f"Säkerhetskopian kunde inte skrivas till {sokvag} ({e}).") from None
            raise
        return f"Säkerhetskopia (pg_dump) skriven till {sokvag}"
    raise BackupFel(f"Säkerhetskopiering stöds inte för {backend}.")


# --- what a database or a backup holds --------------------------------------------------------


@dataclass(frozen=True)
class Innehall:
    """What a Vägen database (or a backup of one) holds, to compare before a restore.

    ``schemaversion`` is None for a database from before schema versions were recorded
    (it has the tables of version 1). ``senaste_handelse`` is the time (UTC) of the newest
    audit entry, None when the log is empty.
    """

    schemaversion: int | None
    omgangar: int
    personer: int
    anvandare: int
    senaste_handelse: dt.datetime | None

    def text(self) -> str:
        """One Swedish line: rounds, persons, users and the newest audit entry."""
        senast = (
            self.senaste_handelse.strftime("%Y-%m-%d %H:%M") + " (UTC)" if self.senaste_handelse else "ingen händelse"
        )
        version = (
            f"schemaversion {self.schemaversion}"
            if self.schemaversion is not None
            else "utan schemaversion (från före versionsnumren)"
        )
        return (
            f"{text.tal(self.omgangar)} mätomgångar, {text.tal(self.personer)} personer, "
            f"{text.tal(self.anvandare)} användare, senaste händelse i granskningsloggen: {senast}; {version}"
        )


def _kontrollera_tabeller(tabeller: set[str]) -> None:
    saknas = db.SCHEMATABELLER - tabeller
    if saknas == db.SCHEMATABELLER:
        raise BackupFel(
            "Filen är ingen säkerhetskopia av en Vägen-databas: den saknar Vägens tabeller. Ingenting har ändrats."
        )
    if saknas:
        raise BackupFel(
            f"Säkerhetskopian saknar tabellerna {', '.join(sorted(saknas))}; den kan inte återställas. "
            "Ingenting har ändrats."
        )


def _kontrollera_version(varde: str | None) -> int | None:
    if varde is None:
        return None
    try:
        version = int(varde)
    except ValueError:
        version = 0
    if version > db.SCHEMAVERSION:
        raise BackupFel(
            f"Säkerhetskopian är gjord av en nyare version av Vägen (schemaversion {version}; den här versionen "
            f"känner till 1–{db.SCHEMAVERSION}). Uppdatera Vägen först. Ingenting har ändrats."
        )
    if version < 1:
        raise BackupFel(f"Säkerhetskopian har en okänd schemaversion ({varde}). Ingenting har ändrats.")
    return version


def _tid(varde) -> dt.datetime | None:
    if varde is None or isinstance(varde, dt.datetime):
        return varde
    return dt.datetime.fromisoformat(str(varde))


def _granska_sqlite(sokvag: Path) -> Innehall:
    try:
        conn = sqlite3.connect(sokvag.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise BackupFel(f"Filen kunde inte öppnas som en SQLite-databas ({e}).") from None
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupFel("Säkerhetskopian är skadad (integrity_check). Ingenting har ändrats.")
        tabeller = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        _kontrollera_tabeller(tabeller)
        rad = conn.execute("SELECT varde FROM installning WHERE nyckel = 'schemaversion'").fetchone()
        version = _kontrollera_version(rad[0] if rad else None)

        def antal(tabell: str) -> int:
            return conn.execute(f"SELECT count(*) FROM {tabell}").fetchone()[0]

        return Innehall(
            version,
            antal("matomgang"),
            antal("person"),
            antal("anvandare"),
            _tid(conn.execute("SELECT max(tid) FROM granskningslogg").fetchone()[0]),
        )
    except sqlite3.DatabaseError as e:
        raise BackupFel(f"Filen är ingen SQLite-säkerhetskopia av Vägen ({e}). Ingenting har ändrats.") from None
    finally:
        conn.close()


_TOC_TABELL = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")
_COPY = re.compile(r"^COPY (\S+) \((.*)\) FROM stdin;$")


def _granska_pg(sokvag: Path) -> Innehall:
    """Check a custom-format dump with ``pg_restore`` (no server needed) and count its rows."""
    if shutil.which("pg_restore") is None:
        raise BackupFel("pg_restore finns inte på den här datorn; säkerhetskopian kan inte granskas.")
    r = subprocess.run(["pg_restore", "--list", str(sokvag)], capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupFel(
            "Filen är ingen säkerhetskopia från pg_dump (custom-format): pg_restore kan inte läsa den. "
            "Ingenting har ändrats."
        )
    tabeller = {m.group(2) for rad in r.stdout.splitlines() if (m := _TOC_TABELL.match(rad))}
    _kontrollera_tabeller(tabeller)
    # The rows of the five tables as pg_restore would load them (COPY blocks on stdout).
    argv = ["pg_restore", "--data-only", "--file=-"]
    for t in ("installning", "matomgang", "person", "anvandare", "granskningslogg"):
        argv += ["--table", t]
    antal: dict[str, int] = dict.fromkeys(("matomgang", "person", "anvandare", "granskningslogg"), 0)
    version: str | None = None
    senast: str | None = None
    with subprocess.Popen([*argv, str(sokvag)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        tabell, kolumner = None, []
        for rad in p.stdout:
            rad = rad.rstrip("\n")
            if tabell is None:
                if m := _COPY.match(rad):
                    tabell = m.group(1).rsplit(".", 1)[-1].strip('"')
                    kolumner = [k.strip().strip('"') for k in m.group(2).split(",")]
                continue
            if rad == "\\.":
                tabell = None
                continue
            falt = rad.split("\t")
            if tabell in antal:
                antal[tabell] += 1
            if tabell == "installning" and falt[kolumner.index("nyckel")] == "schemaversion":
                version = falt[kolumner.index("varde")]
            elif tabell == "granskningslogg":
                tid = falt[kolumner.index("tid")]
                if tid != "\\N" and (senast is None or tid > senast):
                    senast = tid
        fel = p.stderr.read()
    if p.returncode != 0:
        raise BackupFel("Säkerhetskopian kunde inte läsas av pg_restore: " + fel.strip()[-300:])
    return Innehall(
        _kontrollera_version(version), antal["matomgang"], antal["person"], antal["anvandare"], _tid(senast)
    )


def granska_kopia(url: str, sokvag: Path) -> Innehall:
    """Check that ``sokvag`` is a backup of a Vägen database that ``url``'s database can be
    restored from, and say what it holds.

    SQLite: a readable SQLite file that passes ``integrity_check``. PostgreSQL: a
    custom-format dump that ``pg_restore --list`` reads. Either way it must hold every table
    of ``db.SCHEMATABELLER`` and a known schema version (none recorded counts as version 1,
    a newer one than this release knows is refused).

    Raises
    ------
    BackupFel
        With a Swedish message saying why the file cannot be restored; nothing is changed.
    """
    sokvag = Path(sokvag)
    if not sokvag.is_file():
        raise BackupFel(f"Säkerhetskopian finns inte: {sokvag}")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _granska_sqlite(sokvag)
    if backend == "postgresql":
        return _granska_pg(sokvag)
    raise BackupFel(f"Återställning stöds inte för {backend}.")


def innehall(engine: Engine) -> Innehall | None:
    """What the database of ``engine`` holds now; None when it has no Vägen tables (or,
    for SQLite, no file) yet."""
    if engine.dialect.name == "sqlite":
        fil = engine.url.database
        if not fil or fil == ":memory:" or not Path(fil).exists():
            return None
    if not {"matomgang", "person", "anvandare", "granskningslogg", "installning"} <= set(
        inspect(engine).get_table_names()
    ):
        return None
    with engine.connect() as conn:

        def antal(modell) -> int:
            return conn.execute(select(func.count()).select_from(modell)).scalar_one()

        return Innehall(
            db.schemaversion(conn),
            antal(Matomgang),
            antal(Person),
            antal(Anvandare),
            _tid(conn.execute(select(func.max(Granskningslogg.tid))).scalar_one()),
        )


# --- the safety copy before a restore or a deletion ----------------------------------------------


def skyddskatalog(url: str) -> Path:
    """Where safety copies go: ``VAGEN_BACKUP_KATALOG``, else ``backup/`` beside the SQLite
    file (``data/backup/`` for the default database), else ``data/backup/``."""
    if katalog := os.environ.get("VAGEN_BACKUP_KATALOG"):
        return Path(katalog)
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        return Path(u.database).resolve().parent / "backup"
    return config.DATA_DIR / "backup"


def skyddskopia(url: str, orsak: str, *, nu: dt.datetime | None = None) -> Path:
    """Keep a copy of the database at ``url`` before it is changed; returns its path.

    Named ``vagen-YYYYMMDD-HHMMSS-<orsak>.db`` (``.dump`` for PostgreSQL, a ``pg_dump``
    custom-format file) in :func:`skyddskatalog`, the time local.

    Raises
    ------
    BackupFel
        When the copy cannot be written (a full disk says so); the caller then changes nothing.
    """
    nu = nu or dt.datetime.now()
    katalog = skyddskatalog(url)
    andelse = ".db" if make_url(url).get_backend_name() == "sqlite" else ".dump"
    bas = f"vagen-{nu:%Y%m%d-%H%M%S}-{orsak}"
    sokvag = katalog / f"{bas}{andelse}"
    n = 2
    while sokvag.exists():
        sokvag = katalog / f"{bas}-{n}{andelse}"
        n += 1
    sakerhetskopiera(url, sokvag)
    return sokvag


def aterstall(url: str, sokvag: Path) -> str:
    """Replace the database at ``url`` with the backup at ``sokvag``; returns a Swedish line.

    The file is checked first (:func:`granska_kopia`); the caller asks for confirmation and
    keeps a safety copy (:func:`skyddskopia`) before calling this.
    """
    sokvag = Path(sokvag)
    granska_kopia(url, sokvag)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        mal = _sqlite_fil(url)
        src = sqlite3.connect(sokvag.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            mal.parent.mkdir(parents=True, exist_ok=True)
            dst = sqlite3.connect(mal, timeout=db.VANTAN)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.Error as e:
            if db.ar_disk_full(e):
                raise BackupFel("Disken är full: databasen kunde inte återställas och är oförändrad.") from None
            raise BackupFel(f"Databasen kunde inte återställas ({e}); den är oförändrad.") from None
        finally:
            src.close()
        return f"Databasen återställd från {sokvag}"
    if shutil.which("pg_restore") is None:
        raise BackupFel("pg_restore finns inte på den här datorn. Kör:\n  " + pg_kommando(url, sokvag, True))
    _kor_pg(url, sokvag, aterstall=True)
    return f"Databasen återställd från {sokvag} (pg_restore)"
