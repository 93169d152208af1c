"""Login lockout, idle sessions, the cookie key, user administration and the audit log."""

import datetime as dt

import pytest
from sqlalchemy import select

from core import audit, auth, config
from core.models import Granskningslogg, Inloggningsspar
from core.omfang import ADMIN, BehorighetsFel, Omfang

T0 = dt.datetime(2026, 1, 5, 9, 0)
LOSEN = "rätt-lösenord-123"


@pytest.fixture
def eng(engine, snabb_bcrypt):
    auth.skapa_anvandare(engine, "anna", "Anna Andersson", "processledning", None, LOSEN)
    auth.skapa_anvandare(engine, "bo", "Bo Berg", "medarbetare", "eb", LOSEN)
    return engine


def handelser(engine):
    with engine.connect() as c:
        return c.execute(
            select(
                Granskningslogg.anvandare, Granskningslogg.handelse, Granskningslogg.lyckad, Granskningslogg.detalj
            ).order_by(Granskningslogg.id)
        ).all()


def test_lyckad_inloggning_loggas(eng):
    assert auth.logga_in(eng, " Anna ", LOSEN, nu=T0).ok
    ((vem, h, ok, _),) = handelser(eng)
    assert (vem, h, ok) == ("anna", "inloggning", True)
    assert auth.senast_aktiv(eng, "anna") == T0


def test_fem_fel_laser_i_femton_minuter(eng):
    for i in range(4):
        u = auth.logga_in(eng, "anna", "fel-lösenord-xyz", nu=T0 + dt.timedelta(seconds=i))
        assert not u.ok and not u.last
    u = auth.logga_in(eng, "anna", "fel-lösenord-xyz", nu=T0 + dt.timedelta(seconds=5))
    assert not u.ok and u.last and u.last_till == T0 + dt.timedelta(seconds=5, minutes=15)
    # locked: even the right password is refused, without being checked
    u = auth.logga_in(eng, "anna", LOSEN, nu=T0 + dt.timedelta(minutes=10))
    assert not u.ok and u.last
    assert auth.last_till(eng, "anna", nu=T0 + dt.timedelta(minutes=10)) is not None
    # after 15 minutes the right password works again
    assert auth.logga_in(eng, "anna", LOSEN, nu=T0 + dt.timedelta(minutes=16)).ok
    rader = handelser(eng)
    assert [h for _, h, _, _ in rader].count("inloggning_misslyckad") == 6
    assert "last" in rader[-2][3]  # the refused attempt while locked says why


def test_okant_namn_lases_likadant_och_avslojar_inget(eng):
    utfall_okant = [auth.logga_in(eng, "finns-inte", "vad-som-helst-1", nu=T0) for _ in range(5)]
    utfall_kant = [auth.logga_in(eng, "bo", "vad-som-helst-1", nu=T0) for _ in range(5)]
    # the same sequence of answers for a name that exists and one that does not
    assert [(u.ok, u.last) for u in utfall_okant] == [(u.ok, u.last) for u in utfall_kant]
    assert utfall_okant[-1].last
    # the unknown name is logged as unknown, never as typed
    okanda = [r for r in handelser(eng) if r[0] is None]
    assert len(okanda) == 5 and all("okant_anvandarnamn" in r[3] for r in okanda)
    assert all("finns-inte" not in (r[3] or "") for r in handelser(eng))
    # the counter table holds a hash, not the typed name
    with eng.connect() as c:
        nycklar = c.execute(select(Inloggningsspar.nyckel)).scalars().all()
    assert "finns-inte" not in nycklar and all(len(n) == 64 for n in nycklar)


def test_inaktiv_anvandare_kan_inte_logga_in(eng):
    auth.andra_anvandare(eng, ADMIN, "admin", "bo", aktiv=False)
    assert not auth.logga_in(eng, "bo", LOSEN, nu=T0).ok


def test_inaktivitet():
    assert auth.ar_inaktiv(None)
    assert not auth.ar_inaktiv(T0, nu=T0 + dt.timedelta(minutes=59))
    assert auth.ar_inaktiv(T0, nu=T0 + dt.timedelta(minutes=60))


@pytest.mark.parametrize(
    "nyckel, demo, fel",
    [
        (config.EXEMPEL_COOKIE_NYCKEL, False, "exempelnyckeln"),
        (config.EXEMPEL_COOKIE_NYCKEL, True, None),
        ("kort", False, "minst 32 tecken"),
        ("x" * 40, False, None),
    ],
)
def test_cookie_nyckel(nyckel, demo, fel):
    svar = auth.cookie_nyckel_fel(nyckel, demo)
    assert (svar is None) if fel is None else (fel in svar)


def test_anvandaradministration(eng):
    df = auth.lista_anvandare(eng, ADMIN)
    assert df["anvandarnamn"].tolist() == ["anna", "bo"]
    assert "losenord_hash" not in df.columns
    auth.skapa_anvandare_som_admin(eng, ADMIN, "admin", "cecilia", "Cecilia", "politiker", None, "ett-långt-lösen")
    auth.andra_anvandare(eng, ADMIN, "admin", "cecilia", roll="medarbetare", enhet="eai")
    assert auth.omfang_for(eng, "cecilia") == Omfang("medarbetare", "eai")
    with pytest.raises(ValueError, match="Enheten finns-ej finns inte"):
        auth.andra_anvandare(eng, ADMIN, "admin", "cecilia", roll="medarbetare", enhet="finns-ej")
    nytt = auth.aterstall_losenord(eng, ADMIN, "admin", "cecilia")
    assert len(nytt) >= 12 and auth.logga_in(eng, "cecilia", nytt, nu=T0).ok
    with pytest.raises(ValueError, match="minst 12"):
        auth.aterstall_losenord(eng, ADMIN, "admin", "cecilia", "kort")
    # locked, then unlocked by the admin
    for _ in range(5):
        auth.logga_in(eng, "anna", "fel-fel-fel-fel", nu=T0)
    assert auth.lista_anvandare(eng, ADMIN, nu=T0).set_index("anvandarnamn").loc["anna", "last_till"] is not None
    auth.las_upp(eng, ADMIN, "admin", "anna")
    assert auth.logga_in(eng, "anna", LOSEN, nu=T0).ok
    loggade = [r[3] for r in handelser(eng) if r[1] == "anvandare"]
    assert len(loggade) == 4 and all(LOSEN not in d and nytt not in d for d in loggade)


@pytest.mark.parametrize("roll, enhet", [("politiker", None), ("medarbetare", "eb"), ("processledning", None)])
def test_bara_admin_hanterar_anvandare(eng, roll, enhet):
    o = Omfang(roll, enhet)
    with pytest.raises(BehorighetsFel):
        auth.lista_anvandare(eng, o)
    with pytest.raises(BehorighetsFel):
        auth.aterstall_losenord(eng, o, "x", "anna")
    with pytest.raises(BehorighetsFel):
        auth.skapa_anvandare_som_admin(eng, o, "x", "ny", "Ny", "admin", None, "ett-långt-lösen")


def test_admin_kan_inte_stanga_ute_sig_sjalv(eng):
    auth.skapa_anvandare(eng, "root", "Root", "admin", None, LOSEN)
    with pytest.raises(ValueError, match="dig själv"):
        auth.andra_anvandare(eng, ADMIN, "root", "root", aktiv=False)


def test_granskningslogg_lista(eng):
    auth.logga_in(eng, "anna", LOSEN, nu=T0)
    auth.logga_in(eng, "anna", "fel-fel-fel-fel", nu=T0)
    audit.logga(eng, "anna", "export", detalj={"fil": "x.xlsx"})
    df = audit.lista(eng, Omfang("processledning"))
    assert df["handelse"].tolist() == ["export", "inloggning_misslyckad", "inloggning"]
    assert audit.lista(eng, ADMIN, bara_misslyckade=True)["handelse"].tolist() == ["inloggning_misslyckad"]
    assert audit.lista(eng, ADMIN, handelser=("export",))["handelse_text"].tolist() == ["Export"]
    for roll, enhet in (("politiker", None), ("medarbetare", "eb")):
        with pytest.raises(BehorighetsFel):
            audit.lista(eng, Omfang(roll, enhet))


def test_cli_skapar_forsta_administratoren(db_url, engine):
    import os
    import subprocess
    import sys

    env = dict(os.environ, VAGEN_DATABASE_URL=db_url)
    r = subprocess.run(
        [sys.executable, "-m", "core", "anvandare", "ny", "Chef", "--namn", "Chefen", "--roll", "admin"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    losen = r.stdout.split("Lösenord: ")[1].split()[0]
    assert len(losen) >= 12
    assert auth.logga_in(engine, "chef", losen).ok
    assert auth.omfang_for(engine, "chef") == ADMIN
    r = subprocess.run(
        [sys.executable, "-m", "core", "anvandare", "ny", "xy", "--namn", "X", "--roll", "medarbetare"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 1 and "måste höra till en enhet" in r.stderr and "Traceback" not in r.stderr
    with engine.connect() as c:
        ops = (
            c.execute(select(Granskningslogg.anvandare).where(Granskningslogg.handelse == "anvandare")).scalars().all()
        )
    assert len(ops) == 1 and ops[0].startswith("operatör")
