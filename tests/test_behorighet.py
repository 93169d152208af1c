"""Roles enforced in core, not only in the navigation (issue 5, produkt.md "Roles").

Every public function of ``core`` that takes the caller's scope (a parameter ``omfang``) is
called here with every role's scope on the hand-built fixture, whose round has many counts
of 1–4. The test asserts that politiker never receive a person-level row or an unsuppressed
small count, that medarbetare never receive person-level rows at all (no function hands out
another unit's persons; person lists come with the Prioritering page), and that exports are
suppressed for everyone unless processledning/admin chose otherwise. A function added later
without an entry here fails ``test_varje_datafunktion_provas``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pandas as pd
import pytest

import core
import core.audit
import core.auth
import core.exporter
import core.forvaltning
import core.matt.datakvalitet
import core.matt.korstabell
import core.matt.oversikt
import core.matt.profil
import core.matt.sammanfattning
import core.matt.trender  # noqa: E402 - Trender (issue 15)
import core.rapport
import core.rapport_trender
import core.rapportpaket
from core.omfang import ROLLER, BehorighetsFel, Omfang
from tests import fixtur

OMFANG = {
    "politiker": Omfang("politiker"),
    "medarbetare": Omfang("medarbetare", "eb"),
    "processledning": Omfang("processledning"),
    "admin": Omfang("admin"),
}
PERSONKOLUMNER = {"person_id", "hushall_id", "insats_id", "handlaggare"}


def _sma(varden) -> list[int]:
    """The values among ``varden`` that are small counts (1–4)."""
    ut = []
    for v in varden:
        if v is None or v is pd.NA or isinstance(v, str) or (isinstance(v, float) and v != v):
            continue  # suppressed ("färre än 5" or missing)
        if float(v).is_integer() and 0 < int(v) < 5:
            ut.append(int(v))
    return ut


# --- what each function publishes: (small counts shown, person-level columns handed out) ---


def _oversikt(o):
    t = o.tabell
    antal = t[t["typ"] == "antal"]
    return _sma([*antal["varde"], *antal["kvinnor"], *antal["man"]]), set()


def _profil(p):
    sma = _sma([p.n]) + [x for df in p.fordelningar.values() for x in _sma(df["n"])]
    return sma, set()


def _korstabell(k):
    return _sma([*k.celler["n"], *k.rader["n"], *k.kolumner["n"], k.total]), set()


def _jamforelse(j):
    return _sma([*j.fordelning["n"], *j.storlek["n"]]), set()


def _rapport_data(d):
    celler = [c["n"] for v in d["variabler"].values() for c in v.values()]
    return _sma([d["n"], *celler]), set()


def _sammanfattning(s):
    personer = s.serie[s.serie["indikator"] == "personer"]
    return _sma(personer["varde"]), set()


def _paket(p):
    """Every count of the review pack: Målgrupp's Antal, the persons of Översikt and
    Sammanfattning (not the median months, which are no counts)."""
    varden = []
    for sek in p.sektioner:
        for t in sek.tabeller:
            if "Antal" in t.df.columns:
                varden += list(t.df["Antal"])
            elif "Nyckeltal" in t.df.columns and t.antal:
                rader = t.df[~t.df["Nyckeltal"].str.contains("edian")]
                varden += [v for k in t.antal for v in rader[k]]
            elif t.rubrik == "Personer i processen":
                varden += [v for k in t.antal for v in t.df[k]]
    return _sma(varden), set()


def _ram(df: pd.DataFrame, kolumner=("n", "personer", "Antal")):
    sma = [x for k in kolumner if k in df.columns for x in _sma(df[k])]
    return sma, PERSONKOLUMNER & set(df.columns)


def _rader(d):
    return [], {k for rader in d.values() for r in rader for k in r if k in PERSONKOLUMNER and r[k]}


def _bytes(_):
    return [], {"person_id"}  # the exchange format is person-level by definition


def _inget(_):
    return [], set()


# name -> (call with (engine, omfang, tmp_path), extractor, is it an export/report?)
ANROP = {
    "core.matt.sammanfattning.sammanfattning": (
        lambda e, o, t: core.matt.sammanfattning.sammanfattning(e, o),
        _sammanfattning,
        False,
    ),
    "core.rapportpaket.paket": (lambda e, o, t: core.rapportpaket.paket(e, o), _paket, True),
    "core.matt.oversikt.oversikt": (lambda e, o, t: core.matt.oversikt.oversikt(e, o, "2019-09"), _oversikt, False),
    "core.matt.oversikt.omgangar": (lambda e, o, t: core.matt.oversikt.omgangar(e, o), _ram, False),
    "core.matt.profil.profil": (lambda e, o, t: core.matt.profil.profil(e, o, "2019-09"), _profil, False),
    "core.matt.korstabell.korstabell": (
        lambda e, o, t: core.matt.korstabell.korstabell(e, o, "2019-09", "kon", "handlingsplan"),
        _korstabell,
        False,
    ),
    "core.matt.jamforelse.enhet_mot_resten": (
        lambda e, o, t: core.matt.jamforelse.enhet_mot_resten(e, o, "2019-09", "eai", "kon"),
        _jamforelse,
        False,
    ),
    "core.matt.datakvalitet.datakvalitet": (
        lambda e, o, t: core.matt.datakvalitet.datakvalitet(e, o, "2019-09"),
        lambda df: _ram(df, ()),
        False,
    ),
    "core.matt.datakvalitet.datakvalitet_export": (
        lambda e, o, t: core.matt.datakvalitet.datakvalitet_export(e, o, "2019-09"),
        lambda df: _ram(df, ("personer", "okand", "saknas")),
        True,
    ),
    "core.rapport.profil_data": (lambda e, o, t: core.rapport.profil_data(e, o, "2019-09"), _rapport_data, True),
    "core.rapport.profil_tabell": (lambda e, o, t: core.rapport.profil_tabell(e, o, "2019-09"), _ram, True),
    "core.rapport.profil": (lambda e, o, t: core.rapport.profil(e, o, "2019-09", format="csv"), _inget, True),
    "core.rapport.oversikt_data": (
        lambda e, o, t: core.rapport.oversikt_data(e, o, "2019-09"),
        lambda d: (
            _sma([c.get("n") for f in d["nyckeltal"].values() for c in f.values() if isinstance(c, dict)]),
            set(),
        ),
        True,
    ),
    "core.rapport.korstabell_data": (
        lambda e, o, t: core.rapport.korstabell_data(e, o, "2019-09", "kon", "handlingsplan", core.matt.profil.ALLA),
        lambda d: (
            _sma(
                [d["n"], *(c["n"] for c in d["celler"])]
                + [c["n"] for m in ("radsummor", "kolumnsummor") for c in d[m].values()]
            ),
            set(),
        ),
        True,
    ),
    "core.rapport.jamforelse_data": (
        lambda e, o, t: core.rapport.jamforelse_data(e, o, "2019-09", "eai", "kon", core.matt.profil.ALLA),
        lambda d: (
            _sma(
                [d[g]["n"] for g in ("enheten", "resten")]
                + [c["n"] for g in ("enheten", "resten") for c in d[g]["fordelning"].values()]
            ),
            set(),
        ),
        True,
    ),
    "core.exporter.exportera_rader": (lambda e, o, t: core.exporter.exportera_rader(e, o), _rader, True),
    "core.exporter.xlsx_bytes": (lambda e, o, t: core.exporter.xlsx_bytes(e, o), _bytes, True),
    "core.exporter.exportera_xlsx": (lambda e, o, t: core.exporter.exportera_xlsx(e, o, t / "x.xlsx"), _bytes, True),
    "core.exporter.exportera_csv": (lambda e, o, t: core.exporter.exportera_csv(e, o, t / "csv"), _bytes, True),
    "core.exporter.zip_bytes": (lambda e, o, t: core.exporter.zip_bytes(e, o), _bytes, True),
    "core.exporter.exportera_zip": (lambda e, o, t: core.exporter.exportera_zip(e, o, t / "x.zip"), _bytes, True),
    "core.audit.lista": (lambda e, o, t: core.audit.lista(e, o), lambda df: ([], set()), False),
    "core.auth.lista_anvandare": (lambda e, o, t: core.auth.lista_anvandare(e, o), lambda df: ([], set()), False),
    "core.auth.skapa_anvandare_som_admin": (
        lambda e, o, t: core.auth.skapa_anvandare_som_admin(
            e, o, "x", "ny", "Ny", "politiker", None, "ett-långt-lösen"
        ),
        _inget,
        False,
    ),
    "core.auth.andra_anvandare": (lambda e, o, t: core.auth.andra_anvandare(e, o, "x", "saknas"), _inget, False),
    "core.auth.aterstall_losenord": (lambda e, o, t: core.auth.aterstall_losenord(e, o, "x", "saknas"), _inget, False),
    "core.auth.las_upp": (lambda e, o, t: core.auth.las_upp(e, o, "x", "saknas"), _inget, False),
    "core.forvaltning.omgangens_innehall": (
        lambda e, o, t: core.forvaltning.omgangens_innehall(e, o, "2019-09"),
        _inget,
        False,
    ),
    "core.forvaltning.radera_omgang": (
        lambda e, o, t: core.forvaltning.radera_omgang(e, o, "2019-09", "x"),
        _inget,
        False,
    ),
}

# --- issue 16: Prioritering and Min enhet ----------------------------------------------------
# A medarbetare's own unit is known to them (they get its person lists), so their matrix and
# key figures show its small counts on purpose; what those views give away about the rest of the
# process is tested in tests/test_prioritering.py, and that the person lists hold only the own
# unit in tests/test_prioritering.py and tests/test_prioritering_sidor.py.
import core.matt.forflyttning  # noqa: E402
import core.matt.min_enhet  # noqa: E402
import core.matt.prioritering  # noqa: E402


def _prio_matris(m):
    if m.kanda_enhet:
        return [], set()
    return _sma([m.n, *m.celler["n"], *m.celler["kvinnor"], *m.celler["man"], *m.rader["n"], *m.kolumner["n"]]), set()


def _min_enhet(m):
    if m.kanda_enhet:
        return [], set()
    t = m.tabell
    return _sma([*t["enhet_n"], *t["alla_n"]]), set()


ANROP |= {
    "core.matt.prioritering.matris": (
        lambda e, o, t: core.matt.prioritering.matris(e, o, "2019-09", export=True),
        _prio_matris,
        True,
    ),
    "core.matt.prioritering.personlista": (
        lambda e, o, t: core.matt.prioritering.personlista(e, o, "2019-09", "hog", "3", anvandare="t"),
        _inget,
        False,
    ),
    "core.matt.prioritering.uppfoljningslista": (
        lambda e, o, t: core.matt.prioritering.uppfoljningslista(e, o, "2019-09", "utan_plan", anvandare="t"),
        _inget,
        False,
    ),
    "core.matt.min_enhet.min_enhet": (
        lambda e, o, t: core.matt.min_enhet.min_enhet(e, o, "2019-09", "eb", export=True),
        _min_enhet,
        True,
    ),
    "core.matt.prioritering.rapportsektion": (
        lambda e, o, t: core.matt.prioritering.rapportsektion(e, o, "2019-09"),
        lambda sek: (_sma([x for tb in sek.tabeller for k in tb.antal for x in tb.df[k]]), set()),
        True,
    ),
    "core.matt.forflyttning.forflyttning": (
        # one round in the fixture: no earlier round, nothing to show (tested in test_prioritering.py)
        lambda e, o, t: core.matt.forflyttning.forflyttning(e, o, "2019-09", export=True),
        _inget,
        True,
    ),
    "core.matt.min_enhet.over_tid": (
        lambda e, o, t: core.matt.min_enhet.over_tid(e, o, "eb"),
        _inget,
        False,
    ),
}
# --- Jämställdhet (issue 13) ---
import core.matt.jamstalldhet  # noqa: E402


def _jamstalldhet(r):
    d, s = r.indikatorer, r.strata
    varden = [*r.storlek.values()]
    for df in (d, s):
        varden += [x for k in ("n_K", "bas_K", "n_M", "bas_M", "n_saknas", "bas_saknas") if k in df for x in df[k]]
    return _sma(varden), set()


def _aldersstrata(t):
    s = t[0]
    return _sma([x for k in ("n_K", "bas_K", "n_M", "bas_M") for x in s[k]]), set()


def _sektion(sek):
    return _sma([x for tab in sek.tabeller for k in tab.antal for x in tab.df[k]]), set()


ANROP.update(
    {
        "core.matt.jamstalldhet.jamstalldhet": (
            lambda e, o, t: core.matt.jamstalldhet.jamstalldhet(e, o, "2019-09"),
            _jamstalldhet,
            False,
        ),
        "core.matt.jamstalldhet.aldersstrata": (
            lambda e, o, t: core.matt.jamstalldhet.aldersstrata(e, o, "2019-09"),
            _aldersstrata,
            False,
        ),
        "core.matt.jamstalldhet.rapportsektion": (
            lambda e, o, t: core.matt.jamstalldhet.rapportsektion(e, o, "2019-09"),
            _sektion,
            True,
        ),
    }
)

# --- Trender (issue 15) ---------------------------------------------------------------------------

_TREND_ANTAL = {"n", "kvar", "lamnat", "tillkommit", "fran_n", "till_n", "hushall", "hela_perioden", "langvariga"}


def _trend_json(d, nyckel=None) -> list[int]:
    """Every count of a Trender report (the keys above, and the indicators that are counts)."""
    if isinstance(d, dict):
        if nyckel in ("personer", "avslut"):
            return _sma([c["varde"] for c in d.values()])
        ut = []
        for k, v in d.items():
            if k in _TREND_ANTAL and not isinstance(v, (dict, list)):
                ut += _sma([v])
            else:
                ut += _trend_json(v, k)
        return ut
    if isinstance(d, list):
        return [x for v in d for x in _trend_json(v, nyckel)]
    return []


def _trend_serie(df):
    return _sma(df.loc[df["typ"] == "antal", "varde"]), set()


def _trend_overgangar(o):
    st = o.storlek
    return _sma(
        [
            *st[["kvar", "lamnat", "tillkommit", "fran_n", "till_n"]].to_numpy().ravel(),
            *o.tabeller["n"],
            *o.lamnat["n"],
            *o.tillkommit["n"],
        ]
    ), set()


def _trend_langvarighet(lv):
    return _sma([lv.hushall, lv.hela_perioden, *lv.per_ar["hushall"], *lv.per_ar["langvariga"]]), set()


def _trend_sektion(sek):
    return _sma([v for t in sek.tabeller for k in t.antal for v in t.df[k]]), set()


ANROP |= {
    "core.matt.trender.serie": (lambda e, o, t: core.matt.trender.serie(e, o), _trend_serie, False),
    "core.matt.trender.rorelser": (
        lambda e, o, t: core.matt.trender.rorelser(e, o),
        lambda df: (_sma([*df["kvar"], *df["lamnat"], *df["tillkommit"]]), set()),
        False,
    ),
    "core.matt.trender.overgangar": (
        lambda e, o, t: core.matt.trender.overgangar(e, o, "2019-09", "2020-03"),
        _trend_overgangar,
        False,
    ),
    "core.matt.trender.langvarighet": (
        lambda e, o, t: core.matt.trender.langvarighet(e, o, "2019-01", "2020-06"),
        _trend_langvarighet,
        False,
    ),
    "core.matt.trender.ateraktualisering": (
        lambda e, o, t: core.matt.trender.ateraktualisering(e, o),
        lambda df: (_sma([*df["avslut"], *df["ater"]]), set()),
        False,
    ),
    "core.matt.trender.enhet_mot_processen": (
        lambda e, o, t: core.matt.trender.enhet_mot_processen(e, o, "eb"),
        lambda df: (_sma([*df["n"], *df["antal"]]), set()),
        False,
    ),
    "core.matt.trender.langvariga_per_omgang": (
        lambda e, o, t: core.matt.trender.langvariga_per_omgang(e, o, True),
        lambda df: ([], set()),
        True,
    ),
    "core.matt.trender.rapportsektion": (
        lambda e, o, t: core.matt.trender.rapportsektion(e, o, "2020-03"),
        _trend_sektion,
        True,
    ),
    "core.rapport_trender.langvarighet_data": (
        lambda e, o, t: core.rapport_trender.langvarighet_data(e, o, "2019-01", "2020-12"),
        lambda d: (_trend_json(d), set()),
        True,
    ),
    "core.rapport_trender.trender_data": (
        lambda e, o, t: core.rapport_trender.trender_data(e, o, "eb"),
        lambda d: (_trend_json(d), set()),
        True,
    ),
    "core.rapport_trender.overgangar_data": (
        lambda e, o, t: core.rapport_trender.overgangar_data(e, o, "2019-09", "2020-03"),
        lambda d: (_trend_json(d), set()),
        True,
    ),
}


# What each role may call at all (others must raise BehorighetsFel).
BARA = {
    "core.matt.datakvalitet.datakvalitet": {"processledning", "admin"},
    "core.matt.datakvalitet.datakvalitet_export": {"processledning", "admin"},
    "core.exporter.exportera_rader": {"processledning", "admin"},
    "core.exporter.xlsx_bytes": {"processledning", "admin"},
    "core.exporter.exportera_xlsx": {"processledning", "admin"},
    "core.exporter.exportera_csv": {"processledning", "admin"},
    "core.exporter.zip_bytes": {"processledning", "admin"},
    "core.exporter.exportera_zip": {"processledning", "admin"},
    "core.audit.lista": {"processledning", "admin"},
    "core.auth.lista_anvandare": {"admin"},
    "core.auth.skapa_anvandare_som_admin": {"admin"},
    "core.auth.andra_anvandare": {"admin"},
    "core.auth.aterstall_losenord": {"admin"},
    "core.auth.las_upp": {"admin"},
    "core.forvaltning.omgangens_innehall": {"processledning", "admin"},
    "core.forvaltning.radera_omgang": {"processledning", "admin"},
}
BARA |= {  # issue 16
    f"core.matt.{n}": {"medarbetare", "processledning", "admin"}
    for n in (
        "forflyttning.forflyttning",
        "prioritering.matris",
        "prioritering.personlista",
        "prioritering.uppfoljningslista",
        "min_enhet.min_enhet",
        "min_enhet.over_tid",
    )
}


# --- Insatsflöden (issue 14) ----------------------------------------------------------------
import datetime as _dt  # noqa: E402

import core.matt.floden  # noqa: E402

_FLODESPERIOD = core.matt.floden.Period(_dt.date(2018, 9, 16), _dt.date(2019, 9, 15))


def _floden(f):
    ramar = (f.noder, f.steglankar, f.lankar, f.matris_insatstyp, f.overlamningar, f.avslut)
    return _sma([f.n_episoder, f.n_personer, *(x for df in ramar for x in df["n"])]), set()


def _floden_rapport(d):
    celler = [r["n"] for k in ("lankar", "steg", "matris_insatstyp") for r in d[k]]
    celler += [c["n"] for c in d["overlamningar"]["per_person"].values()] + [c["n"] for c in d["avslut"].values()]
    return _sma([d["episoder"], d["personer"], d["vantande"]["n"], *celler]), set()


def _floden_sektion(s):
    return _sma([x for t in s.tabeller for k in t.antal for x in t.df[k]]), set()


def _vantande(df):
    # a medarbetare (of eb here) may see the waiting persons of their own unit only
    return [], ({"person_id"} if (df["till_enhet"] != "eb").any() else set())


ANROP |= {
    "core.matt.floden.floden": (lambda e, o, t: core.matt.floden.floden(e, o, _FLODESPERIOD), _floden, False),
    "core.matt.floden.rapport_data": (
        lambda e, o, t: core.matt.floden.rapport_data(e, o, _FLODESPERIOD),
        _floden_rapport,
        True,
    ),
    "core.matt.floden.rapportsektion": (
        lambda e, o, t: core.matt.floden.rapportsektion(e, o, "2019-09"),
        _floden_sektion,
        True,
    ),
    "core.matt.floden.vantande_lista": (
        lambda e, o, t: core.matt.floden.vantande_lista(e, o, _FLODESPERIOD),
        _vantande,
        False,
    ),
}
BARA["core.matt.floden.vantande_lista"] = {"medarbetare", "processledning", "admin"}


def _datafunktioner() -> set[str]:
    """Every public function in core whose signature takes the caller's scope."""
    namn = set()
    for mod in pkgutil.walk_packages(core.__path__, "core."):
        if (
            mod.name == "core.ui"
            or mod.name.startswith("core.ui.")
            or mod.name in ("core.__main__", "core.cli", "core.bench")
        ):
            continue  # the UI layer and the operator's tools call the functions listed here
        m = importlib.import_module(mod.name)
        for f_namn, f in inspect.getmembers(m, inspect.isfunction):
            if (
                f.__module__ == m.__name__
                and not f_namn.startswith("_")
                and "omfang" in inspect.signature(f).parameters
            ):
                namn.add(f"{m.__name__}.{f_namn}")
    return namn


def test_varje_datafunktion_provas():
    assert _datafunktioner() == set(ANROP)


@pytest.fixture
def eng(engine, snabb_bcrypt):
    importlib.import_module("core.matt.jamforelse")
    fixtur.ladda(engine)
    return engine


@pytest.mark.parametrize("roll", ROLLER)
@pytest.mark.parametrize("namn", sorted(ANROP))
def test_roll_far_bara_det_den_ska(eng, tmp_path, namn, roll):
    anrop, utdrag, _ = ANROP[namn]
    omfang = OMFANG[roll]
    if roll not in BARA.get(namn, set(ROLLER)):
        with pytest.raises(BehorighetsFel):
            anrop(eng, omfang, tmp_path)
        return
    try:
        ut = anrop(eng, omfang, tmp_path)
    except ValueError:
        return  # e.g. "no such user": the role may call it, the fixture has no such row
    sma, personkolumner = utdrag(ut)
    if roll in ("politiker", "medarbetare"):
        assert not personkolumner, f"{namn} gav {roll} personrader"
        assert not sma, f"{namn} visade {roll} små tal {sma}"


@pytest.mark.parametrize("roll", ["processledning", "admin"])
@pytest.mark.parametrize("namn", sorted(n for n, (_, _, export) in ANROP.items() if export))
def test_uttag_skyddas_om_man_inte_valt_annat(eng, tmp_path, namn, roll):
    anrop, utdrag, _ = ANROP[namn]
    sma, personkolumner = utdrag(anrop(eng, OMFANG[roll], tmp_path))
    if not personkolumner:  # the exchange format is person-level by design, for these roles only
        assert not sma, f"{namn}: skyddat uttag för {roll} visade {sma}"


def test_skarm_oskyddad_for_processledning(eng):
    # On screen processledning sees everything: the fixture's small counts come through.
    p = core.matt.profil.profil(eng, OMFANG["processledning"], "2019-09", variabler=["kon"])
    assert p.fordelningar["kon"].set_index("kod").loc["M", "n"] == 4
    # ... and an export chosen without suppression says so and shows them too.
    d = core.rapport.profil_data(eng, OMFANG["processledning"].med_skydd(False), "2019-09")
    assert d["skydd"] is False and d["variabler"]["kon"]["M"]["n"] == 4


@pytest.mark.parametrize("roll", ["politiker", "medarbetare"])
def test_oskyddat_uttag_nekas(roll):
    with pytest.raises(BehorighetsFel):
        OMFANG[roll].med_skydd(False)
