"""Shared fixtures: a fresh database per test, on SQLite and (when installed) PostgreSQL.

Tests that take the ``engine`` fixture run twice: ``[sqlite]`` on a temporary file and
``[postgresql]`` on a real server that this test session starts itself (``initdb`` and
``pg_ctl`` on a temporary directory and a loopback port, as the ``postgres`` user when run
as root) and stops at the end. Where PostgreSQL is not installed, the PostgreSQL half is
skipped with a message saying so; ``.ci/run`` installs it, so CI never skips it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from core import db
from core.models import Base

ROT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def skyddskopior_i_tmp(tmp_path_factory):
    """Safety copies (before a restore or a deletion) of every test go to a temporary folder,
    never to the repository's ``data/backup/`` (a test may set its own)."""
    if "VAGEN_BACKUP_KATALOG" not in os.environ:
        os.environ["VAGEN_BACKUP_KATALOG"] = str(tmp_path_factory.mktemp("skydd"))
    yield


def _pg_bin() -> Path | None:
    """Directory of Debian's PostgreSQL server binaries, newest version first."""
    kandidater = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if kandidater:
        return Path(kandidater[0]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _PgServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.katalog = Path(tempfile.mkdtemp(prefix="vagen-pg-"))
        self.data = self.katalog / "data"
        self.port = _fri_port()
        self.som_root = os.geteuid() == 0

    def _kor(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.som_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/tmp")

    def start(self) -> str:
        if self.som_root:
            shutil.chown(self.katalog, "postgres", "postgres")
        self._kor("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.katalog} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._kor("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.katalog / "log"), "-w", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._kor("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.katalog, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url():
    """URL of the session's PostgreSQL server (or ``VAGEN_TEST_PG_URL`` when given)."""
    given = os.environ.get("VAGEN_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = _pg_bin()
    if bindir is None or not (bindir / "initdb").exists():
        if os.environ.get("VAGEN_KRAV_POSTGRES"):
            pytest.fail("VAGEN_KRAV_POSTGRES är satt men PostgreSQL är inte installerat.")
        pytest.skip("PostgreSQL är inte installerat (apt-get install postgresql): PostgreSQL-halvan hoppas över.")
    server = _PgServer(bindir)
    try:
        url = server.start()
    except subprocess.CalledProcessError as e:  # pragma: no cover - environment problem
        server.stop()
        pytest.fail(f"Kunde inte starta PostgreSQL: {e.stderr.decode(errors='replace')[-500:]}")
    # Wait until it accepts connections.
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    for _ in range(50):
        try:
            with eng.connect() as c:
                c.execute(text("select 1"))
            break
        except Exception:
            time.sleep(0.1)
    eng.dispose()
    yield url
    db.dispose_engines()
    server.stop()


def _tom_pg(url: str) -> None:
    """Drop every table of the schema so the next test starts from nothing."""
    eng = db.get_engine(url)
    Base.metadata.drop_all(eng)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_url")
        _tom_pg(url)
        yield url
        _tom_pg(url)


@pytest.fixture
def engine(db_url):
    """An engine on an empty database with the schema and the default units."""
    eng = db.get_engine(db_url)
    db.skapa_schema(eng)
    yield eng
    if db_url.startswith("sqlite"):
        eng.dispose()
        db._ENGINES.pop(db_url, None)


@pytest.fixture
def sqlite_engine(tmp_path):
    """An engine on an empty SQLite database (tests that need no second backend)."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    eng = db.get_engine(url)
    db.skapa_schema(eng)
    yield eng
    eng.dispose()
    db._ENGINES.pop(url, None)


def snabba_hashar(mp: pytest.MonkeyPatch) -> None:
    """bcrypt's cost 4 instead of 12 on ``mp``: the same algorithm, a fraction of the time
    (for module- and session-scoped fixtures that patch through ``MonkeyPatch.context()``)."""
    import bcrypt

    gensalt = bcrypt.gensalt
    mp.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": gensalt(4, prefix))


@pytest.fixture
def snabb_bcrypt(monkeypatch):
    """bcrypt's cost 4 instead of 12 for one test (see :func:`snabba_hashar`)."""
    snabba_hashar(monkeypatch)
    from core import auth

    auth._atrapp_hash.cache_clear()
    yield
    auth._atrapp_hash.cache_clear()


@pytest.fixture
def full_disk(tmp_path):
    """A directory on a real, almost full file system: a 1 MB tmpfs mounted for the test,
    filled up to its last 8 KB (needs root; skipped with a message where mounting is not
    allowed, and the simulated full-disk tests still run)."""
    import errno

    mapp = tmp_path / "disk"
    mapp.mkdir()
    if os.geteuid() != 0:
        pytest.skip("En full disk kräver root för att montera en tmpfs; den simulerade varianten körs ändå.")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mapp)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"tmpfs kunde inte monteras ({r.stderr.strip()}); den simulerade varianten körs ändå.")
    try:
        fyllnad = mapp / "fyllnad"
        with open(fyllnad, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError as e:
                assert e.errno == errno.ENOSPC
        os.truncate(fyllnad, max(fyllnad.stat().st_size - 8192, 0))
        yield mapp
    finally:
        subprocess.run(["umount", "-l", str(mapp)], check=False)
