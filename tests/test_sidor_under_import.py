"""Every page renders during a long import, from the data as they were (issue 19).

Another process holds the database (``tests/skrivlas.py``): on SQLite the write lock of a long
import (``BEGIN IMMEDIATE``), or the real importer paused inside its transaction just before
its commit; on PostgreSQL a writer that holds the import's advisory lock and the rows pages
write to. AppTest renders every page meanwhile: no page waits for the lock (the run would
take the 30 s busy timeout and end in "database is locked"), each says that an import is in
progress, the activity and audit writes wait in memory, and a later run writes them.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core import auth, db, demo, exporter, ui, uppskjutet
from core.models import Aktivitet, Granskningslogg
from core.omfang import ADMIN, SIDOR_PER_ROLL
from tests import test_pages as _sidor
from tests.conftest import _tom_pg, snabba_hashar
from tests.skrivlas import halla

# The demo database and the AppTest set-up of the page tests (fixtures are found by name here).
demodatabas, databas = _sidor.demodatabas, _sidor.databas
rena_cacher, som_pa_servern = _sidor.rena_cacher, _sidor.som_pa_servern
ALLA_SIDOR, APP = _sidor.ALLA_SIDOR, _sidor.APP

# A page run that waited for the lock would take the 30 s busy timeout; AppTest gives up first.
TIDSGRANS = 20


@pytest.fixture(autouse=True)
def tom_ko():
    uppskjutet._rensa()
    yield
    uppskjutet._rensa()


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIDSGRANS)


def _inloggad(url: str, anv: str, roll: str) -> AppTest:
    auth.registrera_aktivitet(db.get_engine(url), anv)
    at = _app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = anv
    at.session_state["name"] = "Test"
    at.session_state["roles"] = [roll]
    return at.run()


def _banner(at: AppTest) -> bool:
    return any(i.value == ui.IMPORT_PAGAR_TEXT for i in at.info)


def _logg(url: str) -> list[tuple]:
    with db.get_engine(url).connect() as c:
        return [tuple(r) for r in c.execute(select(Granskningslogg.anvandare, Granskningslogg.handelse))]


def _aktivitet(url: str, anv: str):
    with db.get_engine(url).connect() as c:
        return c.execute(select(Aktivitet.senast).where(Aktivitet.anvandarnamn == anv)).scalar_one_or_none()


def _alla_sidor(at: AppTest, roll: str, *, banner: bool = True) -> dict[str, AppTest]:
    """Visit every page of ``roll``; each must render without error (and with the banner)."""
    for sida in SIDOR_PER_ROLL[roll]:
        at.switch_page(f"pages/{sida}.py").run()
        assert not at.exception, f"{sida}: {at.exception}"
        assert [t.value for t in at.title] == [ALLA_SIDOR[sida]], sida
        assert not at.error, [e.value for e in at.error]
        assert _banner(at) is banner, sida
    return at


def _omgangar_pa_datasidan(at: AppTest) -> list[str]:
    at.switch_page("pages/data.py").run()
    return list(at.dataframe[0].value["Mätomgång"])


def _gammal_aktivitet(at: AppTest) -> None:
    """Make the next run write the user's activity (it is written at most once a minute)."""
    at.session_state["vagen_aktivitet_skriven"] = auth._nu() - dt.timedelta(minutes=2)


# --- SQLite: the write lock of a long import --------------------------------------------------


def test_varje_sida_medan_importen_haller_skrivlaset(databas):
    url, _ = databas
    at = _inloggad(url, "admin", "admin")
    assert not _banner(at)
    fore = _aktivitet(url, "admin")
    omgangar = _omgangar_pa_datasidan(at)
    with halla(url):
        _gammal_aktivitet(at)
        _alla_sidor(at, "admin")
        assert _omgangar_pa_datasidan(at) == omgangar  # the data as they were
        # The activity write waits in memory, and so does the audit entry of a logout.
        assert _aktivitet(url, "admin") == fore
        assert uppskjutet.antal_vantande(db.get_engine(url)) >= 1
        at.button(key=ui.UTLOGGNING_NYCKEL).click().run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Vägen"] and _banner(at)
        assert ("admin", "utloggning") not in _logg(url)
    time.sleep(uppskjutet.PAUS)
    at.run()  # the next run, with the database free, writes what waited
    assert not at.exception and not _banner(at)
    assert ("admin", "utloggning") in _logg(url)
    assert _aktivitet(url, "admin") > fore
    assert uppskjutet.antal_vantande(db.get_engine(url)) == 0


@pytest.mark.parametrize("roll", ["politiker", "medarbetare", "processledning"])
def test_andra_rollers_sidor_under_import(databas, roll):
    url, losen = databas
    anv, _ = losen[roll]
    at = _inloggad(url, anv, roll)
    with halla(url):
        _gammal_aktivitet(at)
        _alla_sidor(at, roll)


def test_inloggning_under_import(databas):
    url, losen = databas
    anv, pw = losen["processledning"]
    at = _app().run()
    with halla(url):
        at.run()
        assert _banner(at)
        at.text_input[0].input(anv)
        at.text_input[1].input(pw)
        at.button[0].click().run()
        assert not at.exception
        assert [e.value for e in at.error] == [auth.FEL_UPPTAGEN]
        assert not at.session_state["authentication_status"]
    time.sleep(uppskjutet.PAUS)
    at.run()
    assert (anv, "inloggning_misslyckad") in _logg(url)  # the refused attempt, audited afterwards
    at.text_input[0].input(anv)
    at.text_input[1].input(pw)
    at.button[0].click().run()
    assert at.session_state["authentication_status"] is True


def _ny_omgang(url: str, katalog) -> None:
    """Import files for a new round 2023-09: the persons of 2023-03 measured again."""
    rader = exporter.exportera_rader(db.get_engine(url), ADMIN)
    katalog.mkdir()
    (katalog / "matomgang.csv").write_bytes(
        exporter.csv_bytes(
            "matomgang", [{"omgang_id": "2023-09", "datum": dt.date(2023, 9, 14), "benamning": "2023-09"}]
        )
    )
    matning = [{**r, "omgang_id": "2023-09"} for r in rader["matning"] if r["omgang_id"] == "2023-03"]
    (katalog / "matning.csv").write_bytes(exporter.csv_bytes("matning", matning))


def test_sidor_under_riktig_import(databas, tmp_path):
    url, _ = databas
    _ny_omgang(url, tmp_path / "ny")
    at = _inloggad(url, "admin", "admin")
    omgangar = _omgangar_pa_datasidan(at)
    assert "2023-09" not in omgangar
    with halla("--import", url, str(tmp_path / "ny")) as p:
        _gammal_aktivitet(at)
        _alla_sidor(at, "admin")
        assert _omgangar_pa_datasidan(at) == omgangar
        at.switch_page("pages/oversikt.py").run()
        assert at.sidebar.selectbox(key=ui.OMGANG_NYCKEL).value == "2023-03"
    assert p.stdout.read().strip() == "KLAR"
    time.sleep(uppskjutet.PAUS)
    at.run()
    assert not _banner(at)
    val = at.sidebar.selectbox(key=ui.OMGANG_NYCKEL)
    assert val.value == "2023-03" and val.options[0].startswith("2023-09")  # seen at once, choice kept
    assert _omgangar_pa_datasidan(at) == ["2023-09", *omgangar]
    assert ("test:import", "import") in _logg(url)


# --- PostgreSQL: a writer that holds rows locked ------------------------------------------------


@pytest.fixture
def pg_demo(pg_url, tmp_path, monkeypatch):
    _tom_pg(pg_url)
    eng = db.get_engine(pg_url)
    db.skapa_schema(eng)
    with pytest.MonkeyPatch.context() as mp:
        snabba_hashar(mp)
        assert demo.ladda(eng).ok
        losen = auth.skapa_demoanvandare(eng, fil=tmp_path / "demo-anvandare.txt")
    monkeypatch.setenv("VAGEN_DATABASE_URL", pg_url)
    yield pg_url, losen
    db.dispose_engines()
    _tom_pg(pg_url)


def _logga_in(anv: str, pw: str) -> AppTest:
    at = _app().run()
    at.text_input[0].input(anv)
    at.text_input[1].input(pw)
    at.button[0].click().run()
    assert not at.exception
    return at


def test_pg_sidor_medan_en_skrivare_laser_rader(pg_demo):
    url, losen = pg_demo
    auth.logga_in(db.get_engine(url), "admin", "fel-fel-fel-fel-fel")  # admin's counter row exists
    at = _inloggad(url, "admin", "admin")
    assert not _banner(at)
    fore = _aktivitet(url, "admin")
    omgangar = _omgangar_pa_datasidan(at)
    with halla(url, "--utan-granskning"):
        _gammal_aktivitet(at)
        _alla_sidor(at, "admin")
        assert _omgangar_pa_datasidan(at) == omgangar
        assert _aktivitet(url, "admin") == fore  # its row is locked: the write waits in memory
        assert uppskjutet.antal_vantande(db.get_engine(url)) == 1
        # A login whose counter row is locked fails closed with a message...
        ut = _logga_in(*losen["admin"])
        assert [e.value for e in ut.error] == [auth.FEL_UPPTAGEN]
        assert not ut.session_state["authentication_status"]
        # ...and one whose row is free logs in: on PostgreSQL an import does not stop logins.
        ut = _logga_in(*losen["processledning"])
        assert not ut.error and ut.session_state["authentication_status"] is True
    time.sleep(uppskjutet.PAUS)
    at.run()
    assert not at.exception and not _banner(at)
    assert _aktivitet(url, "admin") > fore
    assert ("admin", "inloggning_misslyckad") in _logg(url) and ("processledning", "inloggning") in _logg(url)


def test_pg_sidor_under_riktig_import(pg_demo, tmp_path):
    url, _ = pg_demo
    _ny_omgang(url, tmp_path / "ny")
    at = _inloggad(url, "admin", "admin")
    omgangar = _omgangar_pa_datasidan(at)
    with halla("--import", url, str(tmp_path / "ny")) as p:
        _gammal_aktivitet(at)
        for sida in SIDOR_PER_ROLL["admin"]:
            at.switch_page(f"pages/{sida}.py").run()
            assert not at.exception and not at.error, sida
        assert _omgangar_pa_datasidan(at) == omgangar
    assert p.stdout.read().strip() == "KLAR"
    at.run()
    assert _omgangar_pa_datasidan(at) == ["2023-09", *omgangar]
