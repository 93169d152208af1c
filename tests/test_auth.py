"""Users, passwords, credentials and demo users (core/auth.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import stat

import bcrypt
import pytest
from sqlalchemy import update

from core import auth, db
from core.models import Anvandare
from core.omfang import BehorighetsFel, Omfang

LOSEN = "korrekt-hast-batteri"  # 20 characters


@pytest.fixture(autouse=True)
def _snabb(snabb_bcrypt):
    """bcrypt's cost 4 in every test of this file (conftest.snabb_bcrypt)."""


def _demolage(engine) -> None:
    with engine.begin() as c:
        db.satt_installning(c, "demolage", "ja")


# --- passwords ------------------------------------------------------------------------------


def test_hash_ar_bcrypt_och_kan_kontrolleras():
    h = auth.hash_losenord(LOSEN)
    assert h.startswith("$2b$") and len(h) == 60
    assert bcrypt.checkpw(LOSEN.encode(), h.encode())
    assert auth.kontrollera_losenord(LOSEN, h)
    assert not auth.kontrollera_losenord(LOSEN + "x", h)
    assert not auth.kontrollera_losenord(LOSEN, "inte-en-hash")
    # A fresh salt every time: the same password never gives the same hash.
    assert auth.hash_losenord(LOSEN) != h


@pytest.mark.parametrize(
    "losenord, meddelande",
    [
        ("a" * 11, "minst 12 tecken"),  # one short of produkt.md's minimum
        ("", "minst 12 tecken"),
        ("å" * 37, "högst 72 byte"),  # 37 characters but 74 bytes in UTF-8: bcrypt's limit
        (" " + "a" * 12, "mellanslag"),  # the login form strips what is typed
        ("a" * 12 + " ", "mellanslag"),
    ],
)
def test_for_korta_och_ogiltiga_losenord_avvisas(losenord, meddelande):
    with pytest.raises(ValueError, match=meddelande):
        auth.hash_losenord(losenord)


def test_exakt_12_tecken_godtas():
    assert auth.kontrollera_losenord("a" * 12, auth.hash_losenord("a" * 12))


def test_slumpade_losenord():
    ett = auth.slumpa_losenord()
    # 16 random characters in four groups of four, joined by dashes.
    assert len(ett) == 19 and ett.count("-") == 3
    assert len(ett.replace("-", "")) == 16
    assert not set(ett.replace("-", "")) & set("0O1lI")
    assert len({auth.slumpa_losenord() for _ in range(50)}) == 50


# --- users, credentials, scope --------------------------------------------------------------


def test_skapa_anvandare_och_credentials(engine):
    auth.skapa_anvandare(engine, "  Anna.Berg ", "Anna Berg", "processledning", None, LOSEN)
    auth.skapa_anvandare(engine, "per", "Per Ek", "medarbetare", "eai", LOSEN)
    auth.skapa_anvandare(engine, "olle", "Olle Ström", "politiker", None, LOSEN)
    with engine.begin() as c:
        c.execute(update(Anvandare).where(Anvandare.anvandarnamn == "olle").values(aktiv=False))

    creds = auth.credentials(engine)
    # Only the two active users; the user name is stored lower-case and stripped.
    assert set(creds) == {"usernames"}
    assert sorted(creds["usernames"]) == ["anna.berg", "per"]
    anna = creds["usernames"]["anna.berg"]
    assert anna["name"] == "Anna Berg"
    assert anna["roles"] == ["processledning"]
    assert anna["email"] is None
    assert bcrypt.checkpw(LOSEN.encode(), anna["password"].encode())
    assert creds["usernames"]["per"]["roles"] == ["medarbetare"]
    # A fresh dict every call (the authenticator changes the one it is given).
    creds["usernames"]["per"]["roles"].append("admin")
    assert auth.credentials(engine)["usernames"]["per"]["roles"] == ["medarbetare"]


def test_omfang_for(engine):
    auth.skapa_anvandare(engine, "per", "Per Ek", "medarbetare", "eb", LOSEN)
    auth.skapa_anvandare(engine, "admin1", "Ada Min", "admin", None, LOSEN)
    assert auth.omfang_for(engine, "per") == Omfang("medarbetare", "eb")
    assert auth.omfang_for(engine, "PER ") == Omfang("medarbetare", "eb")
    assert auth.omfang_for(engine, "admin1") == Omfang("admin")
    with pytest.raises(BehorighetsFel):
        auth.omfang_for(engine, "okand")
    with engine.begin() as c:
        c.execute(update(Anvandare).where(Anvandare.anvandarnamn == "per").values(aktiv=False))
    with pytest.raises(BehorighetsFel):
        auth.omfang_for(engine, "per")


@pytest.mark.parametrize(
    "anvandarnamn, roll, enhet, meddelande",
    [
        ("ny", "medarbetare", None, "måste höra till en enhet"),
        ("ny", "medarbetare", "finns_ej", "finns inte"),
        ("ny", "politiker", "eb", "ingen enhet"),
        ("ny", "chef", None, "Okänd roll"),
        ("a b", "admin", None, "Användarnamnet"),
        ("x", "admin", None, "Användarnamnet"),  # one character: too short
    ],
)
def test_skapa_anvandare_avvisar(engine, anvandarnamn, roll, enhet, meddelande):
    with pytest.raises(ValueError, match=meddelande):
        auth.skapa_anvandare(engine, anvandarnamn, "Namn", roll, enhet, LOSEN)
    assert auth.credentials(engine) == {"usernames": {}}


def test_upptaget_anvandarnamn_och_kort_losenord(engine):
    auth.skapa_anvandare(engine, "per", "Per Ek", "admin", None, LOSEN)
    with pytest.raises(ValueError, match="upptaget"):
        auth.skapa_anvandare(engine, "Per", "Per Två", "admin", None, LOSEN)
    with pytest.raises(ValueError, match="minst 12"):
        auth.skapa_anvandare(engine, "kort", "Kort Lösen", "admin", None, "kort")
    assert list(auth.credentials(engine)["usernames"]) == ["per"]


# --- demo users -----------------------------------------------------------------------------


def test_demoanvandare_bara_i_demolage(engine, tmp_path):
    with pytest.raises(BehorighetsFel):
        auth.skapa_demoanvandare(engine, fil=tmp_path / "demo.txt")
    assert not (tmp_path / "demo.txt").exists()
    assert auth.credentials(engine) == {"usernames": {}}


def test_demoanvandare(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("VAGEN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    fil = tmp_path / "demo-anvandare.txt"
    _demolage(engine)
    losen = auth.skapa_demoanvandare(engine, fil=fil)

    assert list(losen) == ["politiker", "medarbetare", "processledning", "admin"]
    creds = auth.credentials(engine)["usernames"]
    for roll, (anv, pw) in losen.items():
        assert len(pw) >= 12
        assert creds[anv]["roles"] == [roll]
        assert auth.kontrollera_losenord(pw, creds[anv]["password"])
        assert auth.omfang_for(engine, anv).roll == roll
    assert auth.omfang_for(engine, losen["medarbetare"][0]) == Omfang("medarbetare", "eai")
    assert len({pw for _, pw in losen.values()}) == 4

    # The file is readable by its owner only and gives the same table back.
    assert stat.S_IMODE(fil.stat().st_mode) == 0o600
    assert auth.las_demoanvandare(fil) == losen

    ut = io.StringIO()
    auth.skriv_demoanvandare(ut, fil=fil)
    utskrift = ut.getvalue()
    for roll, (anv, pw) in losen.items():
        rad = next(r for r in utskrift.splitlines() if r.split()[:1] == [auth.koder.ROLLER[roll]])
        assert anv in rad and pw in rad

    # Renewing gives new passwords, still one user per role.
    igen = auth.skapa_demoanvandare(engine, fil=fil)
    assert len(auth.credentials(engine)["usernames"]) == 4
    assert igen["admin"][1] != losen["admin"][1]
    assert auth.las_demoanvandare(fil) == igen


def test_demoanvandare_medarbetare_pa_eb_utan_eai(engine, tmp_path):
    from sqlalchemy import delete

    from core.models import Enhet

    with engine.begin() as c:
        c.execute(delete(Enhet).where(Enhet.enhet == "eai"))
    _demolage(engine)
    losen = auth.skapa_demoanvandare(engine, fil=tmp_path / "d.txt")
    assert auth.omfang_for(engine, losen["medarbetare"][0]) == Omfang("medarbetare", "eb")


def test_skriv_demoanvandare_utan_fil_skriver_ingenting(tmp_path):
    ut = io.StringIO()
    auth.skriv_demoanvandare(ut, fil=tmp_path / "finns-inte.txt")
    assert ut.getvalue() == ""


def test_skriv_demoanvandare_annan_databas_skriver_ingenting(sqlite_engine, tmp_path, monkeypatch):
    # The file belongs to the database it was made for; another database prints nothing,
    # rather than passwords that would not work.
    fil = tmp_path / "d.txt"
    _demolage(sqlite_engine)
    auth.skapa_demoanvandare(sqlite_engine, fil=fil)
    monkeypatch.setenv("VAGEN_DATABASE_URL", f"sqlite:///{tmp_path / 'annan.db'}")
    ut = io.StringIO()
    auth.skriv_demoanvandare(ut, fil=fil)
    assert ut.getvalue() == ""


def test_skriv_demoanvandare_med_givna_losenord():
    ut = io.StringIO()
    auth.skriv_demoanvandare(ut, {"admin": ("admin", "abcd-efgh-jkmn-pqrs")})
    rader = ut.getvalue().splitlines()
    assert any(r.split() == ["Administratör", "admin", "abcd-efgh-jkmn-pqrs"] for r in rader)
    assert "Roll" in ut.getvalue() and "Lösenord" in ut.getvalue()
