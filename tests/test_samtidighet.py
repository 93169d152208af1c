"""Imports at the same time, a full disk, and the audit entry that goes with the data
(issues 11 and 19), on SQLite and PostgreSQL.

An import takes the write lock before it reads anything (``db.ta_importlas``); a second one
waits, then is refused with one Swedish message — and is audited, also when the audit log
can only be written once the first import is done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from core import audit, db, importer, syntet
from core.exporter import exportera_rader
from core.importer import ANNAN_IMPORT, DISKEN_FULL, importera
from core.models import Granskningslogg
from core.omfang import ADMIN
from tests.conftest import ROT
from tests.test_importer import BAS, filer


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _logg(engine) -> list[tuple]:
    with engine.connect() as c:
        return [
            (r.anvandare, r.handelse, r.lyckad, json.loads(r.detalj) if r.detalj else None)
            for r in c.execute(select(Granskningslogg).order_by(Granskningslogg.id))
        ]


class _Las:
    """Holds the import lock from outside, as a long import does."""

    def __init__(self, engine):
        self.conn = engine.connect()
        if engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.IMPORTLAS})

    def slapp(self):
        self.conn.rollback()
        self.conn.close()


def test_andra_importen_far_ett_tydligt_besked_och_granskas(engine):
    assert importera(engine, filer(BAS)).ok
    fore, version = exportera_rader(engine, ADMIN), db.dataversion(engine)
    las = _Las(engine)
    try:
        t0 = time.monotonic()
        r = importera(engine, filer({"person": BAS["person"]}), anvandare="anna", vanta_s=0.5)
        assert time.monotonic() - t0 < 10
    finally:
        las.slapp()
    assert not r.ok and [f.meddelande for f in r.fel] == [ANNAN_IMPORT]
    assert r.text() == "Importen avbröts: 1 fel. Ingenting sparades."
    assert exportera_rader(engine, ADMIN) == fore and db.dataversion(engine) == version
    # The audit entry waited for the lock (SQLite) and is written once it is free.
    assert importer.vanta_pa_granskning(30)
    assert _logg(engine)[-1][:3] == ("anna", "import", False)
    # And the next import goes through.
    assert importera(engine, filer({"person": BAS["person"]})).ok


def test_importen_vantar_pa_den_forsta(engine):
    """Within the waiting time, the second import simply runs after the first."""
    las = _Las(engine)
    try:
        import threading

        threading.Timer(0.5, las.slapp).start()
        r = importera(engine, filer(BAS), vanta_s=20)
    finally:
        if not las.conn.closed:
            las.slapp()
    assert r.ok, r.felrapport()


def _skriv_kommun(katalog: Path, personer: int) -> Path:
    syntet.skriv(katalog, personer, 8, fro=5)
    return katalog


def _cli_import(url: str, kalla: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "core", "import", str(kalla)],
        cwd=ROT,
        env={**os.environ, "VAGEN_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _las_tas(engine) -> bool:
    """True when someone holds the import lock (probing without waiting)."""
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                c.exec_driver_sql("BEGIN IMMEDIATE")
            except Exception:  # noqa: BLE001 - "database is locked"
                return True
            finally:
                c.rollback()
                c.exec_driver_sql("PRAGMA busy_timeout = 30000")
            return False
        fri = c.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": db.IMPORTLAS}).scalar()
        c.rollback()
        return not fri


@pytest.fixture(scope="module")
def kommun(tmp_path_factory) -> Path:
    """A synthetic municipality whose import takes a few seconds (2 000 persons, 8 rounds)."""
    return _skriv_kommun(tmp_path_factory.mktemp("kommun"), 2000)


def test_import_under_en_lang_skrivning(engine, db_url, kommun):
    url = db_url
    proc = _cli_import(url, kommun)
    try:
        slut = time.monotonic() + 60
        while not _las_tas(engine) and proc.poll() is None and time.monotonic() < slut:
            time.sleep(0.01)
        assert proc.poll() is None, "den långa importen hann bli klar innan den andra startade"
        r = importera(engine, filer({"person": BAS["person"]}), anvandare="anna", vanta_s=0.2)
        assert [f.meddelande for f in r.fel] == [ANNAN_IMPORT]
    finally:
        ut, fel = proc.communicate(timeout=300)
    assert proc.returncode == 0, fel.decode()
    assert "Importen klar" in ut.decode()
    assert importer.vanta_pa_granskning(60)
    logg = _logg(engine)
    assert sorted((a.split(":")[0], lyckad) for a, h, lyckad, _ in logg if h == "import") == [
        ("anna", False),
        ("operatör", True),
    ]


def test_samma_fil_tva_ganger_samtidigt(engine, db_url, kommun):
    """Both imports end well: the second waits for the first, then finds every row stored."""
    procs = [_cli_import(db_url, kommun) for _ in range(2)]
    utdata = [p.communicate(timeout=300) for p in procs]
    for p, (_, fel) in zip(procs, utdata, strict=True):
        assert p.returncode == 0, fel.decode()
        assert "oväntat fel" not in fel.decode() and "Traceback" not in fel.decode()
    texter = sorted(ut.decode() for ut, _ in utdata)
    assert "matning: 0 nya, 0 ändrade, 16000 oförändrade" in texter[0]
    assert "matning: 16000 nya" in texter[1]
    logg = [r for r in _logg(engine) if r[1] == "import"]
    assert [r[2] for r in logg] == [True, True]


def test_granskningsposten_skrivs_i_importens_transaktion(engine, monkeypatch):
    """The entry of a stored import is part of its transaction: when it cannot be written,
    nothing is stored (and a kill between data and entry cannot happen)."""
    assert importera(engine, filer(BAS)).ok
    fore, version = exportera_rader(engine, ADMIN), db.dataversion(engine)
    logga = audit.logga

    def trasig(mal, *args, **kwargs):
        if kwargs.get("lyckad") and not isinstance(mal, type(engine)):  # in the stored import's transaction
            mal.execute(text("INSERT INTO saknad_tabell VALUES (1)"))
        return logga(mal, *args, **kwargs)

    monkeypatch.setattr(audit, "logga", trasig)
    andrad = {"person": [{**BAS["person"][0], "kon": "M"}]}
    r = importera(engine, filer(andrad), anvandare="anna")
    assert not r.ok and "Databasen avvisade importen" in r.fel[0].meddelande
    assert exportera_rader(engine, ADMIN) == fore and db.dataversion(engine) == version
    monkeypatch.setattr(audit, "logga", logga)
    assert importer.vanta_pa_granskning(30)
    assert _logg(engine)[-1][:3] == ("anna", "import", False)  # the failed import is audited
    assert importera(engine, filer(andrad), anvandare="anna").ok
    assert _logg(engine)[-1][:3] == ("anna", "import", True)


# --- a full disk ----------------------------------------------------------------------------


def _montera_tmpfs(katalog: Path, storlek: str) -> bool:
    katalog.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={storlek}", "tmpfs", str(katalog)], capture_output=True)
    return r.returncode == 0


def _avmontera(katalog: Path) -> None:
    subprocess.run(["umount", "-l", str(katalog)], capture_output=True)


@pytest.fixture
def liten_disk(tmp_path):
    """A 6 MB file system (tmpfs) when the machine allows mounting, else None."""
    katalog = tmp_path / "liten"
    monterad = _montera_tmpfs(katalog, "6m")
    yield katalog if monterad else None
    if monterad:
        _avmontera(katalog)


def _stor_import(tmp_path: Path) -> Path:
    return _skriv_kommun(tmp_path / "stor", 3000)


def test_full_disk_sqlite(liten_disk, tmp_path):
    if liten_disk is not None:
        url = f"sqlite:///{liten_disk / 'vagen.db'}"
        eng = create_engine(url)
    else:
        # Simulated at the file layer: SQLite may not grow the file beyond this many pages,
        # and says exactly what a full disk says (SQLITE_FULL).
        url = f"sqlite:///{tmp_path / 'vagen.db'}"
        eng = create_engine(url)

        @event.listens_for(eng, "connect")
        def _liten(dbapi_conn, _):
            dbapi_conn.execute("PRAGMA max_page_count = 1500")

    db.skapa_schema(eng)
    assert importera(eng, filer(BAS)).ok
    fore, version = exportera_rader(eng, ADMIN), db.dataversion(eng)
    r = importera(eng, _stor_import(tmp_path), anvandare="anna")
    assert not r.ok and [f.meddelande for f in r.fel] == [DISKEN_FULL]
    assert exportera_rader(eng, ADMIN) == fore and db.dataversion(eng) == version
    eng.dispose()


def test_full_disk_postgresql(pg_url, tmp_path):
    """A database whose tablespace lies on a 6 MB tmpfs (simulated where mounting is not
    allowed: the write path raises PostgreSQL's own disk_full error)."""
    import psycopg

    # Under /tmp, not pytest's private folder: the server's user must reach it.
    katalog = Path(tempfile.mkdtemp(prefix="vagen-tablespace-", dir="/tmp"))
    katalog.chmod(0o755)
    monterad = _montera_tmpfs(katalog, "6m")
    namn = f"vagen_full_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            if monterad:
                shutil.chown(katalog, "postgres", "postgres")
                c.exec_driver_sql(f"CREATE TABLESPACE {namn} LOCATION '{katalog}'")
                c.exec_driver_sql(f"CREATE DATABASE {namn} TABLESPACE {namn}")
            else:
                c.exec_driver_sql(f"CREATE DATABASE {namn}")
        url = make_url(pg_url).set(database=namn).render_as_string(hide_password=False)
        eng = create_engine(url)
        db.skapa_schema(eng)
        assert importera(eng, filer(BAS)).ok
        fore, version = exportera_rader(eng, ADMIN), db.dataversion(eng)
        if monterad:
            r = importera(eng, _stor_import(tmp_path), anvandare="anna")
        else:
            orig = db.skriv_tupler

            def full(*a, **k):
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")

            db.skriv_tupler = full
            try:
                r = importera(eng, _stor_import(tmp_path), anvandare="anna")
            finally:
                db.skriv_tupler = orig
        assert not r.ok and [f.meddelande for f in r.fel] == [DISKEN_FULL]
        assert exportera_rader(eng, ADMIN) == fore and db.dataversion(eng) == version
        assert _logg(eng)[-1][:3] == ("anna", "import", False)
        eng.dispose()
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {namn} WITH (FORCE)")
            if monterad:
                c.exec_driver_sql(f"DROP TABLESPACE IF EXISTS {namn}")
        admin.dispose()
        if monterad:
            _avmontera(katalog)
        shutil.rmtree(katalog, ignore_errors=True)
