"""Reading never waits on a writer (issue 19): short lock waits, deferred writes, the import lock.

A writer in another process (``tests/skrivlas.py``) holds the database as a long import does;
the writes a page makes (activity, audit) must not wait for it, must not be lost, and must be
written once it lets go.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlalchemy import select, text

from core import audit, auth, db, uppskjutet
from core.models import Aktivitet, Granskningslogg, Installning
from tests.skrivlas import halla


@pytest.fixture(autouse=True)
def tom_ko():
    uppskjutet._rensa()
    yield
    uppskjutet._rensa()


def _logg(engine) -> list[tuple]:
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.execute(
                select(
                    Granskningslogg.anvandare, Granskningslogg.handelse, Granskningslogg.lyckad, Granskningslogg.detalj
                )
            )
        ]


def _aktivitet(engine, anv):
    with engine.connect() as c:
        return c.execute(select(Aktivitet.senast).where(Aktivitet.anvandarnamn == anv)).scalar_one_or_none()


def test_kort_skrivning_ger_upp_i_stallet_for_att_vanta(engine, db_url):
    with halla(db_url):
        with pytest.raises(db.Upptagen), db.kort_skrivning(engine) as c:
            c.execute(Installning.__table__.update().where(Installning.nyckel == "dataversion").values(varde="x"))
        # Reading goes on: the data as it was.
        assert db.dataversion(engine) != "x"
    with db.kort_skrivning(engine) as c:
        c.execute(Installning.__table__.update().where(Installning.nyckel == "dataversion").values(varde="x"))
    assert db.dataversion(engine) == "x"


def test_kort_skrivning_aterstaller_vantetiden(sqlite_engine):
    with db.kort_skrivning(sqlite_engine) as c:
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(db.KORT_VANTAN * 1000)
    with sqlite_engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(db.VANTAN * 1000)


def test_import_pagar(engine, db_url):
    assert db.import_pagar(engine) is False
    with halla(db_url):
        assert db.import_pagar(engine) is True
    assert db.import_pagar(engine) is False
    # The lock the importer takes (and a deletion of a round) is the one import_pagar sees.
    andra = db.get_engine(db_url) if db_url.startswith("postgresql") else engine
    with engine.connect() as c, c.begin():
        db.ta_importlas(c)
        assert db.import_pagar(andra) is True
    assert db.import_pagar(engine) is False


def test_import_pagar_utan_databasfil(tmp_path):
    eng = db.get_engine(f"sqlite:///{tmp_path / 'finns-inte.db'}")
    try:
        assert db.import_pagar(eng) is False
    finally:
        db._ENGINES.pop(str(eng.url), None)


def test_granskning_och_aktivitet_vantar_och_skrivs_sedan(engine, db_url):
    fore = auth._nu() - dt.timedelta(minutes=5)
    auth.registrera_aktivitet(engine, "ada", nu=fore)
    assert _aktivitet(engine, "ada") == fore
    nu = auth._nu()
    with halla(db_url):
        assert audit.logga(engine, "ada", "export", detalj={"fil": "x.xlsx"}) is False
        assert auth.registrera_aktivitet(engine, "ada", nu=nu) is False
        # Nothing is stored yet, nothing is lost: the idle check sees the waiting time.
        assert ("ada", "export", True, '{"fil": "x.xlsx"}') not in _logg(engine)
        assert _aktivitet(engine, "ada") == fore
        assert auth.senast_aktiv(engine, "ada") == nu
        assert uppskjutet.antal_vantande(engine) == 2
        # Within the pause after a busy answer a write does not even ask the database.
        fragor = []
        skriv = uppskjutet._skriv
        uppskjutet._skriv = lambda *a: fragor.append(a) or skriv(*a)
        try:
            assert audit.logga(engine, "bo", "utloggning") is False
        finally:
            uppskjutet._skriv = skriv
        assert fragor == [] and uppskjutet.antal_vantande(engine) == 3
    assert uppskjutet.skriv_vantande(engine, tvinga=True) == 0
    logg = _logg(engine)
    assert ("ada", "export", True, '{"fil": "x.xlsx"}') in logg and ("bo", "utloggning", True, None) in logg
    assert _aktivitet(engine, "ada") == nu


def test_aldre_vantande_aktivitet_skriver_inte_over_nyare(engine, db_url):
    auth.registrera_aktivitet(engine, "ada")  # stored
    gammal = auth._nu() - dt.timedelta(minutes=30)
    with halla(db_url):
        auth.registrera_aktivitet(engine, "ada", nu=gammal)
    ny = auth._nu()
    with engine.begin() as c:  # another app instance wrote a newer time meanwhile
        db.upsert(c, Aktivitet.__table__, [{"anvandarnamn": "ada", "senast": ny}], ["anvandarnamn"])
    uppskjutet.skriv_vantande(engine, tvinga=True)
    assert _aktivitet(engine, "ada") == ny


def test_nasta_skrivning_tar_med_det_som_vantar(engine, db_url):
    with halla(db_url):
        audit.logga(engine, "ada", "utloggning")
    time.sleep(uppskjutet.PAUS)
    assert audit.logga(engine, "bo", "utloggning") is True
    assert {("ada", "utloggning", True, None), ("bo", "utloggning", True, None)} <= set(_logg(engine))
    assert uppskjutet.antal_vantande(engine) == 0


def test_full_disk_haller_kvar_posterna(sqlite_engine, monkeypatch):
    import errno

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(uppskjutet, "_skriv", full)
    assert audit.logga(sqlite_engine, "ada", "export") is False
    assert uppskjutet.antal_vantande(sqlite_engine) == 1
    monkeypatch.undo()
    assert uppskjutet.skriv_vantande(sqlite_engine, tvinga=True) == 0
    assert ("ada", "export", True, None) in _logg(sqlite_engine)


def test_annat_fel_kastas_och_posten_ligger_kvar(sqlite_engine, monkeypatch):
    def trasig(*a, **k):
        raise RuntimeError("trasig")

    monkeypatch.setattr(uppskjutet, "_skriv", trasig)
    with pytest.raises(RuntimeError):
        audit.logga(sqlite_engine, "ada", "export")
    assert uppskjutet.antal_vantande(sqlite_engine) == 1


def test_for_manga_vantande_rapporteras(sqlite_engine, monkeypatch, caplog):
    monkeypatch.setattr(uppskjutet, "MAX_VANTANDE", 3)
    with halla(str(sqlite_engine.url)):
        for i in range(5):
            uppskjutet._forsok(
                sqlite_engine, [{"tid": auth._nu(), "anvandare": f"a{i}", "handelse": "export"}], tvinga=True
            )
    assert uppskjutet.antal_vantande(sqlite_engine) == 3
    assert "kunde inte sparas" in caplog.text
    uppskjutet.skriv_vantande(sqlite_engine, tvinga=True)
    assert sorted(a for a, *_ in _logg(sqlite_engine)) == ["a2", "a3", "a4"]  # the newest kept


def test_inloggning_under_import_nekas_och_granskas_senare(engine, db_url, snabb_bcrypt):
    auth.skapa_anvandare(engine, "ada", "Ada", "admin", None, "ett-langt-losenord")
    auth.logga_in(engine, "ada", "fel-fel-fel-fel-fel")  # the counter's row exists (and is locked below)
    with halla(db_url):
        start = time.perf_counter()
        utfall = auth.logga_in(engine, "ada", "ett-langt-losenord")
        # Not a speed measurement: a login that waited out the ordinary 30 s lock wait fails here.
        assert time.perf_counter() - start < db.VANTAN / 3
        assert utfall == auth.Inloggningsutfall(False, upptagen=True)
        assert auth.logga_in(engine, "finns-inte", "vad-som-helst-1").upptagen
    uppskjutet.skriv_vantande(engine, tvinga=True)
    logg = _logg(engine)
    assert ("ada", "inloggning_misslyckad", False, '{"orsak": "upptagen"}') in logg
    assert (None, "inloggning_misslyckad", False, json.dumps({"okant_anvandarnamn": True, "orsak": "upptagen"})) in logg
    # The counter was not touched: one failure, as before the import.
    from core.models import Inloggningsspar

    with engine.connect() as c:
        assert (
            c.execute(
                select(Inloggningsspar.misslyckade).where(Inloggningsspar.nyckel == auth._nyckel("ada"))
            ).scalar_one()
            == 1
        )
    assert auth.logga_in(engine, "ada", "ett-langt-losenord").ok


def test_pg_skrivare_pa_rader_blockerar_inte_lasning(pg_url):
    """On PostgreSQL reading never waits on row locks (MVCC); the test of the holder itself."""
    from tests.conftest import _tom_pg

    _tom_pg(pg_url)
    eng = db.get_engine(pg_url)
    db.skapa_schema(eng)
    try:
        with halla(pg_url):
            with eng.connect() as c:
                assert c.execute(text("SELECT count(*) FROM installning")).scalar_one() == 2
            assert db.import_pagar(eng)
    finally:
        _tom_pg(pg_url)
