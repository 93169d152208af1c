"""Backup and restore through the CLI, on both databases (issue 19: a restore that cannot wipe,
a backup to a full disk)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from core import backup, db
from core.exporter import exportera_rader
from core.models import Granskningslogg, Installning, Matning, MatningVal
from core.omfang import ADMIN
from tests import fixtur


@pytest.fixture
def skydd(tmp_path, monkeypatch):
    """Where the safety copies of this test go (also for the CLI in a subprocess)."""
    katalog = tmp_path / "skydd"
    monkeypatch.setenv("VAGEN_BACKUP_KATALOG", str(katalog))
    return katalog


def _cli(url, *args, input=None):
    env = dict(os.environ, VAGEN_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )


def _radera_matningar(engine):
    with engine.begin() as c:
        c.execute(delete(MatningVal))
        c.execute(delete(Matning))


def _logg(engine):
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(select(Granskningslogg.handelse, Granskningslogg.lyckad))]


def test_backup_och_restore(engine, db_url, tmp_path, skydd, snabb_bcrypt):
    from core import auth

    fixtur.ladda(engine)
    auth.skapa_anvandare(engine, "ada", "Ada", "admin", None, "ett-langt-losenord")
    fore = exportera_rader(engine, ADMIN)
    kopia = tmp_path / "vagen.backup"
    r = _cli(db_url, "backup", str(kopia))
    assert r.returncode == 0, r.stderr
    assert kopia.stat().st_size > 0
    assert not list(tmp_path.glob("vagen.backup.tmp*"))
    # lose data after the backup: a whole round's rows
    _radera_matningar(engine)
    efter_forlust = exportera_rader(engine, ADMIN)
    assert efter_forlust != fore
    version = db.dataversion(engine)
    engine.dispose()
    r = _cli(db_url, "restore", str(kopia), input="ja\n")
    assert r.returncode == 0, r.stderr
    # What the backup holds, next to what the database holds now.
    assert "Säkerhetskopian vagen.backup: 2 mätomgångar, 13 personer, 1 användare" in r.stdout
    assert "Databasen nu: 2 mätomgångar, 13 personer, 1 användare" in r.stdout
    assert "Skriv ja för att fortsätta" in r.stderr
    (skyddsfil,) = skydd.iterdir()
    assert skyddsfil.name.startswith("vagen-") and "fore-aterstallning" in skyddsfil.name
    assert str(skyddsfil) in r.stdout
    db.dispose_engines()
    eng = db.get_engine(db_url)
    assert exportera_rader(eng, ADMIN) == fore
    assert ("aterstallning", True) in _logg(eng)
    assert db.dataversion(eng) != version
    # The safety copy holds the database as it was before the restore: it restores too.
    r = _cli(db_url, "restore", str(skyddsfil), "--ja")
    assert r.returncode == 0, r.stderr
    db.dispose_engines()
    assert exportera_rader(db.get_engine(db_url), ADMIN) == efter_forlust


def test_restore_fel(db_url, engine, tmp_path):
    r = _cli(db_url, "restore", str(tmp_path / "finns-inte"))
    assert r.returncode == 1 and "finns inte" in r.stderr and "Traceback" not in r.stderr


def _sqlite_fil(sokvag: Path, sql: str = "") -> Path:
    conn = sqlite3.connect(sokvag)
    conn.executescript(sql)
    conn.close()
    return sokvag


def _vagen_sqlite(tmp_path, namn: str, sql: str) -> Path:
    """A Vägen SQLite database (the fixture's data), changed by ``sql``."""
    url = f"sqlite:///{tmp_path / namn}"
    eng = db.get_engine(url)
    db.skapa_schema(eng)
    fixtur.ladda(eng)
    eng.dispose()
    db._ENGINES.pop(url, None)
    return _sqlite_fil(tmp_path / namn, sql)


def _pg_dump_av(pg_url: str, tmp_path: Path, sql: str, namn: str) -> Path:
    """A pg_dump of a separate database built by ``sql``."""
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {namn}"))
        c.execute(text(f"CREATE DATABASE {namn}"))
    admin.dispose()
    url = pg_url.rsplit("/", 1)[0] + f"/{namn}"
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text(sql))
    eng.dispose()
    fil = tmp_path / f"{namn}.dump"
    backup.sakerhetskopiera(url, fil)
    return fil


def _fil(sokvag: Path, data: bytes) -> Path:
    sokvag.write_bytes(data)
    return sokvag


OGILTIGA = {
    # name -> (how to make the file, what the message says on SQLite)
    "tom": (lambda t: _sqlite_fil(t / "tom.db"), "Vägens tabeller"),
    "tom_fil": (lambda t: _fil(t / "tom.fil", b""), "Vägens tabeller"),
    "text": (lambda t: _fil(t / "anteckning.txt", b"inte en databas\n" * 100), "SQLite"),
    "frammande": (
        lambda t: _sqlite_fil(t / "kunder.db", "CREATE TABLE kunder (id INTEGER); INSERT INTO kunder VALUES (1);"),
        "Vägens tabeller",
    ),
}


@pytest.mark.parametrize("fall", sorted(OGILTIGA))
def test_restore_vagrar_det_som_inte_ar_en_vagen_databas(engine, db_url, tmp_path, skydd, fall):
    fixtur.ladda(engine)
    fore = exportera_rader(engine, ADMIN)
    gor, meddelande = OGILTIGA[fall]
    fil = gor(tmp_path)
    r = _cli(db_url, "restore", str(fil), "--ja")
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stderr and "Ingenting har ändrats" in r.stderr, r.stderr
    if db_url.startswith("sqlite"):
        assert meddelande in r.stderr
    else:
        assert "ingen säkerhetskopia från pg_dump" in r.stderr
    assert not skydd.exists()  # refused before anything, also before the safety copy
    db.dispose_engines()
    eng = db.get_engine(db_url)
    assert exportera_rader(eng, ADMIN) == fore
    assert ("aterstallning", False) in _logg(eng)


def test_restore_vagrar_ofullstandig_och_nyare_sqlite(sqlite_engine, tmp_path, skydd):
    url = str(sqlite_engine.url)
    saknar = _vagen_sqlite(tmp_path, "saknar.db", "DROP TABLE granskningslogg;")
    r = _cli(url, "restore", str(saknar), "--ja")
    assert r.returncode == 1 and "saknar tabellerna granskningslogg" in r.stderr
    nyare = _vagen_sqlite(tmp_path, "nyare.db", "UPDATE installning SET varde = '99' WHERE nyckel = 'schemaversion';")
    r = _cli(url, "restore", str(nyare), "--ja")
    assert r.returncode == 1 and "nyare version av Vägen (schemaversion 99" in r.stderr
    konstig = _vagen_sqlite(
        tmp_path, "konstig.db", "UPDATE installning SET varde = 'x' WHERE nyckel = 'schemaversion';"
    )
    r = _cli(url, "restore", str(konstig), "--ja")
    assert r.returncode == 1 and "okänd schemaversion (x)" in r.stderr
    skadad = tmp_path / "skadad.db"
    data = bytearray(_vagen_sqlite(tmp_path, "hel.db", "").read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * 8192  # pages 2 and 3 overwritten
    skadad.write_bytes(bytes(data))
    r = _cli(url, "restore", str(skadad), "--ja")
    assert r.returncode == 1 and "Traceback" not in r.stderr and ("skadad" in r.stderr or "SQLite" in r.stderr)
    assert not skydd.exists()


def test_restore_av_kopia_fran_fore_schemaversionerna(sqlite_engine, tmp_path, skydd):
    url = str(sqlite_engine.url)
    gammal = _vagen_sqlite(tmp_path, "gammal.db", "DELETE FROM installning WHERE nyckel = 'schemaversion';")
    assert backup.granska_kopia(url, gammal).schemaversion is None
    r = _cli(url, "restore", str(gammal), "--ja")
    assert r.returncode == 0, r.stderr
    assert "utan schemaversion" in r.stdout
    db.dispose_engines()
    with db.get_engine(url).connect() as c:
        assert db.schemaversion(c) == db.SCHEMAVERSION  # recorded again after the restore


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_pg_restore_vagrar_frammande_dump_och_sqlite_fil(pg_url, engine, db_url, tmp_path, skydd):
    fixtur.ladda(engine)
    fore = exportera_rader(engine, ADMIN)
    frammande = _pg_dump_av(
        pg_url, tmp_path, "CREATE TABLE kunder (id integer); INSERT INTO kunder VALUES (1);", "annan"
    )
    r = _cli(db_url, "restore", str(frammande), "--ja")
    assert r.returncode == 1 and "saknar Vägens tabeller" in r.stderr
    sqlitefil = _vagen_sqlite(tmp_path, "vagen.db", "")
    r = _cli(db_url, "restore", str(sqlitefil), "--ja")
    assert r.returncode == 1 and "ingen säkerhetskopia från pg_dump" in r.stderr
    assert not skydd.exists()
    assert exportera_rader(engine, ADMIN) == fore


def test_granska_kopia_raknar_ratt(engine, db_url, tmp_path, snabb_bcrypt):
    from core import audit, auth

    fixtur.ladda(engine)
    auth.skapa_anvandare(engine, "ada", "Ada", "admin", None, "ett-langt-losenord")
    auth.skapa_anvandare(engine, "bo", "Bo", "politiker", None, "ett-langt-losenord")
    audit.logga(engine, "ada", "export")
    nu = backup.innehall(engine)
    assert (nu.schemaversion, nu.omgangar, nu.personer, nu.anvandare) == (db.SCHEMAVERSION, 2, 13, 2)
    with engine.connect() as c:
        assert nu.senaste_handelse == c.execute(select(Granskningslogg.tid)).scalar_one()
    fil = tmp_path / "kopia"
    backup.sakerhetskopiera(db_url, fil)
    assert backup.granska_kopia(db_url, fil) == nu
    assert "2 mätomgångar, 13 personer, 2 användare" in nu.text()


def test_restore_kraver_bekraftelse(engine, db_url, tmp_path, skydd):
    fixtur.ladda(engine)
    kopia = tmp_path / "kopia"
    backup.sakerhetskopiera(db_url, kopia)
    _radera_matningar(engine)
    fore = exportera_rader(engine, ADMIN)
    engine.dispose()
    r = _cli(db_url, "restore", str(kopia))  # no standard input, no --ja
    assert r.returncode == 1 and "Ingen bekräftelse" in r.stderr and "--ja" in r.stderr
    r = _cli(db_url, "restore", str(kopia), input="nej\n")
    assert r.returncode == 1 and "Avbrutet; ingenting ändrades." in r.stderr
    assert not skydd.exists()
    db.dispose_engines()
    assert exportera_rader(db.get_engine(db_url), ADMIN) == fore


# --- a full disk --------------------------------------------------------------------------------


def test_backup_till_full_disk(engine, db_url, full_disk):
    fixtur.ladda(engine)
    gammal = full_disk / "vagen.backup"
    gammal.write_bytes(b"den gamla kopian")  # fits in the space left
    r = _cli(db_url, "backup", str(gammal))
    assert r.returncode == 1
    assert "Disken är full" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in full_disk.iterdir()) == ["fyllnad", "vagen.backup"]  # no .tmp, no -journal
    assert gammal.read_bytes() == b"den gamla kopian"
    r = _cli(db_url, "backup", str(full_disk / "ny" / "vagen.backup"))
    assert r.returncode == 1 and "Disken är full" in r.stderr
    assert not list((full_disk / "ny").iterdir())


def test_restore_nar_sakerhetskopian_inte_far_plats(engine, db_url, tmp_path, full_disk, monkeypatch):
    monkeypatch.setenv("VAGEN_BACKUP_KATALOG", str(full_disk / "skydd"))
    fixtur.ladda(engine)
    kopia = tmp_path / "kopia"
    backup.sakerhetskopiera(db_url, kopia)
    _radera_matningar(engine)
    fore = exportera_rader(engine, ADMIN)
    engine.dispose()
    r = _cli(db_url, "restore", str(kopia), "--ja")
    assert r.returncode == 1 and "Disken är full" in r.stderr
    assert not list((full_disk / "skydd").iterdir())
    db.dispose_engines()
    assert exportera_rader(db.get_engine(db_url), ADMIN) == fore


def test_backup_skrivfel_simulerat(sqlite_engine, tmp_path, monkeypatch):
    """The file layer's ENOSPC (and another write error) simulated at the rename: the same
    message and the same clean-up, also where no file system can be mounted."""
    url = str(sqlite_engine.url)
    mal = tmp_path / "ut" / "vagen.backup"

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup.os, "replace", full)
    with pytest.raises(backup.BackupFel, match="Disken är full"):
        backup.sakerhetskopiera(url, mal)
    assert not list(mal.parent.iterdir())

    def io_fel(*a, **k):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(backup.os, "replace", io_fel)
    with pytest.raises(backup.BackupFel, match="kunde inte skrivas"):
        backup.sakerhetskopiera(url, mal)
    assert not list(mal.parent.iterdir())


def test_skyddskopia_far_unikt_namn(sqlite_engine, skydd):
    import datetime as dt

    url = str(sqlite_engine.url)
    t = dt.datetime(2024, 5, 1, 12, 0, 0)
    a = backup.skyddskopia(url, "fore-radering", nu=t)
    b = backup.skyddskopia(url, "fore-radering", nu=t)
    assert a.name == "vagen-20240501-120000-fore-radering.db" and b.name == "vagen-20240501-120000-fore-radering-2.db"


def test_skyddskatalog(monkeypatch, tmp_path):
    from core import config

    monkeypatch.delenv("VAGEN_BACKUP_KATALOG", raising=False)
    assert backup.skyddskatalog(f"sqlite:///{config.STANDARD_DATABAS}") == config.DATA_DIR / "backup"
    assert backup.skyddskatalog(f"sqlite:///{tmp_path / 'x.db'}") == tmp_path / "backup"
    assert backup.skyddskatalog("postgresql+psycopg://u@h/d") == config.DATA_DIR / "backup"


def test_tom_installning_ar_inte_vagen(sqlite_engine, tmp_path):
    # A file with every table but no settings row at all is still a Vägen database of version 1.
    url = str(sqlite_engine.url)
    fil = tmp_path / "k"
    backup.sakerhetskopiera(url, fil)
    with sqlite3.connect(fil) as c:
        c.execute("DELETE FROM installning")
    assert backup.granska_kopia(url, fil).schemaversion is None
    with sqlite_engine.connect() as c:
        assert c.execute(select(Installning.nyckel).where(Installning.nyckel == "schemaversion")).first()
