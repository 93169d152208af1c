"""The Trender measures (issue 15) on hand-built payment histories and pairs of rounds.

Every expected number is counted by hand from the tables below (the comments say how). The
tests run on SQLite and PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core import db, frislapp
from core.matt import sammanfattning, trender
from core.models import Avslut, Matning, MatningVal, Matomgang, Person, Utbetalning
from core.omfang import Omfang
from core.population_trender import manad_text, manadsindex

D = dt.date
ADMIN = Omfang("admin")
POLITIKER = Omfang("politiker")


def _harled(c) -> None:
    """The derived rows every writer must compute (``core.harledning``, issue 10, on main after
    the importer merge); a no-op on a tree without it. These tests insert directly."""
    try:
        from core import harledning
    except ImportError:  # pragma: no cover - before the importer merge
        return
    harledning.berakna_om(c)


def _manader(fran: str, till: str) -> list[str]:
    return [manad_text(m) for m in range(manadsindex(fran), manadsindex(till) + 1)]


# household -> {month: amount}
HUSHALL = {
    # every month of 2017–2018: long-term both years, paid in the whole window
    "H1": {m: 1000 for m in _manader("2017-01", "2018-12")},
    # a gap: 2017 without October (11 months: long-term), 2018 January–May only (5: short)
    "H2": {m: 500 for m in _manader("2017-01", "2018-05") if m != "2017-10"},
    # starts mid-year: April 2017 on (9 months in 2017: short; 12 in 2018: long-term)
    "H3": {m: 2000 for m in _manader("2017-04", "2018-12")},
    # a zero-amount month: June 2017 is 0 kr, so not paid (11 months in 2017: long-term)
    "H4": {m: (0 if m == "2017-06" else 1000) for m in _manader("2017-01", "2018-12")},
    # leaves and returns: January–March 2017, then July–December 2018 (3 and 6: short)
    "H5": {m: 700 for m in [*_manader("2017-01", "2017-03"), *_manader("2018-07", "2018-12")]},
}


def _ladda_utbetalningar(engine, hushall=HUSHALL, personer=(), avslut=()):
    with engine.begin() as c:
        db.bulk_insert(
            c,
            Utbetalning.__table__,
            [{"hushall_id": h, "manad": m, "belopp_kr": b} for h, per in hushall.items() for m, b in per.items()],
        )
        if personer:
            db.bulk_insert(
                c,
                Person.__table__,
                [
                    {"person_id": p, "kon": k, "fodelsear": 1980, "fodelseregion": "sverige", "hushall_id": h}
                    for p, k, h in personer
                ],
            )
        if avslut:
            db.bulk_insert(c, Avslut.__table__, [{"person_id": p, "datum": d, "orsak": o} for p, d, o in avslut])
        _harled(c)
        db.byt_dataversion(c)


@pytest.fixture(autouse=True)
def _ny_frislapp():
    yield
    frislapp.rensa_cache()


def test_langvarighet_for_hela_tva_ar(engine):
    _ladda_utbetalningar(engine)
    lv = trender.langvarighet(engine, ADMIN, "2017-01", "2018-12")
    assert lv.hushall == 5  # H1–H5 all have a paid month in the window
    assert lv.hela_perioden == 1  # only H1: H4's 0 kr month is no payment, H3 starts in April
    assert lv.andel_hela_perioden == pytest.approx(1 / 5)
    # H1 24×1000 + H2 16×500 + H3 21×2000 + H4 23×1000 + H5 9×700
    assert lv.kostnad_total == 24_000 + 8_000 + 42_000 + 23_000 + 6_300
    assert lv.kostnad_hela_perioden == 24_000
    assert lv.andel_kostnad_hela_perioden == pytest.approx(24_000 / 103_300)
    per_ar = lv.per_ar.set_index("ar")
    # 2017: H1 (12), H2 (11, the gap), H4 (11, the zero month) long-term; H3 (9), H5 (3) not
    assert per_ar.loc[2017, ["hushall", "langvariga"]].tolist() == [5, 3]
    # 2018: H1, H3, H4 (12 each) long-term; H2 (5) and H5 (6, back in July) not
    assert per_ar.loc[2018, ["hushall", "langvariga"]].tolist() == [5, 3]
    assert per_ar.loc[2018, "andel_langvariga"] == pytest.approx(3 / 5)


def test_fonster_som_borjar_mitt_i_aret(engine):
    _ladda_utbetalningar(engine)
    lv = trender.langvarighet(engine, ADMIN, "2017-04", "2018-12")
    # 21 months: H1 and H3 (from April) paid in every one; H4 has its 0 kr June
    assert (lv.hushall, lv.hela_perioden) == (5, 2)
    assert lv.kostnad_hela_perioden == 21_000 + 42_000
    # a calendar year is counted whole (Socialstyrelsen), also when the window starts in April
    per_ar = lv.per_ar.set_index("ar")
    assert per_ar.loc[2017, ["hushall", "langvariga"]].tolist() == [5, 3]


def test_ett_ar_ett_hushall_och_tomt(engine):
    _ladda_utbetalningar(engine, {"H1": HUSHALL["H1"]})
    lv = trender.langvarighet(engine, ADMIN, "2017-01", "2017-12")
    assert (lv.hushall, lv.hela_perioden, lv.andel_kostnad_hela_perioden) == (1, 1, 1.0)
    # one household: everything about it is hidden for a politician, its cost too (rule 4)
    p = trender.langvarighet(engine, POLITIKER, "2017-01", "2017-12")
    assert (p.hushall, p.hela_perioden, p.kostnad_total, p.kostnad_hela_perioden) == (None, None, None, None)
    assert p.per_ar["hushall"].tolist() == [None]
    # a window without payments: zeros, no share
    tom = trender.langvarighet(engine, ADMIN, "2020-01", "2020-12")
    assert (tom.hushall, tom.hela_perioden, tom.andel_hela_perioden, tom.kostnad_total) == (0, 0, None, 0)


def test_langvarighet_skyddad_for_politiker(engine):
    _ladda_utbetalningar(engine)
    p = trender.langvarighet(engine, POLITIKER, "2017-01", "2018-12")
    # 5 households are shown; 1 paid every month and the 4 others are 1–4: both hidden,
    # so is the share and the cost of the one (the total minus it would give it away)
    assert p.hushall == 5
    assert (p.hela_perioden, p.andel_hela_perioden, p.kostnad_hela_perioden) == (None, None, None)
    assert p.andel_kostnad_hela_perioden is None
    # per year 3 long-term and 2 short: 2 is small, so is 3 (5 − 2)
    assert p.per_ar["langvariga"].tolist() == [None, None]


@pytest.mark.parametrize("fel", ["2017-13", "17-01", "januari"])
def test_felaktig_manad(engine, fel):
    with pytest.raises(trender.TrendFel, match="ÅÅÅÅ-MM"):
        trender.langvarighet(engine, ADMIN, fel, "2018-12")


def test_fonstret_baklanges(engine):
    with pytest.raises(trender.TrendFel, match="före"):
        trender.langvarighet(engine, ADMIN, "2018-12", "2017-01")


def test_ateraktualisering(engine):
    personer = [("PA", "K", "H5"), ("PB", "M", "H2"), ("PC", "K", "H1"), ("PD", "M", None)]
    avslut = [
        ("PA", D(2017, 3, 20), "arbete"),  # H5 is paid again from July 2018: 16 months later, not a re-entry
        ("PB", D(2017, 12, 10), "ovrigt"),  # H2 is paid in January 2018: a re-entry
        ("PC", D(2018, 6, 1), "arbete"),  # the 12 months after June 2018 are not all in the data: left out
        ("PD", D(2017, 5, 1), "flytt"),  # no household key: counted as a closure, never a re-entry
    ]
    _ladda_utbetalningar(engine, personer=personer, avslut=avslut)
    a = trender.ateraktualisering(engine, ADMIN).set_index(["ar", "grupp"])
    assert list(a.index.get_level_values("ar").unique()) == [2017]
    assert a.loc[(2017, "alla"), ["avslut", "ater"]].tolist() == [3, 1]
    assert a.loc[(2017, "alla"), "andel"] == pytest.approx(1 / 3)
    assert a.loc[(2017, "män"), ["avslut", "ater"]].tolist() == [2, 1]
    assert a.loc[(2017, "kvinnor"), ["avslut", "ater"]].tolist() == [1, 0]
    p = trender.ateraktualisering(engine, POLITIKER)
    assert p["avslut"].isna().all()  # three closures: hidden
    assert p.set_index("grupp").loc["kvinnor", "ater"] == 0  # zero is shown (rule 1)
    assert p["ater"].dropna().eq(0).all()


# --- two rounds ---------------------------------------------------------------------------------

# person, sex; rounds: R0 2019-07-15, R1 2020-01-15, R2 2020-07-15
RUNDOR = [("R0", D(2019, 7, 15)), ("R1", D(2020, 1, 15)), ("R2", D(2020, 7, 15))]
# (round, person): handlingsplan, af_inskriven, huvudsaklig_forsorjning, pagaende_insats, arbetshinder
MATNINGAR = {
    ("R0", "J2"): ("ja", "ja", "forsorjningsstod", ("ingen",), ("fysisk",)),
    # S1 changes every state between R1 and R2
    ("R1", "S1"): ("nej", "nej", "forsorjningsstod", ("ingen",), ("ej_klarlagt",)),
    ("R2", "S1"): ("ja", "ja", "lon", ("eai",), ("psykisk", "svenska")),
    # S2 changes nothing
    ("R1", "S2"): ("ja", "ja", "lon", ("eai",), ("psykisk",)),
    ("R2", "S2"): ("ja", "ja", "lon", ("eai",), ("psykisk",)),
    # L1 leaves with a closure to work, L2 without a recorded closure
    ("R1", "L1"): ("ja", "okand", None, (), ()),
    ("R1", "L2"): ("nej", "nej", "forsorjningsstod", ("ingen",), ("inga",)),
    # J1 joins, new; J2 comes back from R0
    ("R2", "J1"): ("nej", "nej", "forsorjningsstod", ("ingen",), ("ej_klarlagt",)),
    ("R2", "J2"): ("nej", "ja", "forsorjningsstod", ("ingen",), ("fysisk",)),
}
KON = {"S1": "K", "S2": "M", "L1": "K", "L2": "M", "J1": "K", "J2": "M"}


def _ladda_rundor(engine):
    with engine.begin() as c:
        db.bulk_insert(
            c,
            Person.__table__,
            [
                {"person_id": p, "kon": k, "fodelsear": 1980, "fodelseregion": "sverige", "hushall_id": None}
                for p, k in KON.items()
            ],
        )
        db.bulk_insert(c, Matomgang.__table__, [{"omgang_id": o, "datum": d, "benamning": o} for o, d in RUNDOR])
        db.bulk_insert(
            c,
            Matning.__table__,
            [
                {
                    "omgang_id": o,
                    "person_id": p,
                    "enhet": "eb",
                    "handlingsplan": h,
                    "af_inskriven": a,
                    "huvudsaklig_forsorjning": f,
                }
                for (o, p), (h, a, f, _i, _ah) in MATNINGAR.items()
            ],
        )
        db.bulk_insert(
            c,
            MatningVal.__table__,
            [
                {"omgang_id": o, "person_id": p, "variabel": v, "kod": k}
                for (o, p), (_h, _a, _f, insats, hinder) in MATNINGAR.items()
                for v, ks in (("pagaende_insats", insats), ("arbetshinder", hinder))
                for k in ks
            ],
        )
        db.bulk_insert(
            c,
            Avslut.__table__,
            [
                {"person_id": "L1", "datum": D(2020, 3, 1), "orsak": "arbete"},
                {"person_id": "L2", "datum": D(2019, 12, 1), "orsak": "flytt"},  # before R1: not this period's
            ],
        )
        _harled(c)
        db.byt_dataversion(c)


def _tabell(o, tillstand: str, grupp: str = "alla") -> dict:
    d = o.tabeller[(o.tabeller["tillstand"] == tillstand) & (o.tabeller["grupp"] == grupp)]
    return {(a, b): n for a, b, n in zip(d["fore"], d["efter"], d["n"], strict=True) if n}


def test_overgangar_for_samma_personer(engine):
    _ladda_rundor(engine)
    o = trender.overgangar(engine, ADMIN, "R1", "R2")
    st = o.storlek.set_index("grupp")
    # R1: S1 S2 L1 L2; R2: S1 S2 J1 J2
    assert st.loc["alla", ["kvar", "lamnat", "tillkommit", "fran_n", "till_n"]].tolist() == [2, 2, 2, 4, 4]
    assert st.loc["kvinnor", ["kvar", "lamnat", "tillkommit"]].tolist() == [1, 1, 1]  # S1, L1, J1
    # S1: nej -> ja, S2: ja -> ja
    assert _tabell(o, "handlingsplan") == {("nej", "ja"): 1, ("ja", "ja"): 1}
    assert _tabell(o, "handlingsplan", "kvinnor") == {("nej", "ja"): 1}
    assert _tabell(o, "insats") == {("ingen", "insats"): 1, ("insats", "insats"): 1}
    assert _tabell(o, "af_inskriven") == {("nej", "ja"): 1, ("ja", "ja"): 1}
    # ej_klarlagt -> known (two other codes still count once), known -> known
    assert _tabell(o, "arbetshinder") == {("ej_klarlagt", "kanda"): 1, ("kanda", "kanda"): 1}
    assert _tabell(o, "forsorjning") == {("annan", "lon"): 1, ("lon", "lon"): 1}
    lamnat = o.lamnat[o.lamnat["grupp"] == "alla"].set_index("orsak")["n"]
    # L1's closure to work; L2's closure was before R1, so L2 left without one in the period
    assert lamnat[lamnat > 0].to_dict() == {"arbete": 1, "utan_avslut": 1}
    till = o.tillkommit[o.tillkommit["grupp"] == "alla"].set_index("slag")["n"].to_dict()
    assert till == {"ny": 1, "atervand": 1}  # J1 new, J2 measured in R0


def test_overgangar_skyddas_for_politiker(engine):
    _ladda_rundor(engine)
    o = trender.overgangar(engine, POLITIKER, "R1", "R2")
    visade = [
        v
        for v in [
            *o.storlek.drop(columns="grupp").to_numpy().ravel(),
            *o.tabeller["n"],
            *o.lamnat["n"],
            *o.tillkommit["n"],
        ]
        if v is not None and not pd.isna(v)
    ]
    assert all(v == 0 for v in visade), visade  # every count is 1–4: only zeros are shown


def test_overgangar_fel(engine):
    _ladda_rundor(engine)
    with pytest.raises(trender.TrendFel, match="tidigare först"):
        trender.overgangar(engine, ADMIN, "R2", "R1")
    with pytest.raises(trender.TrendFel, match="finns inte"):
        trender.overgangar(engine, ADMIN, "R1", "R9")


def test_rorelser_och_tom_omgang(engine):
    _ladda_rundor(engine)
    with engine.begin() as c:  # an empty round after the others
        db.bulk_insert(c, Matomgang.__table__, [{"omgang_id": "R3", "datum": D(2021, 1, 15), "benamning": "R3"}])
        _harled(c)
        db.byt_dataversion(c)
    r = trender.rorelser(engine, ADMIN).set_index("omgang_id")
    assert r.loc["R1", ["kvar", "lamnat", "tillkommit"]].tolist() == [0, 1, 4]  # J2 left, four joined
    assert r.loc["R2", ["kvar", "lamnat", "tillkommit"]].tolist() == [2, 2, 2]
    assert r.loc["R3", ["kvar", "lamnat", "tillkommit"]].tolist() == [0, 4, 0]  # everyone left


def test_serie_och_rubrik(engine):
    _ladda_rundor(engine)
    s = trender.serie(engine, ADMIN)
    hp = s[(s["matt"] == "andel_handlingsplan") & (s["grupp"] == "alla")].set_index("omgang_id")["varde"]
    # R0: J2 ja (1/1); R1: S2, L1 ja of 4; R2: S1, S2 of 4
    assert hp.to_dict() == {"R0": 1.0, "R1": 0.5, "R2": 0.5}
    assert trender.rubrik(s) == "Andelen med handlingsplan har minskat från 100\u00a0% till 50\u00a0% sedan juli 2019."
    # a politician sees nothing of rounds of 1–4 persons, and the headline says so
    p = trender.serie(engine, POLITIKER)
    assert p.loc[(p["matt"] == "personer") & (p["grupp"] == "alla"), "varde"].isna().all()
    assert not [v for v in p.loc[p["typ"] == "antal", "varde"] if v is not None and 0 < v < 5]
    assert "kan inte visas" in trender.rubrik(p)
    assert trender.rubrik(trender.serie(engine, ADMIN).iloc[0:0]) == "Det finns inga mätomgångar ännu."


def test_enhet_mot_processen(engine):
    _ladda_rundor(engine)
    e = trender.enhet_mot_processen(engine, ADMIN, "eb")
    r2 = e[(e["omgang_id"] == "R2") & (e["matt"] == "andel_pagaende_insats")].set_index("grupp")
    # everyone is measured at eb: the unit is the whole process; S1 and S2 have eai
    assert r2.loc["enheten", ["n", "antal"]].tolist() == [4, 2]
    assert r2.loc["hela processen", ["n", "antal"]].tolist() == [4, 2]
    p = trender.enhet_mot_processen(engine, POLITIKER, "eb")
    assert p["n"].isna().all() and p["antal"].isna().all()


def test_sammanfattningens_indikatorer_registrerade():
    ids = [i[0] for i in sammanfattning.EXTRA_INDIKATORER]
    assert ids.count("andel_langvariga") == 1 and ids.count("kostnadsandel_langvariga") == 1
    trender.registrera_indikatorer()  # once only
    assert [i[0] for i in sammanfattning.EXTRA_INDIKATORER].count("andel_langvariga") == 1


def test_langvariga_per_omgang(engine):
    _ladda_utbetalningar(engine)
    with engine.begin() as c:
        db.bulk_insert(c, Matomgang.__table__, [{"omgang_id": "X", "datum": D(2019, 1, 15), "benamning": "X"}])
        _harled(c)
        db.byt_dataversion(c)
    d = trender.langvariga_per_omgang(engine, ADMIN).set_index("matt")
    # the 12 months before January 2019 are 2018: H1, H3, H4 long-term of 5 households
    assert d.loc["andel", "varde"] == pytest.approx(3 / 5)
    # 2018's cost: H1 12 000, H3 24 000, H4 12 000 of that plus H2 2 500 and H5 4 200
    assert d.loc["kostnad", "varde"] == pytest.approx(48_000 / 54_700)
    p = trender.langvariga_per_omgang(engine, POLITIKER).set_index("matt")
    assert p["varde"].isna().all()  # 3 and 2 households: hidden
