"""Demo data: a fictitious municipality like Timrå. Every person, household, payment and
intervention here is invented.

The generator is deterministic (one seeded :class:`random.Random`), so the same seed always
gives the same files, and the files under ``data/demo/`` are exactly what
:func:`csv_filer` returns (a test checks it). What it builds:

* eight half-yearly measurement rounds, ``2019-09`` … ``2023-03``, with about 300 persons each.
  People leave by closure (``avslut``, with a reason), new ones arrive, many stay for several
  rounds and their answers evolve (plans get written, AF registration rises, barriers get
  clarified), and some come back after a closure (återaktualisering);
* round ``2019-09`` reproduces the September 2019 profile of 286 adults in seed 001
  (Bilaga 3, "Målgrupp") by construction: every published count is assigned to an
  exact-size random subset, so the shares do not depend on luck;
* households with monthly payments 2016-01 … 2025-12 that reproduce the seed's finding for
  2016–2019: 760 households with assistance, 109 of them in every one of the 48 months, and
  those 109 stand for 48 % of the cost. Households that never meet a measurement round
  (short spells, and everything before the first round) exist only in the payments, as they
  would when payments come from the financial system;
* intervention episodes (``insats``) between the units, consistent with each round's
  ``pagaende_insats``: a unit is listed for a person exactly when an episode delivered by it
  had started before the round's date and had not ended by then. Referral paths include loops
  eb → eai → eb and referrals to Arbetsförmedlingen and the region.

The data are written in the exchange format (``datamodell.md``) the way a municipality's
export looks: semicolon-separated CSV in Windows-1252 with CRLF line endings. :func:`ladda`
imports them through the ordinary importer, so the demo also proves it obeys the contract.

The simulation works on a half-yearly grid: the eight rounds plus five later, unpublished
points (2023-09 … 2025-09) that only drive what happens to the people after the last round
(closures, episodes, payments) up to the end of the payment data, 2025-12-31.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from core import config, koder
from core.exporter import csv_bytes

FRO = 2019
"""The default seed."""

DAG = dt.timedelta(days=1)

MANADSNAMN = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

# (year, month) of the published rounds, then of the unpublished points that drive what
# happens after the last round.
OMGANGAR: list[tuple[int, int]] = [
    (2019, 9),
    (2020, 3),
    (2020, 9),
    (2021, 3),
    (2021, 9),
    (2022, 3),
    (2022, 9),
    (2023, 3),
]
EFTERPUNKTER: list[tuple[int, int]] = [(2023, 9), (2024, 3), (2024, 9), (2025, 3), (2025, 9)]
ANTAL_OMGANGAR = len(OMGANGAR)

# Persons in each round from the second on (the first is fixed at 286 by seed 001): a rise
# in the pandemic year, then a slow fall as the joint process takes effect.
MAL_ANTAL = [286, 298, 311, 316, 307, 298, 290, 283]

SLUT = dt.date(2025, 12, 31)  # the last day the data cover


def _mi(ar: int, man: int) -> int:
    """Month index: months since year 0, so consecutive months differ by one."""
    return ar * 12 + man - 1


def _mi_datum(d: dt.date) -> int:
    return _mi(d.year, d.month)


def _manad_text(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _manadens_forsta(m: int) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, 1)


def _nasta_manad(d: dt.date) -> dt.date:
    """First day of the month after ``d``."""
    return _manadens_forsta(_mi_datum(d) + 1)


FORSTA_MANAD = _mi(2016, 1)
SISTA_MANAD = _mi(2025, 12)
FONSTER = (_mi(2016, 1), _mi(2019, 12))  # the seed's 2016–2019 window (48 months)

# Seed 001: 760 households in 2016–2019, 109 of them in every month, 48 % of the cost.
HUSHALL_I_FONSTRET = 760
HELA_FONSTRET = 109
KOSTNADSANDEL = 0.48


def _mattdag(ar: int, man: int) -> dt.date:
    """The measurement day: the 15th, or the nearest weekday when the 15th is a weekend."""
    d = dt.date(ar, man, 15)
    if d.weekday() == 5:
        return d - DAG
    if d.weekday() == 6:
        return d + DAG
    return d


RUTNAT: list[dt.date] = [_mattdag(a, m) for a, m in OMGANGAR + EFTERPUNKTER]


def _omgang_id(k: int) -> str:
    a, m = OMGANGAR[k]
    return f"{a:04d}-{m:02d}"


# --- small random helpers -------------------------------------------------------------------


def _valj(rng: random.Random, kandidater: list, n: int, vikt=None) -> list:
    """Exactly ``n`` of ``kandidater``, drawn without replacement with probability in
    proportion to ``vikt(k)`` (Efraimidis–Spirakis keys). Candidates of weight 0 are never
    drawn; too few candidates is a bug in the generator and raises."""
    nycklar = []
    for i, k in enumerate(kandidater):
        w = 1.0 if vikt is None else float(vikt(k))
        if w > 0:
            nycklar.append((math.log(1.0 - rng.random()) / w, i))
    if len(nycklar) < n:
        raise RuntimeError(f"demo: {n} behövs men bara {len(nycklar)} kandidater finns")
    nycklar.sort(reverse=True)
    valda = sorted(i for _, i in nycklar[:n])
    return [kandidater[i] for i in valda]


def _kat(rng: random.Random, vikter: dict[str, float]) -> str:
    """One code drawn with the given (unnormalised) weights."""
    koder_ = [k for k, w in vikter.items() if w > 0]
    return rng.choices(koder_, weights=[vikter[k] for k in koder_])[0]


def _dag_mellan(rng: random.Random, fran: dt.date, till: dt.date) -> dt.date:
    """A uniformly drawn day in [fran, till] (``fran`` when the range is empty)."""
    if till <= fran:
        return fran
    return fran + dt.timedelta(days=rng.randint(0, (till - fran).days))


# --- the simulated world ---------------------------------------------------------------------


@dataclass(eq=False)
class _Period:
    """One period of social assistance: from its start (inskrivningsdatum) to its closure."""

    start: dt.date
    slut: dt.date | None = None  # closure date (avslut); None = still open at SLUT
    orsak: str | None = None
    glapp: set[int] = field(default_factory=set)  # months inside the period without payment
    nollrad: set[int] = field(default_factory=set)  # gap months written as a 0 row
    glapp_klar: bool = False  # gaps drawn

    def aktiv_vid(self, d: dt.date) -> bool:
        """Open on day ``d`` and paid for that month: the household is in a round held then."""
        return self.start <= d - 5 * DAG and (self.slut is None or self.slut >= _nasta_manad(d))

    def manader(self) -> range:
        """Months paid (before gaps): from the start month to the month before the closure."""
        m0 = _mi_datum(self.start)
        m1 = SISTA_MANAD if self.slut is None else max(m0, _mi_datum(self.slut) - 1)
        return range(max(m0, FORSTA_MANAD), min(m1, SISTA_MANAD) + 1)


@dataclass(eq=False)
class _Hushall:
    nr: int
    typ: str  # hushallstyp
    barn: str  # hemmavarande_barn
    antal_barn: int
    boende: str
    hyra: str  # hyra_over_skalig
    hyresniva: int  # the household's own rent level (SEK/month, 2019)
    handlaggare: str
    region: str
    vuxna: int  # adults: 1 or 2
    perioder: list[_Period] = field(default_factory=list)
    personer: list[_Person] = field(default_factory=list)  # empty: payments only
    tillstand: dict[int, dict] = field(default_factory=dict)  # grid point -> household answers
    period_vid: dict[int, _Period] = field(default_factory=dict)
    langvarig: bool = False  # one of the 109 households paid in every month of 2016–2019
    inkomstfaktor: float = 1.0  # payment-only households: share of the norm paid
    kalibrering: float = 1.0
    hh_id: str = ""

    def aktiv_period(self, d: dt.date) -> _Period | None:
        for p in self.perioder:
            if p.aktiv_vid(d):
                return p
        return None

    def oppen(self) -> _Period | None:
        """The period without a closure date, if any."""
        if self.perioder and self.perioder[-1].slut is None:
            return self.perioder[-1]
        return None


@dataclass(eq=False)
class _Person:
    nr: int
    kon: str | None
    fodelsear: int
    hushall: _Hushall
    slump: float  # a fixed personal draw for stable traits (other benefits)
    gymnasiet: bool = False  # round 2019-09: one of the 20 still in upper secondary school
    tillstand: dict[int, dict] = field(default_factory=dict)  # grid point -> answers
    pid: str = ""

    def alder(self, k: int) -> int:
        return RUTNAT[k].year - self.fodelsear


# --- closures, re-entries, durations ----------------------------------------------------------

AVSLUTSORSAKER = tuple(koder.AVSLUT_ORSAK)


def _varaktighet_dagar(rng: random.Random) -> int:
    """Length of a new period: many short spells, some long ones (months drawn from a mixture)."""
    u = rng.random()
    if u < 0.40:
        man = rng.uniform(0.7, 5)
    elif u < 0.70:
        man = rng.uniform(5, 14)
    elif u < 0.90:
        man = rng.uniform(14, 36)
    else:
        man = rng.uniform(36, 80)
    return max(20, int(man * 30.4))


def _avslutsrisk(hh: _Hushall, k: int) -> float:
    """Probability that a household in the round at grid point ``k`` closes before the next one."""
    d = RUTNAT[k]
    period = hh.period_vid[k]
    man = (d - period.start).days / 30.4
    risk = 0.30 if man < 12 else (0.20 if man < 36 else 0.12)
    st = [p.tillstand[k] for p in hh.personer if k in p.tillstand]
    if st:
        s = st[0]
        if any(x["pagaende_arbete"] == "ja" for x in st):
            risk += 0.15
        if any(x["huvudsaklig_forsorjning"] in ("lon", "a_kassa", "sjukersattning") for x in st):
            risk += 0.15
        if any("af" in x["pagaende_insats"] or "eai" in x["pagaende_insats"] for x in st):
            risk += 0.04
        if s["forandringspotential"] == "hog":
            risk += 0.08
        elif s["forandringspotential"] == "lag":
            risk -= 0.04
        if s["sjukintyg"] == "heltid":
            risk -= 0.05
    risk += 0.012 * min(k, ANTAL_OMGANGAR)  # the process gets better at helping people out
    return min(max(risk, 0.05), 0.7)


def _avslutsorsak(rng: random.Random, hh: _Hushall, k: int | None) -> str:
    """Reason of a closure, from the household's last answers and the trend towards work."""
    t = min(k if k is not None else 0, ANTAL_OMGANGAR)
    w = {
        "arbete": 0.20 + 0.03 * t,
        "studier": 0.07,
        "annan_ersattning": 0.12,
        "flytt": 0.15,
        "ovrigt": 0.10,
        "okand": max(0.10 - 0.01 * t, 0.03),
    }
    st = [p.tillstand[k] for p in hh.personer if k is not None and k in p.tillstand]
    for s in st:
        if s["pagaende_arbete"] == "ja" or s["huvudsaklig_forsorjning"] == "lon":
            w["arbete"] += 0.6
        if "af" in s["pagaende_insats"] or "eai" in s["pagaende_insats"]:
            w["arbete"] += 0.12
        if s["pagaende_studier"] and set(s["pagaende_studier"]) & {"komvux", "gymnasiet", "annan"}:
            w["studier"] += 0.3
        if s["sjukintyg"] == "heltid":
            w["annan_ersattning"] += 0.25
        if s["a_kassa"] == "ja" or s["huvudsaklig_forsorjning"] in ("a_kassa", "sjukersattning"):
            w["annan_ersattning"] += 0.4
        if s["missbruk"] == "pagaende":
            w["ovrigt"] += 0.1
            w["flytt"] += 0.1
    return _kat(rng, w)


def _ateraktualisering(rng: random.Random, slut: dt.date, orsak: str) -> dt.date | None:
    """Start of a later period after a closure, or None. Most returns within 12 months are
    people whose job or other income did not last."""
    p_snart = {"arbete": 0.20, "studier": 0.15, "annan_ersattning": 0.08, "flytt": 0.02, "ovrigt": 0.28, "okand": 0.28}[
        orsak
    ]
    u = rng.random()
    if u < p_snart:
        return slut + dt.timedelta(days=rng.randint(40, 330))
    if u < p_snart + 0.06:
        return slut + dt.timedelta(days=rng.randint(400, 900))
    return None


# --- answers: derived parts shared by every person -------------------------------------------

ENHETSORDNING = [e for e, _, _ in koder.STANDARDENHETER]


def _flerval(koder_ordning, valda) -> tuple | None:
    """A multi-valued cell: the chosen codes in code-list order, or None when there are none."""
    t = tuple(k for k in koder_ordning if k in valda)
    return t or None


def _andra_ersattningar(p: _Person, s: dict) -> tuple | None:
    """Other benefits besides the main one, from the person's answers and stable traits."""
    hh = p.hushall
    huvud = s["huvudsaklig_forsorjning"]
    andra = set()
    if huvud not in (None, "forsorjningsstod"):
        andra.add("forsorjningsstod")  # everyone in the process gets at least a top-up
    if s["pagaende_arbete"] == "ja":
        andra.add("lon")
    if s["a_kassa"] == "ja":
        andra.add("a_kassa")
    if "af" in s["pagaende_insats"] and p.slump < 0.3:
        andra.add("aktivitetsstod")
    if s["pagaende_studier"] and "komvux" in s["pagaende_studier"] and p.slump > 0.6:
        andra.add("studiemedel")
    if s["sjukintyg"] == "deltid" and s["arbetshistorik"] in ("lang", "kort") and p.slump < 0.4:
        andra.add("sjukpenning")
    if hh.barn == "ja" and p.slump > 0.45:
        andra.add("annan")  # bostadsbidrag, underhållsstöd
    andra.discard(huvud)
    if not andra:
        # "Inga andra ersättningar" (standing alone); blank only where the main one is unanswered.
        return None if huvud is None else ("ingen",)
    return _flerval(koder.FORSORJNING, andra)


def _potential(rng: random.Random, s: dict, alder: int) -> str:
    """The case worker's judgement of change potential, from the answers (seed 000's tool)."""
    poang = rng.gauss(0, 0.8)
    poang += {"ja": 0.8, "nej": 0.0, "okand": 0.0, None: 0.0}[s["af_inskriven"]]
    poang += 1.2 if s["pagaende_arbete"] == "ja" else 0
    poang += {"lang": 0.7, "kort": 0.4, "aldrig": -0.3}.get(s["arbetshistorik"], 0)
    poang -= {"heltid": 1.4, "deltid": 0.5}.get(s["sjukintyg"], 0)
    poang -= 0.9 if s["missbruk"] == "pagaende" else 0
    poang -= 0.6 if alder >= 55 else 0
    poang += 0.4 if alder < 30 else 0
    poang += 0.3 if s["pagaende_insats"] != ("ingen",) else 0
    if poang > 0.9:
        return "hog"
    if poang > -0.5:
        return "medel"
    return "lag"


def _pagaende_insats(enheter) -> tuple:
    return _flerval(ENHETSORDNING, enheter) or ("ingen",)


# --- the first round: seed 001's September 2019 profile, by construction ----------------------


class _Varld:
    """The whole simulated municipality."""

    def __init__(self, fro: int):
        self.rng = random.Random(fro)
        self.hushall: list[_Hushall] = []
        self.personer: list[_Person] = []
        self._nasta_hh = 0
        self._nasta_person = 0

    # construction helpers

    def nytt_hushall(self, typ: str, vuxna: int, region: str) -> _Hushall:
        rng = self.rng
        barn = "ja" if typ.endswith("med_barn") else ("okand" if typ == "okand" else "nej")
        antal = rng.choice([1, 1, 1, 2, 2, 2, 3, 3, 4]) if typ.endswith("med_barn") else 0
        bas = rng.randint(4300, 6200) if antal == 0 else rng.randint(5600, 7600)
        hh = _Hushall(
            nr=self._nasta_hh,
            typ=typ,
            barn=barn,
            antal_barn=antal,
            boende="egen",
            hyra="nej",
            hyresniva=bas,
            handlaggare=f"H0{rng.randint(1, 9)}",
            region=region,
            vuxna=vuxna,
        )
        self._nasta_hh += 1
        self.hushall.append(hh)
        return hh

    def ny_person(self, hh: _Hushall, kon: str | None, fodelsear: int) -> _Person:
        p = _Person(nr=self._nasta_person, kon=kon, fodelsear=fodelsear, hushall=hh, slump=self.rng.random())
        self._nasta_person += 1
        hh.personer.append(p)
        self.personer.append(p)
        return p

    # ---------------------------------------------------------------------------------------

    def startkohort(self) -> None:
        """Round 2019-09: 286 adults whose every published figure matches seed 001."""
        rng = self.rng
        d0 = RUTNAT[0]

        # Households. 36 couples (both adults in the round, since every adult of an active case
        # was measured) and 214 single adults: 286 persons. Children at home: the 22 couples
        # with children (44 persons), 58 single parents and 4 single fathers with children
        # who stay every other week (umgängesbarn) = 106 (37 %, seed 001).
        par = [("sambo_med_barn", 22), ("sambo_utan_barn", 14)]
        ensam = [("ensam_med_barn", 58), ("ensam_utan_barn", 153), ("okand", 3)]
        hh_lista: list[_Hushall] = []
        for typ, n in par + ensam:
            for _ in range(n):
                hh_lista.append(self.nytt_hushall(typ, 2 if typ.startswith("sambo") else 1, "sverige"))
        parhushall = [h for h in hh_lista if h.vuxna == 2]
        singel = [h for h in hh_lista if h.vuxna == 1]

        # The long-term households (the 109 paid in every month of 2016–2019) come first, so
        # that birth region can lean away from them: refugees of 2015–16 came onto assistance
        # only after their two years of establishment support.
        vikt_lang = {
            "ensam_utan_barn": 1.4,
            "sambo_utan_barn": 1.0,
            "ensam_med_barn": 0.9,
            "sambo_med_barn": 0.8,
            "okand": 0.2,
        }
        for h in _valj(rng, hh_lista, HELA_FONSTRET, lambda h: vikt_lang[h.typ]):
            h.langvarig = True

        # Birth region per household (couples share it). Persons: sverige 160, utanför Europa
        # 100, Europa 14, Norden 6, okänt 6.
        for h in _valj(rng, parhushall, 14, lambda h: 0.3 if h.langvarig else 2.0):
            h.region = "utanfor_europa"
        for h in _valj(rng, [h for h in parhushall if h.region == "sverige"], 2, lambda h: 0.3 if h.langvarig else 1.0):
            h.region = "europa"
        fordelning = [
            ("utanfor_europa", 72, 0.35, 2.5),
            ("europa", 10, 0.5, 1.5),
            ("norden", 6, 1.0, 1.0),
            ("okand", 6, 0.3, 1.5),
        ]
        for region, n, v_lang, v_kort in fordelning:
            kand = [h for h in singel if h.region == "sverige"]
            for h in _valj(rng, kand, n, lambda h, a=v_lang, b=v_kort: a if h.langvarig else b):
                h.region = region

        # Start of the current period (inskrivningsdatum).
        for h in hh_lista:
            if h.langvarig:
                # Since 2008–2015; later years more likely.
                m = rng.choices(range(_mi(2008, 1), _mi(2015, 12) + 1), weights=[i + 12 for i in range(96)])[0]
                start = _manadens_forsta(m) + dt.timedelta(days=rng.randint(0, 27))
                h.perioder.append(_Period(start=start))
        ej_lang = [h for h in hh_lista if not h.langvarig]
        fore_2016 = _valj(rng, ej_lang, 10, lambda h: 0.2 if h.region == "utanfor_europa" else 1.0)
        for h in ej_lang:
            if h in fore_2016:
                # Open since before 2016 but with a month without payment in between, so not
                # "paid in every month".
                start = _dag_mellan(rng, dt.date(2014, 3, 1), dt.date(2015, 12, 20))
                per = _Period(start=start)
                per.glapp.add(rng.randint(_mi(2017, 1), _mi(2018, 12)))
                h.perioder.append(per)
                continue
            # Time since the start: a stock on one day holds many long spells and fewer short.
            max_e = (d0.year - 2016) * 12 + d0.month - 3
            e = rng.choices(range(0, max_e + 1), weights=[math.exp(-i / 30) for i in range(max_e + 1)])[0]
            if h.region in ("utanfor_europa", "europa") and e < 8 and rng.random() < 0.5:
                e += rng.randint(6, 18)  # after two years of establishment support
            m = _mi_datum(d0) - min(e, max_e)
            start = _manadens_forsta(m) + dt.timedelta(days=rng.randint(0, 27))
            start = min(start, d0 - 7 * DAG)
            if start < dt.date(2016, 2, 1):
                start = dt.date(2016, 2, 1) + dt.timedelta(days=rng.randint(0, 25))
            # An earlier period that ended before this one (a return after a closure).
            if rng.random() < 0.3:
                slut_fore = start - dt.timedelta(days=rng.randint(45, 540))
                slut_fore = min(slut_fore, _manadens_forsta(_mi_datum(start) - 1))
                start_fore = slut_fore - dt.timedelta(days=rng.randint(50, 540))
                if start_fore >= dt.date(2013, 1, 1):
                    orsak = _kat(
                        rng, {"arbete": 0.3, "studier": 0.08, "annan_ersattning": 0.1, "ovrigt": 0.27, "okand": 0.25}
                    )
                    h.perioder.append(_Period(start=start_fore, slut=slut_fore, orsak=orsak))
            h.perioder.append(_Period(start=start))
        for h in hh_lista:
            h.period_vid[0] = h.perioder[-1]

        # Persons and sex: couples are one woman and one man; single parents 50 women and
        # 8 men; the other 156 singles 63 women and 93 men. Women 149, men 137 (52/48 %).
        kvinnor_ensam_barn = set(_valj(rng, [h for h in singel if h.typ == "ensam_med_barn"], 50))
        ovriga = [h for h in singel if h.typ != "ensam_med_barn"]
        kvinnor_ovriga = set(_valj(rng, ovriga, 63, lambda h: 1.8 if h.region == "utanfor_europa" else 1.0))
        kon_i: dict[_Hushall, list[str]] = {}
        for h in hh_lista:
            if h.vuxna == 2:
                kon_i[h] = ["K", "M"]
            elif h in kvinnor_ensam_barn or h in kvinnor_ovriga:
                kon_i[h] = ["K"]
            else:
                kon_i[h] = ["M"]
        umgange = _valj(rng, [h for h in ovriga if h.typ == "ensam_utan_barn" and kon_i[h] == ["M"]], 4)
        for h in umgange:
            h.barn = "ja"

        # Age (round year − birth year). The age at the start of the earliest period is at
        # least 18. Gymnasiet 20 (7 %): young adults 18–20, many of them unaccompanied
        # refugee youths; under 25 in all 72 (25 %, "en fjärdedel"); 55 and over 40 (14 %).
        rader = []  # (household, sex, minimum age)
        for h in hh_lista:
            forsta = h.perioder[0].start
            minsta = 18 + (d0.year - forsta.year)
            for kon in kon_i[h]:
                rader.append({"hh": h, "kon": kon, "min": minsta})
        gym = _valj(
            rng,
            [r for r in rader if r["hh"].vuxna == 1 and r["min"] <= 19 and r["hh"].typ != "ensam_med_barn"],
            20,
            lambda r: 3.0 if r["hh"].region == "utanfor_europa" and r["kon"] == "M" else 1.0,
        )
        for r in gym:
            r["alder"] = rng.randint(max(18, r["min"]), 20)
            r["gym"] = True
        unga = _valj(
            rng,
            [r for r in rader if "alder" not in r and r["min"] <= 24],
            72 - 20,
            lambda r: (
                (0.3 if r["hh"].langvarig else 1.0)
                * (0.4 if r["hh"].vuxna == 2 else 1.0)
                * (1.3 if r["hh"].typ == "ensam_med_barn" and r["kon"] == "K" else 1.0)
            ),
        )
        for r in unga:
            r["alder"] = rng.randint(max(19, r["min"]), 24)
        aldre = _valj(
            rng,
            [r for r in rader if "alder" not in r],
            40,
            lambda r: (
                (2.5 if r["hh"].langvarig else 1.0)
                * (0.5 if r["hh"].vuxna == 2 else 1.0)
                * (0.15 if r["hh"].typ.endswith("med_barn") else 1.0)
                * (1.5 if r["hh"].region == "sverige" else 1.0)
            ),
        )
        for r in aldre:
            r["alder"] = rng.randint(55, 64) if rng.random() < 0.95 else rng.randint(65, 66)
        for r in rader:
            if "alder" not in r:
                hogsta = 48 if r["hh"].typ.endswith("med_barn") else 54
                r["alder"] = rng.randint(max(25, r["min"]), max(hogsta, r["min"]))
        # Partners close in age where both are in the middle band.
        for h in parhushall:
            a, b = [r for r in rader if r["hh"] is h]
            if 25 <= a["alder"] <= 54 and 25 <= b["alder"] <= 54:
                b["alder"] = min(54, max(25, b["min"], a["alder"] + rng.randint(-5, 5)))

        for r in rader:
            p = self.ny_person(r["hh"], r["kon"], d0.year - r["alder"])
            p.gymnasiet = r.get("gym", False)
        self._profil_2019(rng, hh_lista)

    def _profil_2019(self, rng: random.Random, hh_lista: list[_Hushall]) -> None:
        """Every answer of round 2019-09. Published counts go to exact-size random subsets;
        the weights make the subsets believable together (who is ill, who studies SFI …)."""
        d0 = RUTNAT[0]
        P = [p for h in hh_lista for p in h.personer]
        assert len(P) == 286
        s = {p: {} for p in P}

        def alder(p):
            return p.alder(0)

        def utrikes(p):
            return p.hushall.region in ("utanfor_europa", "europa")

        def ny(p, manader=12):
            return (d0 - p.hushall.period_vid[0].start).days < manader * 30.4

        def satt(personer, variabel, kod):
            for p in personer:
                s[p][variabel] = kod

        def resten(variabel, kod):
            for p in P:
                s[p].setdefault(variabel, kod)

        lang = lambda p: p.hushall.langvarig  # noqa: E731

        # Studies (seed: SFI 13 % = 37, vuxenutbildning 5 % = 14, gymnasiet 7 % = 20).
        studier = {p: "gymnasiet" for p in P if p.gymnasiet}
        for p in _valj(
            rng,
            [p for p in P if utrikes(p) and not p.gymnasiet and alder(p) <= 58],
            37,
            lambda p: (2.5 if ny(p, 36) else 1.0) * (1.2 if p.kon == "K" else 1.0) * (0.3 if lang(p) else 1.0),
        ):
            studier[p] = "sfi"
        for p in _valj(
            rng,
            [p for p in P if p not in studier and 20 <= alder(p) <= 50],
            14,
            lambda p: 1.5 if p.hushall.region == "sverige" else 1.0,
        ):
            studier[p] = "komvux"
        for p in _valj(rng, [p for p in P if p not in studier and alder(p) <= 35], 3):
            studier[p] = "annan"
        for p in _valj(rng, [p for p in P if p not in studier], 2):
            studier[p] = None  # not answered
        for p in P:
            kod = studier.get(p, "ingen")
            s[p]["pagaende_studier"] = (kod,) if kod else None

        def studerar(p, kod):
            return s[p]["pagaende_studier"] is not None and kod in s[p]["pagaende_studier"]

        # Health (seed: some ill health 50 %: both 18 %, only mental 17 %, only physical 14 %;
        # unknown 13 %). 52 + 50 + 41 = 143 = 50.0 %; unknown 37.
        bade = _valj(
            rng,
            P,
            52,
            lambda p: (
                (2.0 if alder(p) >= 40 else 1.0)
                * (2.0 if lang(p) else 1.0)
                * (0.2 if p.gymnasiet else 1.0)
                * (0.7 if studerar(p, "sfi") else 1.0)
            ),
        )
        satt(bade, "halsa", "bade")
        psyk = _valj(
            rng,
            [p for p in P if "halsa" not in s[p]],
            50,
            lambda p: (
                (1.3 if alder(p) < 30 else 1.0)
                * (1.5 if lang(p) else 1.0)
                * (1.3 if p.hushall.region == "sverige" else 1.0)
            ),
        )
        satt(psyk, "halsa", "psykisk")
        fys = _valj(
            rng,
            [p for p in P if "halsa" not in s[p]],
            41,
            lambda p: (2.5 if alder(p) >= 45 else 1.0) * (1.3 if lang(p) else 1.0) * (0.3 if alder(p) < 25 else 1.0),
        )
        satt(fys, "halsa", "fysisk")
        okand = _valj(
            rng,
            [p for p in P if "halsa" not in s[p]],
            37,
            lambda p: (3.0 if ny(p, 6) else 1.0) * (1.2 if studerar(p, "sfi") else 1.0) * (0.4 if lang(p) else 1.0),
        )
        satt(okand, "halsa", "okand")
        resten("halsa", "ingen")
        sjuk = [p for p in P if s[p]["halsa"] in ("bade", "psykisk", "fysisk")]

        # Addiction (seed: known ongoing 6.7 %, unclear 13.8 %, not 78 %).
        pag = _valj(
            rng,
            P,
            19,
            lambda p: (
                (2.5 if p.kon == "M" else 1.0)
                * (2.0 if p.hushall.region == "sverige" else 0.5)
                * (2.0 if s[p]["halsa"] in ("bade", "psykisk") else 1.0)
                * (0.05 if p.gymnasiet else 1.0)
                * (0.3 if p.hushall.barn == "ja" else 1.0)
                * (1.5 if 25 <= alder(p) <= 54 else 1.0)
            ),
        )
        satt(pag, "missbruk", "pagaende")
        oklart = _valj(
            rng,
            [p for p in P if "missbruk" not in s[p]],
            40,
            lambda p: (
                (1.5 if p.kon == "M" else 1.0)
                * (1.5 if s[p]["halsa"] == "okand" else 1.0)
                * (1.5 if s[p]["halsa"] in ("bade", "psykisk") else 1.0)
                * (0.3 if p.gymnasiet else 1.0)
            ),
        )
        satt(oklart, "missbruk", "oklart")
        satt(_valj(rng, [p for p in P if "missbruk" not in s[p]], 3), "missbruk", None)
        resten("missbruk", "nej")

        # Barriers to work (seed: mental 28 %, physical 26 %, Swedish 23 %, social 17 %,
        # NPF 15 %, not yet clarified 24 %). Mental and physical barriers only for those whose
        # health answer says so.
        hinder = {p: set() for p in P}
        for p in _valj(
            rng,
            [p for p in P if s[p]["halsa"] in ("bade", "psykisk")],
            80,
            lambda p: 1.3 if s[p]["halsa"] == "bade" else 1.0,
        ):
            hinder[p].add("psykisk")
        for p in _valj(
            rng,
            [p for p in P if s[p]["halsa"] in ("bade", "fysisk")],
            74,
            lambda p: 1.5 if s[p]["halsa"] == "bade" else 1.0,
        ):
            hinder[p].add("fysisk")
        for p in _valj(
            rng,
            P,
            43,
            lambda p: (
                (2.5 if alder(p) < 30 else 1.0)
                * (2.0 if "psykisk" in hinder[p] else 1.0)
                * (2.0 if p.hushall.region == "sverige" else 0.4)
                * (0.5 if s[p]["halsa"] == "okand" else 1.0)
            ),
        ):
            hinder[p].add("npf")
        for p in _valj(
            rng,
            P,
            49,
            lambda p: (
                (6.0 if s[p]["missbruk"] == "pagaende" else 1.0)
                * (2.0 if s[p]["missbruk"] == "oklart" else 1.0)
                * (1.5 if "psykisk" in hinder[p] else 1.0)
                * (1.3 if p.kon == "M" else 1.0)
                * (0.3 if not hinder[p] else 1.0)
            ),
        ):
            hinder[p].add("social")
        for p in P:
            if s[p]["missbruk"] == "pagaende":
                hinder[p].add("missbruk")
        for p in _valj(
            rng,
            [p for p in P if utrikes(p)],
            66,
            lambda p: (
                (5.0 if studerar(p, "sfi") else 1.0) * (1.5 if ny(p, 36) else 1.0) * (1.3 if alder(p) >= 45 else 1.0)
            ),
        ):
            hinder[p].add("svenska")
        utan = [p for p in P if not (hinder[p] - {"svenska"})]
        for p in _valj(
            rng,
            utan,
            69,
            lambda p: (
                (4.0 if s[p]["halsa"] == "okand" else 1.0)
                * (2.5 if ny(p) else 1.0)
                * (1.5 if s[p]["missbruk"] == "oklart" else 1.0)
                * (0.5 if "svenska" in hinder[p] else 1.0)
            ),
        ):
            hinder[p].add("ej_klarlagt")
        inga = [p for p in P if not hinder[p]]
        utan_svar = set(_valj(rng, inga, 2))
        for p in P:
            if p in utan_svar:
                s[p]["arbetshinder"] = None
            else:
                s[p]["arbetshinder"] = _flerval(koder.ARBETSHINDER, hinder[p] or {"inga"})

        # Sick notes (seed: full time 28 %, part time 8 %) and refused sickness compensation
        # (seed: 41 persons).
        heltid = _valj(
            rng,
            sjuk,
            80,
            lambda p: (
                (3.0 if hinder[p] & {"psykisk", "fysisk"} else 1.0)
                * (1.5 if s[p]["halsa"] == "bade" else 1.0)
                * (1.3 if alder(p) >= 40 else 1.0)
                * (0.1 if p.gymnasiet else 1.0)
            ),
        )
        satt(heltid, "sjukintyg", "heltid")
        deltid = _valj(
            rng,
            [p for p in sjuk if "sjukintyg" not in s[p]],
            23,
            lambda p: 2.0 if hinder[p] & {"psykisk", "fysisk"} else 1.0,
        )
        satt(deltid, "sjukintyg", "deltid")
        satt(_valj(rng, [p for p in P if s[p]["halsa"] == "okand"], 12), "sjukintyg", "okand")
        resten("sjukintyg", "nej")
        avslag = _valj(
            rng,
            [p for p in sjuk if alder(p) >= 30],
            41,
            lambda p: (
                {"heltid": 4.0, "deltid": 2.0}.get(s[p]["sjukintyg"], 1.0)
                * (2.0 if alder(p) >= 50 else 1.0)
                * (1.5 if lang(p) else 1.0)
            ),
        )
        satt(avslag, "sjukersattning_avslag", "ja")
        satt(
            _valj(rng, [p for p in P if "sjukersattning_avslag" not in s[p] and s[p]["halsa"] != "ingen"], 9),
            "sjukersattning_avslag",
            "okand",
        )
        resten("sjukersattning_avslag", "nej")

        # Work history (seed: long employments 21 %, only short ones 12 %, never worked 20 %,
        # unknown 40 %; the 7 % the seed does not account for is blank).
        satt(_valj(rng, P, 21, lambda p: 1.5 if ny(p, 6) else 1.0), "arbetshistorik", None)
        kvar = lambda: [p for p in P if "arbetshistorik" not in s[p]]  # noqa: E731
        satt(
            _valj(
                rng,
                kvar(),
                60,
                lambda p: (
                    (2.5 if alder(p) >= 35 else 1.0)
                    * (0.2 if alder(p) < 25 else 1.0)
                    * (1.6 if p.hushall.region in ("sverige", "norden") else 1.0)
                    * (0.02 if p.gymnasiet else 1.0)
                ),
            ),
            "arbetshistorik",
            "lang",
        )
        satt(
            _valj(rng, kvar(), 34, lambda p: (1.5 if alder(p) < 30 else 1.0) * (0.2 if p.gymnasiet else 1.0)),
            "arbetshistorik",
            "kort",
        )
        satt(
            _valj(
                rng,
                kvar(),
                57,
                lambda p: (
                    (3.0 if alder(p) < 25 else 1.0)
                    * (4.0 if p.gymnasiet else 1.0)
                    * (3.0 if p.kon == "K" and p.hushall.region == "utanfor_europa" else 1.0)
                    * (2.0 if studerar(p, "sfi") else 1.0)
                    * (0.3 if alder(p) >= 45 else 1.0)
                ),
            ),
            "arbetshistorik",
            "aldrig",
        )
        resten("arbetshistorik", "okand")

        # Work now 6 % (17, seed 001 elsewhere: "17 med arbetsgivare deltid"); AF 42 %; a-kassa 2.8 %.
        satt(
            _valj(
                rng,
                [p for p in P if s[p]["arbetshistorik"] != "aldrig" and s[p]["sjukintyg"] != "heltid"],
                17,
                lambda p: (2.0 if s[p]["arbetshistorik"] in ("lang", "kort") else 1.0) * (1.5 if not lang(p) else 1.0),
            ),
            "pagaende_arbete",
            "ja",
        )
        satt(_valj(rng, [p for p in P if "pagaende_arbete" not in s[p]], 6), "pagaende_arbete", "okand")
        resten("pagaende_arbete", "nej")
        satt(
            _valj(
                rng,
                P,
                120,
                lambda p: (
                    (0.4 if s[p]["sjukintyg"] == "heltid" else 2.5)
                    * (1.5 if studerar(p, "sfi") else 1.0)
                    * (0.3 if alder(p) >= 60 else 1.0)
                    * (0.4 if s[p]["missbruk"] == "pagaende" else 1.0)
                    * (1.5 if s[p]["pagaende_arbete"] == "ja" else 1.0)
                    * (0.4 if p.gymnasiet else 1.0)
                ),
            ),
            "af_inskriven",
            "ja",
        )
        satt(_valj(rng, [p for p in P if "af_inskriven" not in s[p]], 10), "af_inskriven", "okand")
        resten("af_inskriven", "nej")
        satt(
            _valj(
                rng,
                [p for p in P if s[p]["af_inskriven"] == "ja" and s[p]["arbetshistorik"] in ("lang", "kort")],
                8,
                lambda p: 3.0 if s[p]["arbetshistorik"] == "lang" else 1.0,
            ),
            "a_kassa",
            "ja",
        )
        satt(_valj(rng, [p for p in P if "a_kassa" not in s[p]], 5), "a_kassa", "okand")
        resten("a_kassa", "nej")

        # Main income (seed: försörjningsstöd "närmare 80 %" = 79.5 %, lön 4 %, aktivitetsstöd
        # "knappt 3 %", fewer still a-kassa, sjukpenning, sjukersättning).
        def huvud(kand, n, kod, vikt=None):
            satt(
                _valj(rng, [p for p in kand if "huvudsaklig_forsorjning" not in s[p]], n, vikt),
                "huvudsaklig_forsorjning",
                kod,
            )

        huvud([p for p in P if s[p]["pagaende_arbete"] == "ja"], 11, "lon")
        huvud([p for p in P if s[p]["a_kassa"] == "ja"], 5, "a_kassa")
        huvud(
            [p for p in P if s[p]["sjukintyg"] in ("heltid", "deltid") and s[p]["arbetshistorik"] in ("lang", "kort")],
            6,
            "sjukpenning",
        )
        huvud([p for p in sjuk if alder(p) >= 30 and s[p]["sjukersattning_avslag"] == "nej"], 4, "sjukersattning")
        huvud(
            [p for p in P if studerar(p, "sfi") and p.hushall.region == "utanfor_europa"],
            7,
            "etablering",
            lambda p: 3.0 if ny(p, 18) else 1.0,
        )
        huvud([p for p in P if studerar(p, "komvux") or studerar(p, "annan")], 7, "studiemedel")
        huvud([p for p in P if s[p]["af_inskriven"] == "ja" and s[p]["sjukintyg"] != "heltid"], 8, "aktivitetsstod")
        huvud(P, 6, "annan")
        satt(_valj(rng, [p for p in P if "huvudsaklig_forsorjning" not in s[p]], 4), "huvudsaklig_forsorjning", None)
        resten("huvudsaklig_forsorjning", "forsorjningsstod")

        # Ongoing labour-market interventions (seed: none 52 %, Arbetsmarknadstorget (eai)
        # 28 %, AF 22 %). eai 80, af 63, reu 8; eai and af together 11, eai and reu 3:
        # 66 + 11 + 3 + 52 + 5 = 137 with some intervention, 149 without.
        insats = {p: set() for p in P}
        af = _valj(
            rng,
            [p for p in P if s[p]["af_inskriven"] == "ja"],
            63,
            lambda p: (
                (100.0 if s[p]["huvudsaklig_forsorjning"] == "aktivitetsstod" else 1.0)
                * (2.0 if s[p]["a_kassa"] == "ja" else 1.0)
                * (0.3 if s[p]["sjukintyg"] == "heltid" else 1.0)
                * (1.2 if p.kon == "M" else 1.0)
                * (1.3 if alder(p) < 30 else 1.0)
            ),
        )
        for p in af:
            insats[p].add("af")
        reu = _valj(
            rng,
            [p for p in P if not insats[p]],
            8,
            lambda p: (
                (3.0 if hinder[p] & {"psykisk", "npf"} else 0.5)
                * (3.0 if s[p]["sjukintyg"] == "deltid" else 1.0)
                * (0.5 if s[p]["sjukintyg"] == "heltid" else 1.0)
            ),
        )
        for p in reu:
            insats[p].add("reu")

        def vikt_eai(p):
            return (
                (1.5 if alder(p) < 30 else 1.0)
                * (1.5 if studerar(p, "sfi") else 1.0)
                * (1.2 if p.kon == "M" else 1.0)
                * (0.4 if s[p]["sjukintyg"] == "heltid" else 1.0)
                * (0.8 if p.kon == "K" and p.hushall.barn == "ja" else 1.0)
            )

        for p in (
            _valj(rng, af, 11, vikt_eai)
            + _valj(rng, reu, 3, vikt_eai)
            + _valj(rng, [p for p in P if not insats[p]], 66, vikt_eai)
        ):
            insats[p].add("eai")
        for p in P:
            s[p]["pagaende_insats"] = _pagaende_insats(insats[p])

        # The rest, without published figures.
        for p in P:
            st = s[p]
            har_insats = bool(insats[p])
            plan = 0.40 + (0.30 if har_insats else 0.0) + (0.10 if lang(p) else 0.0) - (0.15 if ny(p, 3) else 0.0)
            st["handlingsplan"] = "ja" if rng.random() < plan else "nej"
            sip = 0.05 + (0.25 if "reu" in insats[p] or (p in sjuk and st["sjukintyg"] == "heltid") else 0.0)
            u = rng.random()
            st["sip"] = "ja" if u < sip else ("okand" if u > 0.86 else "nej")
            st["utbildning"] = _utbildning(rng, p, alder(p), p.gymnasiet)
            st["forandringspotential"] = (
                "okand" if rng.random() < (0.25 if ny(p, 4) else 0.08) else _potential(rng, st, alder(p))
            )
        self._enhet_2019(rng, P, s, hinder)
        for p in P:
            p.tillstand[0] = s[p]
            s[p]["andra_ersattningar"] = _andra_ersattningar(p, s[p])

        # Housing: 32 homeless of whom 6 acutely (seed, counts); a quarter of the whole group
        # had rent above the acceptable level (72 persons, households of one or two adults).
        ensamma_utan_barn = [h for h in hh_lista if h.vuxna == 1 and h.barn != "ja"]

        def vikt_hemlos(h, akut):
            p = h.personer[0]
            return (
                ((8.0 if akut else 5.0) if s[p]["missbruk"] == "pagaende" else 1.0)
                * (3.0 if "social" in hinder[p] else 1.0)
                * (2.0 if p.kon == "M" else 1.0)
                * (1.5 if "psykisk" in hinder[p] else 1.0)
                * (0.5 if h.langvarig else 1.0)
            )

        for h in _valj(rng, ensamma_utan_barn, 6, lambda h: vikt_hemlos(h, True)):
            h.boende = "akut_hemlos"
        for h in _valj(rng, [h for h in ensamma_utan_barn if h.boende == "egen"], 26, lambda h: vikt_hemlos(h, False)):
            h.boende = "hemlos"
        for h in _valj(
            rng,
            [h for h in hh_lista if h.boende == "egen"],
            22,
            lambda h: 3.0 if any(s[p]["missbruk"] != "nej" or "social" in hinder[p] for p in h.personer) else 1.0,
        ):
            h.boende = "socialt_kontrakt"
        for h in _valj(
            rng,
            [h for h in hh_lista if h.boende == "egen"],
            34,
            lambda h: (2.5 if h.personer[0].alder(0) < 25 else 1.0) * (2.0 if h.region == "utanfor_europa" else 1.0),
        ):
            h.boende = "andrahand"
        for h in _valj(rng, [h for h in hh_lista if h.boende == "egen"], 4):
            h.boende = "okand"
        bostad = [h for h in hh_lista if h.boende in ("egen", "andrahand")]
        for h in _valj_personer(
            rng, bostad, 72, lambda h: (1.8 if h.barn == "ja" else 1.0) * (1.3 if h.vuxna == 2 else 1.0)
        ):
            h.hyra = "ja"
        for h in _valj_personer(
            rng, [h for h in hh_lista if h.hyra == "nej" and h.boende not in ("hemlos", "akut_hemlos")], 5
        ):
            h.hyra = "okand"
        for h in hh_lista:
            h.tillstand[0] = _hushallssvar(h)

    def _enhet_2019(self, rng, P, s, hinder) -> None:
        """Responsible unit and case worker. Most cases belong to eb (försörjningsstöd)."""
        for p in P:
            s[p]["enhet"] = "eb"
        for p in _valj(
            rng,
            P,
            14,
            lambda p: (8.0 if s[p]["missbruk"] == "pagaende" else 1.0) * (3.0 if "social" in hinder[p] else 1.0),
        ):
            s[p]["enhet"] = "vux"
        for p in _valj(
            rng, [p for p in P if s[p]["enhet"] == "eb"], 6, lambda p: 10.0 if "reu" in s[p]["pagaende_insats"] else 0.2
        ):
            s[p]["enhet"] = "reu"
        for p in _valj(
            rng,
            [p for p in P if s[p]["enhet"] == "eb"],
            22,
            lambda p: (4.0 if "eai" in s[p]["pagaende_insats"] else 0.5) * (2.0 if p.alder(0) < 25 else 1.0),
        ):
            s[p]["enhet"] = "eai"
        for p in P:
            s[p]["handlaggare"] = _handlaggare(rng, p, s[p]["enhet"], 0)
        for p in _valj(rng, P, 3):
            s[p]["handlaggare"] = None

    # --- later rounds ----------------------------------------------------------------------

    def simulera(self) -> None:
        """Grid points 1 … 12: closures, returns, newcomers and how the answers evolve."""
        rng = self.rng
        vantande: list[tuple[dt.date, int, _Hushall]] = []  # planned returns
        ankomster = []
        for k in range(1, len(RUTNAT)):
            g0, g1 = RUTNAT[k - 1], RUTNAT[k]
            publicerad = k < ANTAL_OMGANGAR
            # 1. Closures among the households in the round at k-1.
            for hh in self.hushall:
                if (k - 1) not in hh.period_vid:
                    continue
                per = hh.period_vid[k - 1]
                if rng.random() < _avslutsrisk(hh, k - 1):
                    lo = _nasta_manad(g0)
                    if hh.langvarig:
                        lo = max(lo, dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 20)))
                    c = _dag_mellan(rng, lo, _nasta_manad(g1) - DAG)
                    self._stang(hh, per, c, _avslutsorsak(rng, hh, k - 1), vantande)
            # 2. Returns that start in this interval.
            nu = [v for v in vantande if g0 - 5 * DAG < v[0] <= g1 - 5 * DAG]
            vantande = [v for v in vantande if v not in nu]
            for start, _, hh in sorted(nu, key=lambda v: (v[0], v[1])):
                per = _Period(start=start)
                hh.perioder.append(per)
                c = start + dt.timedelta(days=_varaktighet_dagar(rng))
                if c < _nasta_manad(g1):
                    self._stang(hh, per, c, _avslutsorsak(rng, hh, None), vantande)
            # 3. Who is in the round now (survivors and returns), and their answers.
            for hh in self.hushall:
                per = hh.aktiv_period(g1)
                if per is None or not hh.personer:
                    continue
                self._matning(hh, per, k)
            antal = sum(len(hh.personer) for hh in self.hushall if k in hh.period_vid)
            # 4. Newcomers.
            if publicerad:
                n_ny = 0
                while antal < MAL_ANTAL[k]:
                    hh = self._nykomling(k)
                    n_ny += 1
                    if k in hh.period_vid:
                        antal += len(hh.personer)
                ankomster.append(n_ny)
            else:
                # After the last round nobody is measured: newcomers only appear in the payments.
                for _ in range(round(sum(ankomster) / len(ankomster))):
                    self._nykomling(k, bara_betalning=True)
        # After the last grid point: closures and returns up to SLUT, newcomers in the payments.
        sista = len(RUTNAT) - 1
        for hh in self.hushall:
            if sista in hh.period_vid and rng.random() < _avslutsrisk(hh, sista) * 0.6:
                c = _dag_mellan(rng, _nasta_manad(RUTNAT[sista]), SLUT)
                self._stang(hh, hh.period_vid[sista], c, _avslutsorsak(rng, hh, sista), vantande)
        for start, _, hh in sorted(vantande, key=lambda v: (v[0], v[1])):
            if start <= SLUT:
                per = _Period(start=start)
                hh.perioder.append(per)
                c = start + dt.timedelta(days=_varaktighet_dagar(rng))
                if c <= SLUT:
                    per.slut, per.orsak = c, _avslutsorsak(rng, hh, None)
        for _ in range(round(sum(ankomster) / len(ankomster) * 0.5)):
            self._nykomling(len(RUTNAT), bara_betalning=True)

    def _stang(self, hh: _Hushall, per: _Period, c: dt.date, orsak: str, vantande: list) -> None:
        per.slut, per.orsak = c, orsak
        ater = _ateraktualisering(self.rng, c, orsak)
        if ater is not None and ater <= SLUT:
            vantande.append((ater, hh.nr, hh))

    def _nykomling(self, k: int, bara_betalning: bool = False) -> _Hushall:
        """A new household starting in the interval before grid point ``k``. Unless it closes
        before the round (a short spell, seen only in the payments) it is measured at ``k``."""
        rng = self.rng
        fran = RUTNAT[k - 1] - 4 * DAG
        till = RUTNAT[k] - 5 * DAG if k < len(RUTNAT) else SLUT
        start = _dag_mellan(rng, fran, till)
        t = min(k, ANTAL_OMGANGAR)
        vuxna = 2 if rng.random() < 0.12 else 1
        if vuxna == 2:
            typ = "sambo_med_barn" if rng.random() < 0.6 else "sambo_utan_barn"
        else:
            typ = _kat(rng, {"ensam_utan_barn": 0.68, "ensam_med_barn": 0.28, "okand": 0.04})
        region = _kat(
            rng,
            {
                "sverige": 0.55 + 0.015 * t,
                "utanfor_europa": 0.32 - 0.015 * t,
                "europa": 0.06,
                "norden": 0.03,
                "okand": 0.04,
            },
        )
        hh = self.nytt_hushall(typ, vuxna, region)
        if vuxna == 1 and typ == "ensam_utan_barn" and rng.random() < 0.04:
            hh.barn = "ja"  # umgängesbarn
        hh.boende = _kat(
            rng,
            {
                "egen": 0.56,
                "andrahand": 0.17,
                "socialt_kontrakt": 0.06,
                "hemlos": 0.09 if hh.barn == "nej" else 0.0,
                "akut_hemlos": 0.025 if hh.barn == "nej" else 0.0,
                "okand": 0.04,
            },
        )
        hh.hyra = ("ja" if rng.random() < 0.22 else "nej") if hh.boende in ("egen", "andrahand") else "nej"
        per = _Period(start=start)
        hh.perioder.append(per)
        if bara_betalning or k >= len(RUTNAT):
            c = start + dt.timedelta(days=_varaktighet_dagar(rng))
            if c <= SLUT:
                per.slut, per.orsak = c, "okand"
            hh.inkomstfaktor = _kat_tal(rng, [(1.0, 0.6), (0.6, 0.25), (0.35, 0.15)])
            return hh
        c = start + dt.timedelta(days=_varaktighet_dagar(rng))
        if c < _nasta_manad(RUTNAT[k]):
            # Closed before the round: a short spell that only the payments show.
            per.slut, per.orsak = c, "okand"
            hh.inkomstfaktor = _kat_tal(rng, [(1.0, 0.5), (0.6, 0.3), (0.35, 0.2)])
            return hh
        # Measured at k: create the adults.
        if vuxna == 2:
            kon = ["K", "M"]
        elif typ == "ensam_med_barn":
            kon = ["K" if rng.random() < 0.85 else "M"]
        else:
            kon = ["K" if rng.random() < 0.40 else "M"]
        if hh.barn == "ja" and typ == "ensam_utan_barn":
            kon = ["M"]
        alder = _ny_alder(rng, typ)
        for i, kk in enumerate(kon):
            a = alder if i == 0 else min(64, max(19, alder + rng.randint(-5, 5)))
            fodelsear = min(RUTNAT[k].year - a, start.year - 18)
            self.ny_person(hh, kk, fodelsear)
        self._matning(hh, per, k)
        return hh

    def _matning(self, hh: _Hushall, per: _Period, k: int) -> None:
        """Answers at grid point ``k`` for every adult of ``hh``: evolved from the previous
        point in the same period, re-opened after a return, or new."""
        rng = self.rng
        forra = hh.period_vid.get(k - 1)
        hh.period_vid[k] = per
        if forra is per:
            hh.tillstand[k] = _utveckla_hushall(rng, hh, hh.tillstand[k - 1])
        else:
            hh.tillstand[k] = _hushallssvar(hh)
        for p in hh.personer:
            if forra is per and (k - 1) in p.tillstand:
                p.tillstand[k] = _utveckla(rng, p, p.tillstand[k - 1], k)
            elif p.tillstand:
                p.tillstand[k] = _ateroppna(rng, p, p.tillstand[max(p.tillstand)], k)
            else:
                p.tillstand[k] = _ny_profil(rng, p, k)
            p.tillstand[k]["andra_ersattningar"] = _andra_ersattningar(p, p.tillstand[k])

    # --- households seen only in the payments, before the first round --------------------------

    def utbetalningar(self) -> dict[_Hushall, dict[int, int]]:
        """Monthly amounts of every household, after adding the payment-only households of
        2016–2019 that the seed's finding needs.

        The households simulated so far are paid first. Then households seen only in the
        payments are added until exactly 760 households have a payment in 2016–2019; each
        new one gets a short or a longer spell depending on whether the ones so far cost
        more or less than the cost share of 48 % leaves for them, and a last small scaling
        of their amounts (a few per cent) makes the share exact. None of them is open on a
        round day, so none of them should have been measured.
        """
        rng = self.rng
        for hh in self.hushall:
            _satt_glapp(rng, hh)
        belopp = {hh: _hushallets_belopp(rng, hh) for hh in self.hushall}
        lang = sum(_fonstersumma(belopp[hh]) for hh in self.hushall if hh.langvarig)
        ovriga = sum(_fonstersumma(belopp[hh]) for hh in self.hushall if not hh.langvarig)
        i_fonstret = sum(1 for hh in self.hushall if _fonstersumma(belopp[hh]) > 0)
        behov = HUSHALL_I_FONSTRET - i_fonstret
        budget = lang * (1 - KOSTNADSANDEL) / KOSTNADSANDEL - ovriga
        if behov <= 0 or budget <= 0:
            raise RuntimeError("demo: för många hushåll eller för hög kostnad i 2016–2019 före utfyllnaden")
        mal = budget / behov  # what each added household may cost in the window, on average
        omgangsdagar = RUTNAT[:ANTAL_OMGANGAR]
        nya: list[_Hushall] = []
        summa = 0
        while len(nya) < behov:
            kort = not nya or summa / len(nya) > mal
            start = _dag_mellan(rng, dt.date(2015, 6, 1), dt.date(2019, 12, 31))
            manader = rng.uniform(0.7, 6) if kort else rng.uniform(6, 30)
            per = _Period(start=start, slut=start + dt.timedelta(days=int(manader * 30.4)), orsak="okand")
            if per.slut < dt.date(2016, 2, 1) or any(per.aktiv_vid(d) for d in omgangsdagar):
                continue
            typ = _kat(
                rng, {"ensam_utan_barn": 0.62, "ensam_med_barn": 0.22, "sambo_utan_barn": 0.07, "sambo_med_barn": 0.09}
            )
            hh = self.nytt_hushall(typ, 2 if typ.startswith("sambo") else 1, "okand")
            hh.boende = _kat(
                rng,
                {
                    "egen": 0.6,
                    "andrahand": 0.2,
                    "socialt_kontrakt": 0.05,
                    "hemlos": 0.1 if hh.barn == "nej" else 0.0,
                    "okand": 0.05,
                },
            )
            hh.inkomstfaktor = _kat_tal(rng, [(1.0, 0.55), (0.6, 0.3), (0.35, 0.15)])
            hh.perioder.append(per)
            _satt_glapp(rng, hh)
            belopp[hh] = _hushallets_belopp(rng, hh)
            summa += _fonstersumma(belopp[hh])
            nya.append(hh)
        faktor = budget / summa
        if not 0.9 <= faktor <= 1.1:
            raise RuntimeError(f"demo: kalibreringen av kostnaden blev orimlig ({faktor:.2f})")
        for hh in nya:
            hh.kalibrering = faktor
            belopp[hh] = {m: (max(1, round(b * faktor)) if b > 0 else 0) for m, b in belopp[hh].items()}
        return belopp


def _fonstersumma(belopp: dict[int, int]) -> int:
    """What a household was paid in the seed's window 2016–2019."""
    return sum(b for m, b in belopp.items() if FONSTER[0] <= m <= FONSTER[1])


# --- answers of one household / person --------------------------------------------------------


def _hushallssvar(hh: _Hushall) -> dict:
    return {"hushallstyp": hh.typ, "hemmavarande_barn": hh.barn, "boende": hh.boende, "hyra_over_skalig": hh.hyra}


def _utveckla_hushall(rng: random.Random, hh: _Hushall, forra: dict) -> dict:
    """Household answers half a year later: homeless people get housing, some move on."""
    ny = dict(forra)
    b = forra["boende"]
    u = rng.random()
    if b == "akut_hemlos":
        ny["boende"] = "hemlos" if u < 0.35 else ("socialt_kontrakt" if u < 0.65 else b)
    elif b == "hemlos":
        ny["boende"] = "socialt_kontrakt" if u < 0.25 else ("andrahand" if u < 0.35 else b)
    elif b == "andrahand" and u < 0.15:
        ny["boende"] = "egen"
    elif b == "socialt_kontrakt" and u < 0.08:
        ny["boende"] = "egen"
    elif b == "okand" and u < 0.5:
        ny["boende"] = "egen"
    if ny["boende"] not in ("egen", "andrahand"):
        ny["hyra_over_skalig"] = "nej"
    elif ny["boende"] != b:
        ny["hyra_over_skalig"] = "ja" if rng.random() < 0.25 else "nej"
    elif forra["hyra_over_skalig"] == "okand" and rng.random() < 0.5:
        ny["hyra_over_skalig"] = "nej"
    if hh.vuxna == 1 and forra["hushallstyp"] == "ensam_med_barn" and rng.random() < 0.03:
        ny["hushallstyp"], ny["hemmavarande_barn"] = "ensam_utan_barn", "nej"  # the child moved out
    hh.typ, hh.barn, hh.boende, hh.hyra = (
        ny["hushallstyp"],
        ny["hemmavarande_barn"],
        ny["boende"],
        ny["hyra_over_skalig"],
    )
    return ny


def _utbildning(rng: random.Random, p: _Person, alder: int, gym: bool) -> str:
    if gym or alder < 20:
        return "forgymnasial"
    if p.hushall.region in ("utanfor_europa", "europa"):
        return _kat(
            rng,
            {"forgymnasial_kort": 0.27, "forgymnasial": 0.2, "gymnasial": 0.18, "eftergymnasial": 0.1, "okand": 0.25},
        )
    return _kat(
        rng, {"forgymnasial_kort": 0.02, "forgymnasial": 0.3, "gymnasial": 0.42, "eftergymnasial": 0.08, "okand": 0.18}
    )


def _ny_alder(rng: random.Random, typ: str) -> int:
    band = _kat(rng, {"18": 0.30, "25": 0.27, "35": 0.18, "45": 0.14, "55": 0.10, "65": 0.01})
    lo, hi = {"18": (18, 24), "25": (25, 34), "35": (35, 44), "45": (45, 54), "55": (55, 64), "65": (65, 66)}[band]
    if typ.endswith("med_barn"):
        hi = min(hi, 50)
        lo = min(lo, hi)
    return rng.randint(lo, hi)


def _handlaggare(rng: random.Random, p: _Person, enhet: str, k: int) -> str:
    """Case worker: the household's socialsekreterare at eb (nine of them, seed 000), or one
    of the other units' staff. H04 left in 2021 and H15 took over the caseload."""
    if enhet == "eb":
        kod = p.hushall.handlaggare
    else:
        pool = {"eai": ["H10", "H11"], "vux": ["H12", "H13"], "reu": ["H14"]}[enhet]
        kod = pool[p.nr % len(pool)]
    if kod == "H04" and k >= 4:
        kod = "H15"
    return kod


def _ny_profil(rng: random.Random, p: _Person, k: int) -> dict:
    """Answers of a newcomer at grid point ``k``: a new case, so much is not yet known."""
    hh = p.hushall
    alder = p.alder(k)
    t = min(k, ANTAL_OMGANGAR)
    utrikes = hh.region in ("utanfor_europa", "europa")
    s: dict = {}
    s["halsa"] = _kat(
        rng,
        {"ingen": 0.34, "psykisk": 0.16, "fysisk": 0.10 + (0.08 if alder >= 45 else 0), "bade": 0.12, "okand": 0.28},
    )
    sjuk = s["halsa"] in ("bade", "psykisk", "fysisk")
    s["missbruk"] = _kat(rng, {"pagaende": 0.06 if p.kon == "M" else 0.03, "oklart": 0.17, "nej": 0.77})
    hinder = set()
    if s["halsa"] in ("bade", "psykisk") and rng.random() < 0.7:
        hinder.add("psykisk")
    if s["halsa"] in ("bade", "fysisk") and rng.random() < 0.7:
        hinder.add("fysisk")
    if rng.random() < (0.2 if alder < 30 else 0.08):
        hinder.add("npf")
    if rng.random() < (0.5 if s["missbruk"] == "pagaende" else 0.1):
        hinder.add("social")
    if s["missbruk"] == "pagaende":
        hinder.add("missbruk")
    if utrikes and rng.random() < 0.6:
        hinder.add("svenska")
    if not (hinder - {"svenska"}) and rng.random() < 0.6 - 0.04 * t:  # assessed faster later
        hinder.add("ej_klarlagt")
    s["arbetshinder"] = _flerval(koder.ARBETSHINDER, hinder or {"inga"})
    if sjuk:
        s["sjukintyg"] = _kat(rng, {"heltid": 0.33, "deltid": 0.12, "nej": 0.52, "okand": 0.03})
    else:
        s["sjukintyg"] = _kat(rng, {"okand": 0.3, "nej": 0.7}) if s["halsa"] == "okand" else "nej"
    if sjuk and alder >= 30:
        s["sjukersattning_avslag"] = _kat(rng, {"ja": 0.15, "nej": 0.8, "okand": 0.05})
    else:
        s["sjukersattning_avslag"] = _kat(rng, {"nej": 0.95, "okand": 0.05})
    if alder <= 20 and rng.random() < 0.3:
        studier = "gymnasiet"
    elif "svenska" in hinder and rng.random() < 0.45:
        studier = "sfi"
    elif rng.random() < 0.05:
        studier = "komvux"
    else:
        studier = "ingen"
    s["pagaende_studier"] = (studier,)
    s["utbildning"] = _utbildning(rng, p, alder, studier == "gymnasiet")
    s["arbetshistorik"] = _kat(
        rng,
        {
            None: 0.06,
            "okand": max(0.42 - 0.03 * t, 0.2),
            "lang": 0.2 if alder >= 25 else 0.03,
            "kort": 0.16,
            "aldrig": 0.16 if alder >= 25 else 0.3,
        },
    )
    s["pagaende_arbete"] = (
        "nej"
        if s["sjukintyg"] == "heltid" or s["arbetshistorik"] == "aldrig"
        else _kat(rng, {"ja": 0.07, "okand": 0.03, "nej": 0.90})
    )
    s["af_inskriven"] = _kat(
        rng, {"ja": (0.15 if s["sjukintyg"] == "heltid" else 0.38 + 0.02 * t), "okand": 0.05, "nej": 0.5}
    )
    s["a_kassa"] = (
        "ja"
        if (s["af_inskriven"] == "ja" and s["arbetshistorik"] in ("lang", "kort") and rng.random() < 0.1)
        else _kat(rng, {"nej": 0.97, "okand": 0.03})
    )
    s["huvudsaklig_forsorjning"] = _huvudinkomst(rng, s, hh, k, alder)
    enheter = set()
    if s["af_inskriven"] == "ja" and rng.random() < 0.2 + 0.02 * t:
        enheter.add("af")
    if rng.random() < (0.2 + 0.02 * t) * (0.5 if s["sjukintyg"] == "heltid" else 1.0):
        enheter.add("eai")
    if rng.random() < (0.15 if hinder & {"psykisk", "npf"} else 0.03):
        enheter.add("reu")
    if sjuk and rng.random() < 0.04:
        enheter.add("region")
    if studier in ("sfi", "komvux") and rng.random() < 0.15:
        enheter.add("vuxutb")
    s["pagaende_insats"] = _pagaende_insats(enheter)
    s["handlingsplan"] = "ja" if rng.random() < 0.30 + 0.06 * t else "nej"
    s["sip"] = (
        "ja"
        if rng.random() < (0.2 if sjuk and s["sjukintyg"] == "heltid" else 0.04)
        else _kat(rng, {"nej": 0.82, "okand": 0.18})
    )
    s["forandringspotential"] = "okand" if rng.random() < 0.22 else _potential(rng, s, alder)
    s["enhet"] = _kat(
        rng,
        {
            "eb": 0.85,
            "vux": 0.5 if s["missbruk"] == "pagaende" else 0.03,
            "eai": 0.06 + 0.01 * t,
            "reu": 0.3 if "reu" in enheter else 0.0,
        },
    )
    s["handlaggare"] = _handlaggare(rng, p, s["enhet"], k)
    s["inskrivningsdatum"] = hh.period_vid[k].start
    return s


def _huvudinkomst(rng, s, hh, k, alder) -> str | None:
    studier = s["pagaende_studier"] or ()
    if s["pagaende_arbete"] == "ja" and rng.random() < 0.6:
        return "lon"
    if s["a_kassa"] == "ja" and rng.random() < 0.6:
        return "a_kassa"
    if s["sjukintyg"] in ("heltid", "deltid") and s["arbetshistorik"] in ("lang", "kort") and rng.random() < 0.1:
        return "sjukpenning"
    if "sfi" in studier and hh.region == "utanfor_europa" and k <= 4 and rng.random() < 0.3:
        return "etablering"
    if "komvux" in studier and rng.random() < 0.5:
        return "studiemedel"
    if s["af_inskriven"] == "ja" and rng.random() < 0.03:
        return "aktivitetsstod"
    u = rng.random()
    return "annan" if u < 0.02 else (None if u < 0.03 else "forsorjningsstod")


def _utveckla(rng: random.Random, p: _Person, forra: dict, k: int) -> dict:
    """Answers half a year later in the same period: plans get written, AF registration
    rises, barriers and health get clarified, interventions start and end."""
    s = dict(forra)
    t = min(k, ANTAL_OMGANGAR)
    alder = p.alder(k)
    hh = p.hushall
    utrikes = hh.region in ("utanfor_europa", "europa")
    # Health and barriers get clarified.
    if s["halsa"] == "okand" and rng.random() < 0.4:
        s["halsa"] = _kat(rng, {"ingen": 0.45, "psykisk": 0.25, "fysisk": 0.15, "bade": 0.15})
    hinder = set(s["arbetshinder"] or ())
    if "ej_klarlagt" in hinder and rng.random() < 0.45:
        hinder.discard("ej_klarlagt")
        if s["halsa"] in ("bade", "psykisk") and rng.random() < 0.7:
            hinder.add("psykisk")
        if s["halsa"] in ("bade", "fysisk") and rng.random() < 0.7:
            hinder.add("fysisk")
        if rng.random() < 0.15:
            hinder.add("npf")
        if rng.random() < 0.15:
            hinder.add("social")
    if s["missbruk"] == "oklart" and rng.random() < 0.35:
        s["missbruk"] = "pagaende" if rng.random() < 0.15 else "nej"
    elif s["missbruk"] == "pagaende" and rng.random() < 0.15:
        s["missbruk"] = "nej"
    if s["missbruk"] is None and rng.random() < 0.5:
        s["missbruk"] = "nej"
    if s["missbruk"] == "pagaende":
        hinder.add("missbruk")
    else:
        hinder.discard("missbruk")
    if s["halsa"] not in ("bade", "psykisk"):
        hinder.discard("psykisk")
    if s["halsa"] not in ("bade", "fysisk"):
        hinder.discard("fysisk")
    # Studies come and go (an unanswered question stays unanswered half the time).
    studier = set(s["pagaende_studier"] or ()) - {"ingen"}
    u = rng.random()
    if "sfi" in studier and u < 0.35:
        studier = {"komvux"} if rng.random() < 0.3 else set()
        if rng.random() < 0.35:
            hinder.discard("svenska")
    elif "gymnasiet" in studier and alder >= 20 and u < 0.45:
        studier = set()
    elif "komvux" in studier and u < 0.4:
        studier = set()
    elif "annan" in studier and u < 0.5:
        studier = set()
    elif not studier and u < 0.04 + (0.03 if s["handlingsplan"] == "ja" else 0):
        studier = {"sfi"} if "svenska" in hinder and utrikes else {"komvux"}
    if not (s["pagaende_studier"] is None and rng.random() < 0.5):
        s["pagaende_studier"] = _flerval(koder.PAGAENDE_STUDIER, studier or {"ingen"})
    if not (s["arbetshinder"] is None and rng.random() < 0.5):
        hinder -= {"inga"}
        s["arbetshinder"] = _flerval(koder.ARBETSHINDER, hinder or {"inga"})
    # Sick notes.
    sjuk = s["halsa"] in ("bade", "psykisk", "fysisk")
    u = rng.random()
    if not sjuk and s["sjukintyg"] in ("heltid", "deltid"):
        s["sjukintyg"] = "nej"
    elif s["sjukintyg"] == "heltid":
        s["sjukintyg"] = "deltid" if u < 0.1 else ("nej" if u < 0.18 else "heltid")
    elif s["sjukintyg"] == "deltid":
        s["sjukintyg"] = "nej" if u < 0.15 else ("heltid" if u < 0.23 else "deltid")
    elif s["sjukintyg"] == "okand" and u < 0.5:
        s["sjukintyg"] = "nej"
    elif sjuk and u < 0.04:
        s["sjukintyg"] = "heltid"
    if s["sjukersattning_avslag"] == "nej" and s["sjukintyg"] == "heltid" and alder >= 30 and rng.random() < 0.04:
        s["sjukersattning_avslag"] = "ja"
    # Work history gets known; some start working.
    if s["arbetshistorik"] in (None, "okand") and rng.random() < 0.35:
        s["arbetshistorik"] = _kat(rng, {"lang": 0.3 if alder >= 25 else 0.05, "kort": 0.35, "aldrig": 0.35})
    if s["pagaende_arbete"] == "ja":
        if rng.random() < 0.3:
            s["pagaende_arbete"] = "nej"
    elif s["sjukintyg"] != "heltid" and rng.random() < 0.06 + 0.01 * t:
        s["pagaende_arbete"] = "ja"
        if s["arbetshistorik"] in (None, "okand", "aldrig"):
            s["arbetshistorik"] = "kort"
    elif s["pagaende_arbete"] == "okand" and rng.random() < 0.5:
        s["pagaende_arbete"] = "nej"
    if s["pagaende_arbete"] == "ja" and s["sjukintyg"] == "heltid":
        s["sjukintyg"] = "deltid"  # works part time, so the sick note is part time
    # AF registration: a goal of the process, so it rises.
    if s["af_inskriven"] != "ja" and rng.random() < (0.08 if s["sjukintyg"] == "heltid" else 0.2 + 0.02 * t):
        s["af_inskriven"] = "ja"
    elif s["af_inskriven"] == "ja" and rng.random() < 0.04:
        s["af_inskriven"] = "nej"
    if s["a_kassa"] == "ja" and rng.random() < 0.4:
        s["a_kassa"] = "nej"
    elif s["a_kassa"] == "okand" and rng.random() < 0.5:
        s["a_kassa"] = "nej"
    # Main income.
    h = s["huvudsaklig_forsorjning"]
    if s["pagaende_arbete"] == "ja" and h != "lon" and rng.random() < 0.5:
        s["huvudsaklig_forsorjning"] = "lon"
    elif h == "lon" and s["pagaende_arbete"] != "ja":
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    elif h == "a_kassa" and s["a_kassa"] != "ja":
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    elif h == "etablering" and (rng.random() < 0.5 or k > 4):
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    elif h == "studiemedel" and not (set(studier) & {"komvux", "annan"}):
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    elif h in ("sjukpenning", "aktivitetsstod") and rng.random() < 0.4:
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    elif h is None and rng.random() < 0.5:
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    # Interventions: each ongoing one may continue; new ones start.
    forra_enheter = set(forra["pagaende_insats"]) - {"ingen"}
    fortsatt = {"eai": 0.45, "af": 0.5, "reu": 0.6, "region": 0.5, "vuxutb": 0.5, "eb": 0.3}
    enheter = {e for e in sorted(forra_enheter) if rng.random() < fortsatt.get(e, 0.4)}
    kvinna_barn = p.kon == "K" and hh.barn == "ja"
    if s["af_inskriven"] == "ja" and "af" not in forra_enheter and rng.random() < 0.22 + 0.02 * t:
        enheter.add("af")
    if "eai" not in forra_enheter and rng.random() < (0.18 + 0.02 * t + (0.08 if s["handlingsplan"] == "ja" else 0)) * (
        0.4 if s["sjukintyg"] == "heltid" else 1.0
    ) * (0.8 if kvinna_barn else 1.0):
        enheter.add("eai")
    if "reu" not in forra_enheter and rng.random() < (
        0.12 if hinder & {"psykisk", "npf", "fysisk"} and s["sjukintyg"] != "heltid" else 0.02
    ):
        enheter.add("reu")
    if "eb" not in forra_enheter and rng.random() < 0.05:
        enheter.add("eb")
    if "region" not in forra_enheter and sjuk and rng.random() < 0.06:
        enheter.add("region")
    if "vuxutb" not in forra_enheter and set(studier) & {"sfi", "komvux"} and rng.random() < 0.2:
        enheter.add("vuxutb")
    s["pagaende_insats"] = _pagaende_insats(enheter)
    # Plans, SIP, the case worker's judgement, responsible unit.
    if s["handlingsplan"] != "ja" and rng.random() < 0.35 + 0.04 * t:
        s["handlingsplan"] = "ja"
    if s["sip"] == "okand" and rng.random() < 0.4:
        s["sip"] = "nej"
    elif s["sip"] == "nej" and rng.random() < (0.12 if "reu" in enheter or s["sjukintyg"] == "heltid" else 0.03):
        s["sip"] = "ja"
    if s["utbildning"] == "okand" and rng.random() < 0.3:
        s["utbildning"] = _utbildning(rng, p, alder, False)
    if s["forandringspotential"] == "okand" and rng.random() < 0.5 or rng.random() < 0.2:
        s["forandringspotential"] = _potential(rng, s, alder)
    if s["enhet"] == "eb" and rng.random() < 0.04:
        s["enhet"] = "eai" if "eai" in enheter else ("reu" if "reu" in enheter else "eb")
    elif s["enhet"] != "eb" and rng.random() < 0.1:
        s["enhet"] = "eb"
    if s["handlaggare"] is not None or rng.random() < 0.5:
        s["handlaggare"] = _handlaggare(rng, p, s["enhet"], k)
    return s


def _ateroppna(rng: random.Random, p: _Person, forra: dict, k: int) -> dict:
    """Answers of a person back on assistance after a closure: the old case, re-opened."""
    s = _utveckla(rng, p, forra, k)
    s["inskrivningsdatum"] = p.hushall.period_vid[k].start
    stangda = [per for per in p.hushall.perioder if per.slut is not None and per.slut <= RUTNAT[k]]
    if stangda and stangda[-1].orsak == "arbete" and s["arbetshistorik"] in (None, "okand", "aldrig"):
        s["arbetshistorik"] = "kort"  # the job that ended the last period did not last
    s["pagaende_arbete"] = "ja" if s["sjukintyg"] != "heltid" and rng.random() < 0.1 else "nej"
    if s["huvudsaklig_forsorjning"] == "lon" and s["pagaende_arbete"] != "ja":
        s["huvudsaklig_forsorjning"] = "forsorjningsstod"
    s["pagaende_insats"] = ("ingen",) if rng.random() < 0.6 else s["pagaende_insats"]
    if rng.random() < 0.5:
        s["handlingsplan"] = "nej"
    return s


# --- payments ---------------------------------------------------------------------------------

# Norm levels (riksnorm plus common household costs, SEK/month) relative to 2019.
ARSFAKTOR = {
    2016: 0.96,
    2017: 0.975,
    2018: 0.99,
    2019: 1.0,
    2020: 1.02,
    2021: 1.03,
    2022: 1.045,
    2023: 1.13,
    2024: 1.17,
    2025: 1.20,
}


def _inkomstfaktor(hh: _Hushall, k: int | None) -> float:
    """Share of the norm paid out: income of some kind lowers the assistance."""
    if k is None:
        return hh.inkomstfaktor
    faktor = 1.0
    for p in hh.personer:
        s = p.tillstand.get(k)
        if s is None:
            continue
        h = s["huvudsaklig_forsorjning"]
        f = {
            "lon": 0.35,
            "a_kassa": 0.45,
            "sjukpenning": 0.45,
            "sjukersattning": 0.4,
            "etablering": 0.45,
            "studiemedel": 0.5,
            "aktivitetsstod": 0.55,
        }.get(h, 1.0)
        if f == 1.0 and s["pagaende_arbete"] == "ja":
            f = 0.75
        faktor = min(faktor, f) if hh.vuxna == 1 else faktor * (0.5 + 0.5 * f)
    return faktor


def _belopp_manad(rng: random.Random, hh: _Hushall, m: int, svar: dict, k: int | None, forsta: bool) -> int:
    ensam = not svar["hushallstyp"].startswith("sambo")
    norm = 4150 if ensam else 6900
    if svar["hushallstyp"].endswith("med_barn"):
        norm += 1700 * max(hh.antal_barn, 1)
    elif svar["hemmavarande_barn"] == "ja":
        norm += 600  # umgängesbarn
    boende = svar["boende"]
    hyra = {
        "egen": hh.hyresniva,
        "andrahand": 0.85 * hh.hyresniva,
        "socialt_kontrakt": 0.95 * hh.hyresniva,
        "hemlos": 900,
        "akut_hemlos": 2200,
        "okand": 0.9 * hh.hyresniva,
    }[boende]
    if svar["hyra_over_skalig"] == "ja":
        hyra += 1100
    b = (norm + hyra) * _inkomstfaktor(hh, k) * ARSFAKTOR[m // 12] * rng.uniform(0.93, 1.06)
    if forsta:
        b *= rng.uniform(0.4, 1.0)
    return max(300, round(b))


def _matpunkter(hh: _Hushall) -> list[tuple[int, _Period]]:
    return sorted(hh.period_vid.items(), key=lambda kv: kv[0])


def _skyddade_manader(hh: _Hushall) -> set[int]:
    """Months that must be paid: those of every grid point where the household is measured."""
    return {_mi_datum(RUTNAT[k]) for k in hh.period_vid}


def _satt_glapp(rng: random.Random, hh: _Hushall) -> None:
    """Now and then a month without payment (a month's wages, a late application)."""
    skyddade = _skyddade_manader(hh)
    for per in hh.perioder:
        if per.glapp_klar:
            continue
        per.glapp_klar = True
        manader = list(per.manader())
        for m in manader[1:-1]:
            if m in skyddade or m in per.glapp:
                continue
            if hh.langvarig and FONSTER[0] <= m <= FONSTER[1]:
                continue
            if rng.random() < (0.01 if hh.langvarig else 0.025):
                per.glapp.add(m)
                if rng.random() < 0.1:
                    per.nollrad.add(m)


def _hushallets_belopp(rng: random.Random, hh: _Hushall) -> dict[int, int]:
    punkter = _matpunkter(hh)
    ut: dict[int, int] = {}
    for per in hh.perioder:
        egna = [(k, pp) for k, pp in punkter if pp is per]
        forsta = _mi_datum(per.start)
        for m in per.manader():
            if m in per.glapp:
                if m in per.nollrad:
                    ut[m] = 0
                continue
            # The household's answers at the latest grid point of this period before the
            # month (or the first one after it; payment-only households: their own).
            k = None
            for kk, _ in egna:
                if _mi_datum(RUTNAT[kk]) <= m or k is None:
                    k = kk
            if k is None and punkter:
                k = min(punkter, key=lambda kv: abs(_mi_datum(RUTNAT[kv[0]]) - m))[0]
            svar = hh.tillstand[k] if k is not None else _hushallssvar(hh)
            ut[m] = _belopp_manad(rng, hh, m, svar, k, m == forsta)
    return ut


# --- intervention episodes --------------------------------------------------------------------

VANTETID = {
    "eb": (0, 10),
    "eai": (3, 45),
    "af": (7, 60),
    "reu": (14, 90),
    "region": (20, 90),
    "vuxutb": (10, 60),
    "vux": (3, 30),
    "fk": (14, 60),
    "annan": (7, 45),
}

TYPER = {
    "eai": {1: 0.25, 2: 0.3, 4: 0.15, 5: 0.15, 10: 0.1, 12: 0.05},
    "reu": {1: 0.5, 6: 0.2, 8: 0.3},
    "af": {2: 0.5, 4: 0.3, 7: 0.2},
    "vuxutb": {3: 0.6, 10: 0.4},
    "eb": {2: 0.5, 12: 0.5},
    "region": {12: 0.6, 1: 0.4},
    "vux": {12: 0.7, 1: 0.3},
    "fk": {12: 1.0},
    "annan": {5: 0.5, 1: 0.5},
}

REMITTENT = {
    "eai": {"eb": 0.75, "af": 0.12, "vux": 0.08, "reu": 0.05},
    "af": {"eb": 0.45, "eai": 0.45, "af": 0.10},
    "reu": {"eb": 0.4, "vux": 0.3, "eai": 0.3},
    "eb": {"eb": 0.8, "eai": 0.2},
    "region": {"eb": 0.5, "vux": 0.25, "reu": 0.25},
    "vuxutb": {"eai": 0.6, "eb": 0.4},
    "vux": {"eb": 1.0},
    "fk": {"eb": 0.7, "reu": 0.3},
    "annan": {"eai": 0.6, "eb": 0.4},
}

OSYNLIGA = {"eb": 0.35, "region": 0.15, "vuxutb": 0.12, "eai": 0.15, "af": 0.10, "reu": 0.05, "fk": 0.03, "annan": 0.05}


def _insatstyp(rng: random.Random, enhet: str, p: _Person, s: dict) -> int:
    """SKR type for an episode at ``enhet``. Language training only for those born abroad;
    mildly, men get more work activation and women with children more coordination (seed 003)."""
    w = dict(TYPER[enhet])
    if p.hushall.region not in ("utanfor_europa", "europa"):
        w.pop(10, None)
    if enhet == "eai":
        if p.kon == "M":
            for t in (1, 4, 5):
                w[t] *= 1.3
        elif p.kon == "K" and p.hushall.barn == "ja":
            w[12] *= 3.0
            w[2] *= 1.3
    _planterad_skillnad(w, p)
    if not w:
        w = {3: 1.0}
    typer = list(w)
    return rng.choices(typer, weights=[w[t] for t in typer])[0]


# --- planted difference (issue 13, Jämställdhet) ---------------------------------------------
# Work-near SKR types (arbetsträning 1, praktik 5, stöd till anställning 6 and 7, kommunal
# arbetsmarknadsanställning 8): the Jämställdhet page must find that men get them more often
# than women *with the same barriers* (seed 003). The boost applies whatever the barriers, so
# it shows inside every barrier group. Only the weights of a draw change, never the number of
# draws, so every other figure of the demo stays exactly as it was.
PLANTERAD_ARBETSNARA = (1, 5, 6, 7, 8)
PLANTERAD_FAKTOR = {"M": 4.0, "K": 0.35}


def _planterad_skillnad(w: dict[int, float], p: _Person) -> None:
    """Raise the weight of the work-near types for men and lower it for women (in place)."""
    faktor = PLANTERAD_FAKTOR.get(p.kon)
    if faktor is None:
        return
    for t in PLANTERAD_ARBETSNARA:
        if t in w:
            w[t] *= faktor


def _remittent(rng: random.Random, enhet: str, s: dict) -> str:
    w = dict(REMITTENT[enhet])
    if s.get("enhet") == "vux" and "vux" in w:
        w["vux"] *= 3
    return _kat(rng, w)


@dataclass(eq=False)
class _Episod:
    person: _Person
    till: str
    fran: str
    typ: int
    remiss: dt.date
    start: dt.date | None
    slut: dt.date | None
    orsak: str | None


INSATS_ORSAK_VID_AVSLUT = {
    "arbete": "arbete",
    "studier": "studier",
    "annan_ersattning": "annan_ersattning",
    "flytt": "flytt",
    "ovrigt": "ovrigt",
    "okand": "okand",
}


def _episoder(rng: random.Random, p: _Person) -> list[_Episod]:
    """Every episode of ``p``: those running over the grid points (they make up
    ``pagaende_insats``) and shorter ones in between that no grid point sees."""
    ut: list[_Episod] = []
    hh = p.hushall
    for per in hh.perioder:
        ks = sorted(k for k in p.tillstand if hh.period_vid.get(k) is per)
        if ks:
            ut.extend(_periodens_episoder(rng, p, per, ks))
    return ut


def _ny_episod(rng, p, till, fran, s, start, slut, orsak, golv: dt.date, remiss_tak: dt.date | None = None) -> _Episod:
    lo, hi = VANTETID[till]
    vanta = rng.randint(lo, hi)
    bas = start if start is not None else remiss_tak
    remiss = max(bas - dt.timedelta(days=vanta), golv)
    if start is not None and remiss > start:
        remiss = start
    return _Episod(p, till, fran, _insatstyp(rng, till, p, s), remiss, start, slut, orsak)


def _periodens_episoder(rng: random.Random, p: _Person, per: _Period, ks: list[int]) -> list[_Episod]:
    ut: list[_Episod] = []
    sets = {k: set(p.tillstand[k]["pagaende_insats"]) - {"ingen"} for k in ks}
    golv = per.start
    sista = ks[-1]

    # Runs: consecutive grid points where the unit is listed make one episode.
    for enhet in ENHETSORDNING:
        i = 0
        while i < len(ks):
            if enhet not in sets[ks[i]]:
                i += 1
                continue
            j = i
            while j + 1 < len(ks) and enhet in sets[ks[j + 1]]:
                j += 1
            k1, k2 = ks[i], ks[j]
            s = p.tillstand[k1]
            t1 = RUTNAT[k1]
            if i == 0:
                lo = per.start + DAG
                if k1 == 0:
                    lo = max(per.start + 14 * DAG, t1 - 540 * DAG, dt.date(2018, 3, 1) if enhet == "eai" else lo)
                start = _dag_mellan(rng, min(lo, t1 - 3 * DAG), t1 - 3 * DAG)
            else:
                start = _dag_mellan(rng, RUTNAT[ks[i - 1]] + 7 * DAG, t1 - 3 * DAG)
            t2 = RUTNAT[k2]
            if j + 1 < len(ks):
                slut = _dag_mellan(rng, t2 + 7 * DAG, RUTNAT[ks[j + 1]] - 7 * DAG)
                ny_enhet = sets[ks[j + 1]] - sets[k2]
                orsak = _kat(
                    rng,
                    {
                        "vidare": 0.6 if ny_enhet else 0.05,
                        "avbrott": 0.25,
                        "ovrigt": 0.2,
                        "okand": 0.08,
                        "arbete": 0.4 if p.tillstand[ks[j + 1]]["pagaende_arbete"] == "ja" else 0.04,
                        "studier": 0.04,
                        "annan_ersattning": 0.03,
                    },
                )
            elif per.slut is not None:
                slut = _dag_mellan(rng, max(t2 + DAG, per.slut - 75 * DAG), per.slut)
                orsak = INSATS_ORSAK_VID_AVSLUT[per.orsak]
                if orsak in ("ovrigt", "okand") and rng.random() < 0.4:
                    orsak = "avbrott"
            elif rng.random() < 0.3:
                slut = _dag_mellan(rng, t2 + 7 * DAG, SLUT - DAG)
                orsak = _kat(rng, {"avbrott": 0.3, "ovrigt": 0.3, "vidare": 0.2, "okand": 0.2})
            else:
                slut, orsak = None, None
            e = _ny_episod(rng, p, enhet, _remittent(rng, enhet, s), s, start, slut, orsak, golv)
            ut.append(e)
            i = j + 1

    # Between grid points: hand-backs to eb after eai (the loop eb → eai → eb), an eb
    # activity before an eai referral, and other short episodes no round sees.
    def ledig(a: dt.date, b: dt.date, upptagna: set, s: dict, fran_enhet: str | None = None):
        if (b - a).days < 50:
            return
        enhet = _kat(
            rng,
            {
                e: w
                for e, w in OSYNLIGA.items()
                if e not in upptagna
                and not (e == "region" and s["halsa"] not in ("bade", "psykisk", "fysisk"))
                and not (e == "vuxutb" and p.hushall.region == "sverige" and rng.random() < 0.5)
            },
        )
        start = _dag_mellan(rng, a + 5 * DAG, b - 45 * DAG)
        slut = _dag_mellan(rng, start + 14 * DAG, min(start + 120 * DAG, b - 2 * DAG))
        orsak = _kat(
            rng,
            {
                "vidare": 0.3,
                "avbrott": 0.15,
                "ovrigt": 0.2,
                "arbete": 0.1,
                "studier": 0.05,
                "okand": 0.1,
                "annan_ersattning": 0.05,
            },
        )
        fran = fran_enhet or _remittent(rng, enhet, s)
        ut.append(_ny_episod(rng, p, enhet, fran, s, start, slut, orsak, max(golv, a - 60 * DAG)))

    for a_k, b_k in itertools.pairwise(ks):
        a, b = RUTNAT[a_k], RUTNAT[b_k]
        s = p.tillstand[a_k]
        upptagna = sets[a_k] | sets[b_k]
        eai_slut = next((e for e in ut if e.till == "eai" and e.slut and a < e.slut < b), None)
        eai_start = next((e for e in ut if e.till == "eai" and e.start and a < e.start < b), None)
        if eai_slut is not None and "eb" not in upptagna and rng.random() < 0.5 and (b - eai_slut.slut).days > 40:
            eai_slut.orsak = "vidare"
            start = _dag_mellan(rng, eai_slut.slut + DAG, eai_slut.slut + 25 * DAG)
            slut = _dag_mellan(rng, start + 14 * DAG, min(start + 100 * DAG, b - 2 * DAG))
            orsak = _kat(rng, {"vidare": 0.3, "avbrott": 0.2, "ovrigt": 0.3, "okand": 0.2})
            ut.append(_ny_episod(rng, p, "eb", "eai", s, start, slut, orsak, eai_slut.slut))
        elif eai_start is not None and "eb" not in upptagna and rng.random() < 0.3 and (eai_start.remiss - a).days > 50:
            start = _dag_mellan(rng, a + 5 * DAG, eai_start.remiss - 40 * DAG)
            slut = _dag_mellan(rng, start + 14 * DAG, eai_start.remiss - DAG)
            ut.append(_ny_episod(rng, p, "eb", "eb", s, start, slut, "vidare", max(golv, a)))
            eai_start.fran = "eb"
        elif rng.random() < 0.3:
            ledig(a, b, upptagna, s)

    # Before the first grid point of the period, and after the last one.
    s0 = p.tillstand[ks[0]]
    forsta_start = min([e.start for e in ut if e.start is not None], default=RUTNAT[ks[0]])
    borjan = max(per.start, dt.date(2017, 1, 1))
    if rng.random() < (0.6 if ks[0] == 0 else 0.25):
        ledig(borjan, min(forsta_start, RUTNAT[ks[0]]), sets[ks[0]], s0)
    s_sista = p.tillstand[sista]
    if per.slut is not None:
        if rng.random() < 0.2:
            ledig(RUTNAT[sista], per.slut, sets[sista], s_sista)
    elif rng.random() < 0.35:
        # Referred but not yet started when the data end.
        fria = [e for e in OSYNLIGA if e not in sets[sista]]
        enhet = rng.choice(fria)
        remiss = _dag_mellan(rng, SLUT - 60 * DAG, SLUT - DAG)
        e = _Episod(
            p, enhet, _remittent(rng, enhet, s_sista), _insatstyp(rng, enhet, p, s_sista), remiss, None, None, None
        )
        ut.append(e)
    return ut


# --- helpers used above -------------------------------------------------------------------------


def _kat_tal(rng: random.Random, par: list[tuple[float, float]]) -> float:
    return rng.choices([v for v, _ in par], weights=[w for _, w in par])[0]


def _valj_personer(rng: random.Random, hushall: list[_Hushall], n: int, vikt=None) -> list[_Hushall]:
    """Households (of one or two adults) drawn in weighted random order until they hold
    exactly ``n`` persons."""
    nycklar = []
    for i, h in enumerate(hushall):
        w = 1.0 if vikt is None else float(vikt(h))
        nycklar.append((math.log(1.0 - rng.random()) / w, i))
    nycklar.sort(reverse=True)
    valda, kvar = [], n
    for _, i in nycklar:
        h = hushall[i]
        if len(h.personer) <= kvar:
            valda.append(h)
            kvar -= len(h.personer)
        if kvar == 0:
            return valda
    raise RuntimeError("demo: kunde inte välja hushåll med exakt antal personer")


# --- rows ---------------------------------------------------------------------------------------


def _bygg(fro: int) -> tuple[_Varld, dict]:
    v = _Varld(fro)
    v.startkohort()
    v.simulera()
    belopp = v.utbetalningar()
    _kontrollera_fonstret(v, belopp)
    return v, belopp


def _kontrollera_fonstret(v: _Varld, belopp: dict) -> None:
    """The seed's 2016–2019 finding holds (760 households, 109 in every month, 48 %)."""
    alla = {hh: [m for m, b in belopp[hh].items() if FONSTER[0] <= m <= FONSTER[1] and b > 0] for hh in v.hushall}
    i_fonstret = [hh for hh, ms in alla.items() if ms]
    hela = [hh for hh, ms in alla.items() if len(ms) == FONSTER[1] - FONSTER[0] + 1]
    andel = sum(_fonstersumma(belopp[hh]) for hh in hela) / sum(_fonstersumma(belopp[hh]) for hh in i_fonstret)
    if len(i_fonstret) != HUSHALL_I_FONSTRET or len(hela) != HELA_FONSTRET or abs(andel - KOSTNADSANDEL) > 0.002:
        raise RuntimeError(f"demo: 2016–2019 gav {len(i_fonstret)} hushåll, {len(hela)} hela tiden, andel {andel:.3f}")


def generera(fro: int = FRO) -> dict[str, list[dict]]:
    """The fictitious municipality, as rows of every entity of the exchange format.

    Parameters
    ----------
    fro : seed of the random generator; the same seed gives the same data.

    Returns
    -------
    dict
        entity -> rows, each a dict with exactly the columns ``koder.KOLUMNER[entity]``;
        values are Python values (str, int, ``datetime.date``, None for blank, a tuple of
        codes for multi-valued columns); rows sorted by the entity's key.
    """
    v, belopp = _bygg(fro)
    rng = v.rng

    # Ids: persons in order of first appearance, households by the start of their first
    # period (as a financial system numbers them), episodes by referral date.
    matda = [p for p in v.personer if any(k < ANTAL_OMGANGAR for k in p.tillstand)]
    ordning = sorted(matda, key=lambda p: (min(p.tillstand), rng.random()))
    for i, p in enumerate(ordning, 1):
        p.pid = f"P{i:04d}"
    med_betalning = [h for h in v.hushall if belopp[h]]
    hh_ordning = sorted(med_betalning, key=lambda h: (h.perioder[0].start, h.nr))
    bredd = max(4, len(str(len(hh_ordning))))
    for i, h in enumerate(hh_ordning, 1):
        h.hh_id = f"HH{i:0{bredd}d}"

    rader: dict[str, list[dict]] = {}
    rader["enhet"] = sorted(
        ({"enhet": e, "namn": n, "typ": t} for e, n, t in koder.STANDARDENHETER), key=lambda r: r["enhet"]
    )
    rader["person"] = sorted(
        (
            {
                "person_id": p.pid,
                "kon": p.kon,
                "fodelsear": p.fodelsear,
                "fodelseregion": p.hushall.region,
                "hushall_id": p.hushall.hh_id,
            }
            for p in matda
        ),
        key=lambda r: r["person_id"],
    )
    rader["matomgang"] = [
        {
            "omgang_id": _omgang_id(k),
            "datum": RUTNAT[k],
            "benamning": f"Mätning {MANADSNAMN[OMGANGAR[k][1] - 1]} {OMGANGAR[k][0]}",
        }
        for k in range(ANTAL_OMGANGAR)
    ]
    matning = []
    for p in matda:
        for k, s in p.tillstand.items():
            if k >= ANTAL_OMGANGAR:
                continue
            hs = p.hushall.tillstand[k]
            rad = {"omgang_id": _omgang_id(k), "person_id": p.pid}
            for kol in koder.KOLUMNER["matning"][2:]:
                if kol in hs:
                    rad[kol] = hs[kol]
                elif kol == "inskrivningsdatum":
                    rad[kol] = p.hushall.period_vid[k].start
                elif kol == "bistandsbelopp_kr":
                    rad[kol] = belopp[p.hushall][_mi_datum(RUTNAT[k])]
                else:
                    rad[kol] = s[kol]
            matning.append(rad)
    rader["matning"] = sorted(matning, key=lambda r: (r["omgang_id"], r["person_id"]))

    episoder = [e for p in sorted(matda, key=lambda p: p.pid) for e in _episoder(rng, p)]
    episoder.sort(key=lambda e: (e.remiss, e.person.pid, e.till))
    rader["insats"] = [
        {
            "insats_id": f"I{i:05d}",
            "person_id": e.person.pid,
            "insatstyp": e.typ,
            "fran_enhet": e.fran,
            "till_enhet": e.till,
            "remissdatum": e.remiss,
            "startdatum": e.start,
            "slutdatum": e.slut,
            "avslutsorsak": e.orsak,
        }
        for i, e in enumerate(episoder, 1)
    ]
    avslut = []
    for p in matda:
        for per in p.hushall.perioder:
            if per.slut is not None:
                avslut.append({"person_id": p.pid, "datum": per.slut, "orsak": per.orsak})
    rader["avslut"] = sorted(avslut, key=lambda r: (r["person_id"], r["datum"]))
    rader["utbetalning"] = sorted(
        (
            {"hushall_id": h.hh_id, "manad": _manad_text(m), "belopp_kr": b}
            for h in med_betalning
            for m, b in belopp[h].items()
        ),
        key=lambda r: (r["hushall_id"], r["manad"]),
    )
    return rader


def csv_filer(fro: int = FRO) -> list[tuple[str, bytes]]:
    """The demo as exchange-format CSV files: ``[("enhet.csv", bytes), …]`` in load order.

    Semicolon-separated, Windows-1252, CRLF: what a municipality's export looks like.
    """
    rader = generera(fro)
    return [(f"{entitet}.csv", csv_bytes(entitet, rader[entitet])) for entitet in koder.ENTITETER]


def skriv(katalog: Path | str = config.DEMO_DIR) -> None:
    """Write :func:`csv_filer` to ``katalog`` (``data/demo/`` by default)."""
    katalog = Path(katalog)
    katalog.mkdir(parents=True, exist_ok=True)
    for namn, data in csv_filer():
        (katalog / namn).write_bytes(data)


def ladda(engine):
    """Import the demo into ``engine`` through the ordinary importer and mark demo mode.

    Returns
    -------
    Importresultat
        The importer's result; on success the setting ``demolage`` is ``"ja"``.
    """
    from core import db, importer

    resultat = importer.importera(engine, csv_filer())
    if resultat.ok:
        with engine.begin() as conn:
            db.satt_installning(conn, "demolage", "ja")
    return resultat
