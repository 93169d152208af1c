"""Insatsflöden: who refers whom, to what, how long they wait, and how it ends.

Definitions (``produkt.md``, Measures; issue 14)
-----------------------------------------------
- **Period** — the episodes whose ``remissdatum`` falls in ``[fran, till]`` (both days
  included). The page's default is the twelve months up to the chosen round: ``fran`` is the
  day after the same date one year earlier, ``till`` the round's date. Every state is read *on
  the period's last day* ``till``: an episode that starts after ``till`` is still waiting.
- **Utfall** of an episode on ``till``: ``vantar`` (no ``startdatum``, or one after ``till``),
  ``pagar`` (started, no ``slutdatum`` on or before ``till``), else its ``avslutsorsak``
  (``saknas`` when ended without one).
- **Länk** (the referral matrix) — episodes from ``fran_enhet`` (who referred) to
  ``till_enhet`` (who delivers); a unit's referral to itself is the diagonal.
- **Väg** of a person — their episodes of the period in order (``remissdatum``, then
  ``startdatum``, then ``insats_id``), as steps: ``steg1`` … ``steg3`` the delivering unit of
  the 1st … 3rd episode; the step after the last episode is how it ended (``s_*``, see
  :data:`SLUTNODER`); a person with four or more episodes goes to ``fler`` ("fler steg") at
  step 4; after the end the step is ``ute`` (never drawn). So eb → eai → eb is a return.
- **Överlämning** — a change of delivering unit between consecutive episodes of one person
  (any two consecutive episodes, overlapping or on the same day); ``overlamningar`` per person
  is ``0``, ``1``, ``2`` or ``3+``; ``totalt`` the number of handovers.
- **Väntetid** — days from ``remissdatum`` to ``startdatum`` over the period's episodes that
  had started on ``till``: median, first and third quartile (linear interpolation, numpy's
  default), shown for a suppressed scope only when the number of started episodes is shown
  and at least the threshold (rule 4). **Väntande** — the episodes waiting on ``till``, with
  the days waited so far (``till − remissdatum``).

Protection
----------
For a suppressed scope every count comes from the release of :mod:`core.flodespopulation`'s
two populations: links, unit × insatstyp and outcomes from the episodes' layers, the flow
diagram from the chain of the persons' step variables (one layer, :mod:`core.kedja`), the
handovers from the persons' distribution. The period of a suppressed scope is the twelve
months up to a round (:func:`period_for_omgang`); free dates are for processledning/admin.
The total number of handovers is not released to a suppressed scope: with the per-person
distribution (``3+`` folded) it is a weighted sum that can pin hidden cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core import db, koder, skydd
from core.flodespopulation import (
    ALDER_KODER,
    KON_KODER,
    TYPKODER,
    RamPopulation,
    enheter,
    hamta_episoder,
)
from core.matt.profil import hamta_omgang
from core.omfang import BehorighetsFel, Omfang
from core.population import SAKNAS, Varspec

VANTAR, PAGAR = "vantar", "pagar"
UTFALL: dict[str, str] = {
    VANTAR: "Väntar på start",
    PAGAR: "Pågår",
    **koder.INSATS_AVSLUTSORSAK,
}
# How a path ends (the node after a person's last episode), from the last episode's utfall.
SLUTNODER: dict[str, str] = {
    "s_arbete": "Arbete",
    "s_studier": "Studier",
    "s_ersattning": "Annan ersättning",
    "s_avbrott": "Avbrott",
    "s_ovrigt": "Vidare, flytt, övrigt",
    "s_pagar": "Pågår eller väntar",
}
_SLUT_AV_UTFALL = {
    "arbete": "s_arbete",
    "studier": "s_studier",
    "annan_ersattning": "s_ersattning",
    "avbrott": "s_avbrott",
    VANTAR: "s_pagar",
    PAGAR: "s_pagar",
}
UTE, FLER = "ute", "fler"
STEG: tuple[str, ...] = ("steg1", "steg2", "steg3", "steg4")
STEGRUBRIK: dict[str, str] = {"steg1": "1:a insatsen", "steg2": "2:a", "steg3": "3:e", "steg4": "Sedan"}
OVERLAMNINGAR: dict[str, str] = {"0": "Ingen", "1": "En", "2": "Två", "3+": "Tre eller fler"}
KON: dict[str, str] = {"K": "Kvinnor", "M": "Män"}

FlodesFel = ValueError
# A suppressed scope combines at most one filter condition here: a flow's chain of cross-tabs
# over two dimensions is too costly to audit on a page (and rarely shows anything).
MAX_VILLKOR = 1
# (population key, threshold, filter dimensions) of requests whose layers the engine could not
# protect (each then shows nothing).
_OSKYDDBARA: dict[tuple, bool] = {}
OSKYDDBAR = (
    "Av röjandeskäl kan en del av siffrorna inte visas för det här urvalet (för få insatser att skydda); "
    "vidga urvalet eller perioden."
)


# --- periods and filters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days ``fran`` … ``till`` (both included)."""

    fran: dt.date
    till: dt.date

    def __post_init__(self):
        if self.fran > self.till:
            raise FlodesFel("Periodens första dag ligger efter dess sista.")


def period_for_omgang(engine: Engine, omgang_id: str) -> Period:
    """The twelve months up to the round's date: (date one year earlier + 1 day, date]."""
    d = hamta_omgang(engine, omgang_id).datum
    try:
        ett_ar = d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        ett_ar = d.replace(year=d.year - 1, day=28)
    return Period(ett_ar + dt.timedelta(days=1), d)


@dataclass(frozen=True)
class FlodesUrval:
    """A filter on the episodes: the person's sex and age band, the insatstyp (codes as text).

    The insatstyp filter applies to the episodes' tables; the flow diagram and the handovers
    describe whole paths and are always over every insatstyp.
    """

    kon: tuple[str, ...] = ()
    aldersgrupp: tuple[str, ...] = ()
    insatstyp: tuple[str, ...] = ()

    def villkor(self, med_typ: bool = True) -> dict[str, tuple[str, ...]]:
        ut = {"kon": self.kon, "aldersgrupp": self.aldersgrupp}
        if med_typ:
            ut["insatstyp"] = self.insatstyp
        return {k: v for k, v in ut.items() if v}


ALLA = FlodesUrval()


# --- pure derivations over episode frames ----------------------------------------------------


def _dag(v) -> dt.date | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def utfall(ep: pd.DataFrame, till: dt.date) -> pd.Series:
    """The :data:`UTFALL` code of each episode on ``till`` (``saknas``: ended without a reason)."""
    ut = []
    for start, slut, orsak in zip(ep["startdatum"], ep["slutdatum"], ep["avslutsorsak"], strict=True):
        start, slut = _dag(start), _dag(slut)
        if start is None or start > till:
            ut.append(VANTAR)
        elif slut is None or slut > till:
            ut.append(PAGAR)
        else:
            ut.append(orsak if isinstance(orsak, str) and orsak else SAKNAS)
    return pd.Series(ut, index=ep.index, dtype=object)


def aldersgrupp(fodelsear, till: dt.date) -> str:
    """The age band on ``till`` from a birth year (``saknas`` when blank or outside the bands)."""
    if fodelsear is None or pd.isna(fodelsear):
        return SAKNAS
    a = till.year - int(fodelsear)
    for kod, lo, hi in koder.ALDERSGRUPP_GRANSER:
        if lo <= a <= hi:
            return kod
    return SAKNAS


def ordnade(ep: pd.DataFrame) -> pd.DataFrame:
    """The episodes in path order: per person by ``remissdatum``, ``startdatum`` (blank
    last), ``insats_id``."""
    nyckel = ep.assign(_start=[_dag(s) or dt.date.max for s in ep["startdatum"]])
    return nyckel.sort_values(["person_id", "remissdatum", "_start", "insats_id"], kind="stable").drop(columns="_start")


def vagar(ep: pd.DataFrame, till: dt.date) -> pd.DataFrame:
    """Each person's path through the delivering units (see the module docstring).

    Parameters
    ----------
    ep : episodes with ``person_id, insats_id, till_enhet, remissdatum, startdatum,
        slutdatum, avslutsorsak``.
    till : the period's last day (states are read then).

    Returns
    -------
    DataFrame, one row per person: ``person_id, steg1 … steg4, overlamningar`` (codes),
    ``antal_episoder`` and ``n_overlamningar`` (ints).
    """
    kol = ["person_id", *STEG, "overlamningar", "antal_episoder", "n_overlamningar"]
    if ep.empty:
        return pd.DataFrame(columns=kol)
    o = ordnade(ep)
    o = o.assign(_utfall=utfall(o, till).to_numpy())
    rader = []
    for pid, g in o.groupby("person_id", sort=True):
        enh = list(g["till_enhet"])
        sista = _SLUT_AV_UTFALL.get(g["_utfall"].iloc[-1], "s_ovrigt")
        n = len(enh)
        steg = []
        for j in range(1, 4):
            steg.append(enh[j - 1] if n >= j else (sista if j == n + 1 else UTE))
        steg.append(FLER if n >= 4 else (sista if n == 3 else UTE))
        byten = sum(1 for a, b in zip(enh, enh[1:], strict=False) if a != b)
        rader.append((pid, *steg, "3+" if byten >= 3 else str(byten), n, byten))
    return pd.DataFrame(rader, columns=kol)


def overlamnas(ep: pd.DataFrame) -> pd.Series:
    """Per episode: ``True`` when the person's next episode (path order) is delivered by
    another unit — the handovers *from* each unit."""
    o = ordnade(ep)
    nasta = o.groupby("person_id", sort=False)["till_enhet"].shift(-1)
    return (nasta.notna() & (nasta != o["till_enhet"])).reindex(ep.index)


def kvartiler(dagar) -> tuple[float, float, float] | None:
    """(q1, median, q3) of a sequence of day counts, or None when empty."""
    a = np.asarray(list(dagar), dtype=float)
    if a.size == 0:
        return None
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    return float(q1), float(med), float(q3)


# --- the two populations ----------------------------------------------------------------------


def _episodram(ep: pd.DataFrame, till: dt.date) -> pd.DataFrame:
    """The episode population's frame: dimensions and variables as codes."""
    return pd.DataFrame(
        {
            "kon": [k if k in ("K", "M") else SAKNAS for k in ep["kon"]],
            "aldersgrupp": [aldersgrupp(f, till) for f in ep["fodelsear"]],
            "insatstyp": [str(int(t)) for t in ep["insatstyp"]],
            "fran_enhet": list(ep["fran_enhet"]),
            "till_enhet": list(ep["till_enhet"]),
            "utfall": list(utfall(ep, till)),
        },
        index=ep.index,
    )


def _vagram(ep: pd.DataFrame, till: dt.date) -> pd.DataFrame:
    v = vagar(ep, till)
    if v.empty:
        return pd.DataFrame(columns=["person_id", "kon", "aldersgrupp", *STEG, "overlamningar"])
    personer = ep.drop_duplicates("person_id").set_index("person_id")
    v["kon"] = [k if k in ("K", "M") else SAKNAS for k in personer.loc[v["person_id"], "kon"]]
    v["aldersgrupp"] = [aldersgrupp(f, till) for f in personer.loc[v["person_id"], "fodelsear"]]
    return v


def stegkoder(enh: tuple[str, ...], steg: str) -> tuple[str, ...]:
    """The codes a step variable can take (without ``saknas``)."""
    slut = tuple(SLUTNODER)
    if steg == "steg1":
        return enh
    if steg == "steg4":
        return (*slut, FLER, UTE)
    return (*enh, *slut, UTE)


@dataclass
class Data:
    """The period's episodes, read once, and the two populations over them."""

    period: Period
    enheter: tuple[str, ...]
    episoder: pd.DataFrame
    ep_pop: RamPopulation
    vag_pop: RamPopulation


def _data(engine: Engine, period: Period) -> Data:
    version = db.dataversion(engine)
    enh = enheter(engine)
    ep = hamta_episoder(engine, period.fran, period.till)
    fr, ti = period.fran.isoformat(), period.till.isoformat()
    dims = {"kon": KON_KODER, "aldersgrupp": ALDER_KODER}
    ep_pop = RamPopulation(
        ("insatsepisoder", str(engine.url), fr, ti, version, enh),
        {**dims, "insatstyp": TYPKODER},
        {
            "fran_enhet": Varspec("fran_enhet", enh),
            "till_enhet": Varspec("till_enhet", enh),
            "utfall": Varspec("utfall", tuple(UTFALL)),
        },
        lambda: _episodram(ep, period.till),
    )
    vag_pop = RamPopulation(
        ("insatsvagar", str(engine.url), fr, ti, version, enh),
        dict(dims),
        {
            **{s: Varspec(s, stegkoder(enh, s)) for s in STEG},
            "overlamningar": Varspec("overlamningar", tuple(OVERLAMNINGAR)),
        },
        lambda: _vagram(ep, period.till),
    )
    return Data(period, enh, ep, ep_pop, vag_pop)


# --- reading counts: the release, or raw ------------------------------------------------------


class _Vy:
    """Counts of one population for one group, as the scope may see them (None: hidden)."""

    def n(self) -> int | None:  # pragma: no cover - interface
        raise NotImplementedError

    def fordelning(self, v: str, kodord) -> dict[str, int | None]:  # pragma: no cover
        raise NotImplementedError

    def kors(self, v1: str, k1, v2: str, k2) -> dict[tuple[str, str], int | None]:  # pragma: no cover
        raise NotImplementedError

    def lankar(self, steg, kodord: dict) -> dict[tuple, int | None]:  # pragma: no cover
        raise NotImplementedError


class _RaVy(_Vy):
    """Unprotected: counted from the population's frame, narrowed by the filter."""

    def __init__(self, pop: RamPopulation, villkor: dict[str, tuple[str, ...]]):
        df = pop.ram
        for d, val in villkor.items():
            df = df[df[d].isin(val)]
        self.df = df

    def n(self):
        return len(self.df)

    def fordelning(self, v, kodord):
        s = self.df[v].value_counts()
        return {k: int(s.get(k, 0)) for k in kodord}

    def kors(self, v1, k1, v2, k2):
        s = self.df.groupby([v1, v2]).size()
        return {(a, b): int(s.get((a, b), 0)) for a in k1 for b in k2}

    def lankar(self, steg, kodord):
        ut = {}
        for v1, v2 in zip(steg, steg[1:], strict=False):
            for (a, b), n in self.kors(v1, kodord[v1], v2, kodord[v2]).items():
                ut[(v1, a, b)] = n
        return ut


class _SkyddadVy(_Vy):
    """Protected: read off the release of the population (rule 9), the group checked (rule 7)."""

    def __init__(self, pop: RamPopulation, villkor: dict[str, tuple[str, ...]]):
        from core import frislapp

        self.fr = frislapp.Frislapp(pop)
        self.vagrad: str | None = None
        self.fel: str | None = None
        self.villkor = villkor
        try:
            if len(villkor) > MAX_VILLKOR:
                raise frislapp.FrislappFel(
                    "Av röjandeskäl visar Insatsflöden ett villkor i taget (kön, åldersgrupp eller insatstyp) för din roll."
                )
            self.g = frislapp.grupp(villkor, pop)
            self.vagrad = frislapp.vagran(self.fr, self.g)
        except frislapp.FrislappFel as e:
            self.g, self.vagrad = None, str(e)

    def n(self):
        from core import utsnitt

        return self._las(lambda: utsnitt.gruppstorlek(self.fr, self.g), lambda: None)

    def _las(self, fn, tomt):
        """A view of the release; a layer the engine cannot protect shows nothing (said once)."""
        from core import revision

        if self.vagrad:
            return tomt()
        nyckel = (self.fr.pop.nyckel, self.fr.troskel, tuple(sorted(self.villkor)))
        if nyckel in _OSKYDDBARA:
            self.fel = OSKYDDBAR
            return tomt()
        try:
            return fn()
        except revision.RevisionsFel:
            # remembered, so the same request does not run the audit to its end again
            _OSKYDDBARA[nyckel] = True
            while len(_OSKYDDBARA) > 200:
                _OSKYDDBARA.pop(next(iter(_OSKYDDBARA)))
            self.fel = OSKYDDBAR
            return tomt()

    def fordelning(self, v, kodord):
        from core import utsnitt

        return self._las(
            lambda: dict(
                zip(kodord, utsnitt.antal(self.fr, self.g, [utsnitt.Fraga(v, k) for k in kodord]), strict=True)
            ),
            lambda: dict.fromkeys(kodord),
        )

    def kors(self, v1, k1, v2, k2):
        from core import utsnitt

        return self._las(
            lambda: utsnitt.korsceller(self.fr, self.g, v1, k1, v2, k2),
            lambda: {(a, b): None for a in k1 for b in k2},
        )

    def lankar(self, steg, kodord):
        from core import kedja

        par = list(zip(steg, steg[1:], strict=False))
        return self._las(
            lambda: kedja.lankar(self.fr, self.g, steg, kodord),
            lambda: {(v1, a, b): None for v1, v2 in par for a in kodord[v1] for b in kodord[v2]},
        )


def _vy(pop: RamPopulation, villkor: dict, skyddad: bool) -> _Vy:
    return _SkyddadVy(pop, villkor) if skyddad else _RaVy(pop, villkor)


def _blocka(fn, fel_till: list[str]):
    """Run one block's reading; a request the release refuses becomes the block's message."""
    from core import frislapp

    try:
        return fn()
    except frislapp.FrislappFel as e:
        fel_till.append(str(e))
        return None


# --- the page's figures -------------------------------------------------------------------------


@dataclass
class Floden:
    """Everything the page shows for one period, group and scope.

    Frames (``n`` nullable Int64, None where hidden; ``skyddad`` bool):

    - ``noder``: ``steg, kod, etikett, n, skyddad`` — the flow diagram's nodes (``ute`` left out).
    - ``steglankar``: ``steg, fran, till, n, skyddad`` — its links (``steg`` is the source's step).
    - ``lankar``: ``fran_enhet, till_enhet, n, skyddad`` — the referral matrix (episodes).
    - ``matris_insatstyp``: ``enhet, insatstyp, n, skyddad``; ``typer_utan_utforare``: the
      insatstyper no unit delivered in the period (column total shown as 0).
    - ``overlamningar``: ``kategori, grupp (alla/K/M), n, andel, skyddad`` (persons).
    - ``overlamningar_per_enhet``: ``enhet, kategori, n, skyddad`` (by the first episode's unit).
    - ``vantetid``: ``niva (enhet/insatstyp), kod, startade, median, q1, q3, skyddad``.
    - ``avslut``: ``niva (alla/enhet/insatstyp/kon), kod, utfall, n, skyddad`` (episodes).
    """

    period: Period
    urval: FlodesUrval
    skyddad: bool
    enheter: tuple[str, ...]
    n_episoder: int | None
    n_personer: int | None
    noder: pd.DataFrame
    steglankar: pd.DataFrame
    lankar: pd.DataFrame
    matris_insatstyp: pd.DataFrame
    typer_utan_utforare: list[str]
    overlamningar: pd.DataFrame
    overlamningar_per_enhet: pd.DataFrame
    overlamningar_totalt: int | None
    personer_med_overlamning: int | None
    vantetid: pd.DataFrame
    vantetid_alla: dict
    vantande: dict
    avslut: pd.DataFrame
    vagrad_episoder: str | None = None
    vagrad_personer: str | None = None
    meddelanden: list[str] = field(default_factory=list)


def _int(v):
    return pd.array(v, dtype="Int64")


def _ram(rader: list[dict], kol: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rader, columns=kol)
    if "n" in df:
        df["n"] = _int(list(df["n"]))
        df["skyddad"] = df["n"].isna()
    return df


def etikett(kod: str, enhetsnamn: dict[str, str] | None = None) -> str:
    """The Swedish label of a unit, a path end, an utfall or an insatstyp code."""
    if enhetsnamn and kod in enhetsnamn:
        return enhetsnamn[kod]
    if kod in SLUTNODER:
        return SLUTNODER[kod]
    if kod == FLER:
        return "Fler steg"
    if kod in UTFALL:
        return UTFALL[kod]
    if kod == SAKNAS:
        return koder.SAKNAS_ETIKETT
    return kod


def floden(
    engine: Engine,
    omfang: Omfang,
    period: Period,
    urval: FlodesUrval = ALLA,
    *,
    export: bool = False,
) -> Floden:
    """The figures of Insatsflöden for a period and filter, through disclosure control.

    Parameters
    ----------
    omfang : the caller's scope (suppressed on screen for politiker/medarbetare; in
        exports, ``export=True``, unless processledning/admin chose otherwise).
    period : the episodes' referral days.
    urval : sex, age band, insatstyp.

    Returns
    -------
    :class:`Floden`.
    """
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    _kontrollera_urval(urval)
    data = _data(engine, period)
    enh = data.enheter
    meddelanden: list[str] = []
    ev = _vy(data.ep_pop, urval.villkor(True), skyddad)
    pv = _vy(data.vag_pop, urval.villkor(False), skyddad)
    vagrad_e = getattr(ev, "vagrad", None)
    vagrad_p = getattr(pv, "vagrad", None)
    t = skydd.troskel()

    # the flow diagram: nodes per step and links between steps (persons)
    kodord = {s: stegkoder(enh, s) for s in STEG}
    nodrader = []
    for s in STEG:
        for k, n in pv.fordelning(s, kodord[s]).items():
            if k != UTE:
                nodrader.append({"steg": s, "kod": k, "n": n})
    noder = _ram(nodrader, ["steg", "kod", "n"])
    stegl = _blocka(lambda: pv.lankar(STEG, kodord), meddelanden) or {}
    steglankar = _ram(
        [
            {"steg": v, "fran": a, "till": b, "n": n}
            for (v, a, b), n in stegl.items()
            if a not in (UTE, *SLUTNODER) and b != UTE and not (n == 0)
        ],
        ["steg", "fran", "till", "n"],
    )

    # the referral matrix (episodes)
    k = _blocka(lambda: ev.kors("fran_enhet", enh, "till_enhet", enh), meddelanden) or {}
    lankar = _ram(
        [{"fran_enhet": a, "till_enhet": b, "n": n} for (a, b), n in k.items()], ["fran_enhet", "till_enhet", "n"]
    )

    # unit x insatstyp
    typer = urval.insatstyp or TYPKODER
    m = _blocka(lambda: ev.kors("till_enhet", enh, "insatstyp", typer), meddelanden) or {}
    matris = _ram([{"enhet": a, "insatstyp": b, "n": n} for (a, b), n in m.items()], ["enhet", "insatstyp", "n"])
    typsumma = ev.fordelning("insatstyp", typer) if not vagrad_e else dict.fromkeys(typer)
    utan = [typ for typ in typer if typsumma.get(typ) == 0]

    # handovers per person, by sex and by the first unit
    kat = tuple(OVERLAMNINGAR)
    alla = pv.fordelning("overlamningar", kat)
    n_pers = pv.n()
    orader = [{"kategori": c, "grupp": "alla", "n": v} for c, v in alla.items()]
    kk = _blocka(lambda: pv.kors("overlamningar", kat, "kon", ("K", "M")), meddelanden) or {}
    orader += [{"kategori": c, "grupp": g, "n": v} for (c, g), v in kk.items()]
    over = _ram(orader, ["kategori", "grupp", "n"])
    nk = pv.fordelning("kon", ("K", "M")) if not vagrad_p else {"K": None, "M": None}
    bas = {"alla": n_pers, **nk}
    over["andel"] = [
        float(n) / bas[g] if not pd.isna(n) and bas.get(g) else float("nan")
        for n, g in zip(over["n"], over["grupp"], strict=True)
    ]
    pe = _blocka(lambda: pv.kors("steg1", enh, "overlamningar", kat), meddelanden) or {}
    over_enhet = _ram([{"enhet": a, "kategori": c, "n": v} for (a, c), v in pe.items()], ["enhet", "kategori", "n"])
    med_over = None if alla.get("0") is None or n_pers is None else n_pers - alla["0"]
    if med_over is not None and skyddad and skydd.ar_litet(med_over, t):
        med_over = None
    totalt = None
    if not skyddad:
        vr = _RaVy(data.vag_pop, urval.villkor(False)).df
        totalt = int(vr["n_overlamningar"].sum()) if not vr.empty else 0

    # waiting time and outcomes (episodes)
    utf = tuple(UTFALL) + (SAKNAS,)
    ep = data.episoder
    er = data.ep_pop.ram
    valda = _RaVy(data.ep_pop, urval.villkor(True)).df.index if not er.empty else pd.Index([])
    ep_val = ep.loc[valda] if len(valda) else ep.iloc[0:0]
    er_val = er.loc[valda] if len(valda) else er.iloc[0:0]
    startade_mask = er_val["utfall"] != VANTAR if not er_val.empty else pd.Series([], dtype=bool)
    dagar = pd.Series(
        [
            None if _dag(s) is None else (_dag(s) - _dag(r)).days
            for s, r in zip(ep_val["startdatum"], ep_val["remissdatum"], strict=True)
        ]
        if not ep_val.empty
        else [],
        index=ep_val.index,
        dtype=object,
    )
    vrader = []
    avrader = []
    fu_enhet = _blocka(lambda: ev.kors("till_enhet", enh, "utfall", utf), meddelanden) or {}
    fu_typ = _blocka(lambda: ev.kors("utfall", utf, "insatstyp", typer), meddelanden) or {}
    fu_kon = _blocka(lambda: ev.kors("utfall", utf, "kon", ("K", "M")), meddelanden) or {}
    fu_alla = ev.fordelning("utfall", utf)
    n_ep = ev.n()
    marg_enhet = ev.fordelning("till_enhet", enh)
    for niva, koder_, marg, kors, kol in (
        ("enhet", enh, marg_enhet, fu_enhet, "till_enhet"),
        ("insatstyp", typer, typsumma, {(b, a): v for (a, b), v in fu_typ.items()}, "insatstyp"),
    ):
        for kod in koder_:
            n_alla, n_vant = marg.get(kod), kors.get((kod, VANTAR))
            startade = None if n_alla is None or n_vant is None else n_alla - n_vant
            mask = (er_val[kol] == kod) & startade_mask if not er_val.empty else startade_mask
            kv = kvartiler(dagar[mask]) if len(mask) else None
            visas = startade is not None and kv is not None and not (skyddad and startade < t)
            vrader.append(
                {
                    "niva": niva,
                    "kod": kod,
                    "startade": startade,
                    "q1": kv[0] if visas else None,
                    "median": kv[1] if visas else None,
                    "q3": kv[2] if visas else None,
                }
            )
            for u in utf:
                avrader.append({"niva": niva, "kod": kod, "utfall": u, "n": kors.get((kod, u))})
    for u in utf:
        avrader.append({"niva": "alla", "kod": "alla", "utfall": u, "n": fu_alla.get(u)})
        for kon in ("K", "M"):
            avrader.append({"niva": "kon", "kod": kon, "utfall": u, "n": fu_kon.get((u, kon))})
    vantetid = pd.DataFrame(vrader, columns=["niva", "kod", "startade", "q1", "median", "q3"])
    vantetid["startade"] = _int(list(vantetid["startade"]))
    # hidden: the number of started episodes, or the statistics over too few of them (rule 4)
    vantetid["skyddad"] = (
        vantetid["startade"].isna() | (vantetid["median"].isna() & (vantetid["startade"] > 0))
    ).astype(bool)
    avslut = _ram(avrader, ["niva", "kod", "utfall", "n"])

    n_vant = fu_alla.get(VANTAR)
    startade_alla = None if n_ep is None or n_vant is None else n_ep - n_vant
    kv = kvartiler(dagar[startade_mask]) if len(startade_mask) else None
    visas = startade_alla is not None and kv is not None and not (skyddad and startade_alla < t)
    vantetid_alla = {
        "n": startade_alla,
        "q1": kv[0] if visas else None,
        "median": kv[1] if visas else None,
        "q3": kv[2] if visas else None,
    }
    vantar_dagar = [
        (period.till - _dag(r)).days
        for r, u in zip(ep_val["remissdatum"], er_val["utfall"], strict=True)
        if u == VANTAR
    ]
    vmed = float(np.median(vantar_dagar)) if vantar_dagar else None
    vantande = {
        "n": n_vant,
        "median_dagar": vmed if n_vant is not None and not (skyddad and n_vant < t) else None,
    }
    return Floden(
        period=period,
        urval=urval,
        skyddad=skyddad,
        enheter=enh,
        n_episoder=n_ep,
        n_personer=n_pers,
        noder=noder,
        steglankar=steglankar,
        lankar=lankar,
        matris_insatstyp=matris,
        typer_utan_utforare=utan,
        overlamningar=over,
        overlamningar_per_enhet=over_enhet,
        overlamningar_totalt=totalt,
        personer_med_overlamning=med_over,
        vantetid=vantetid,
        vantetid_alla=vantetid_alla,
        vantande=vantande,
        avslut=avslut,
        vagrad_episoder=vagrad_e,
        vagrad_personer=vagrad_p,
        meddelanden=list(
            dict.fromkeys([*meddelanden, *(x for x in (getattr(ev, "fel", None), getattr(pv, "fel", None)) if x)])
        ),
    )


def _kontrollera_urval(urval: FlodesUrval) -> None:
    fel = [k for k in urval.kon if k not in KON_KODER]
    fel += [k for k in urval.aldersgrupp if k not in ALDER_KODER]
    fel += [k for k in urval.insatstyp if k not in TYPKODER]
    if fel:
        raise FlodesFel(f"Okänd kod i urvalet: {', '.join(fel)}")


# --- the list of waiting persons ----------------------------------------------------------------


def vantande_lista(engine: Engine, omfang: Omfang, period: Period) -> pd.DataFrame:
    """The episodes waiting on the period's last day, one row each (a person list).

    Processledning and admin get every unit's; a medarbetare the episodes their own unit is
    to deliver; politiker never (raises :class:`BehorighetsFel`). The caller audits the view.

    Returns
    -------
    DataFrame ``insats_id, person_id, insatstyp, fran_enhet, till_enhet, remissdatum,
    vantat_dagar``, longest wait first.
    """
    if not omfang.ser_personer:
        raise BehorighetsFel("Din roll får inte se personlistor.")
    ep = hamta_episoder(engine, period.fran, period.till)
    kol = ["insats_id", "person_id", "insatstyp", "fran_enhet", "till_enhet", "remissdatum", "vantat_dagar"]
    if ep.empty:
        return pd.DataFrame(columns=kol)
    ep = ep[utfall(ep, period.till) == VANTAR]
    if not omfang.ser_alla_personer:
        ep = ep[ep["till_enhet"] == omfang.enhet]
    ep = ep.assign(vantat_dagar=[(period.till - _dag(r)).days for r in ep["remissdatum"]])
    return ep.sort_values(["vantat_dagar", "insats_id"], ascending=[False, True])[kol].reset_index(drop=True)


# --- the report (``python -m core report floden``) ----------------------------------------------


def _n_eller_none(v):
    return None if v is None or pd.isna(v) else int(v)


def _cell(n, bas=None) -> dict:
    n = _n_eller_none(n)
    andel = float(n) / bas if n is not None and bas else None
    return {"n": n, "andel": andel, "skyddad": n is None}


def rapport_data(engine: Engine, omfang: Omfang, period: Period, urval: FlodesUrval = ALLA) -> dict:
    """The report's JSON (issue 14): what :func:`floden` shows, with ``skydd`` at the top.

    Reports are exports: suppressed unless processledning/admin chose otherwise.
    """
    f = floden(engine, omfang, period, urval, export=True)
    alla = f.overlamningar[f.overlamningar["grupp"] == "alla"]
    avslut = f.avslut[f.avslut["niva"] == "alla"]
    return {
        "fran": period.fran.isoformat(),
        "till": period.till.isoformat(),
        "skydd": f.skyddad,
        "urval": {"kon": list(urval.kon), "aldersgrupp": list(urval.aldersgrupp), "insatstyp": list(urval.insatstyp)},
        "episoder": _n_eller_none(f.n_episoder),
        "personer": _n_eller_none(f.n_personer),
        "lankar": [
            {"fran": r.fran_enhet, "till": r.till_enhet, "n": _n_eller_none(r.n), "skyddad": bool(r.skyddad)}
            for r in f.lankar.itertuples()
        ],
        "steg": [
            {"steg": r.steg, "fran": r.fran, "till": r.till, "n": _n_eller_none(r.n), "skyddad": bool(r.skyddad)}
            for r in f.steglankar.itertuples()
        ],
        "matris_insatstyp": [
            {"enhet": r.enhet, "insatstyp": r.insatstyp, "n": _n_eller_none(r.n), "skyddad": bool(r.skyddad)}
            for r in f.matris_insatstyp.itertuples()
        ],
        "insatstyper_utan_utforare": f.typer_utan_utforare,
        "overlamningar": {
            "personer": f.personer_med_overlamning,
            "totalt": f.overlamningar_totalt,
            "per_person": {r.kategori: _cell(r.n, f.n_personer) for r in alla.itertuples()},
        },
        "vantetid_dagar": {k: f.vantetid_alla[k] for k in ("median", "q1", "q3", "n")},
        "vantande": dict(f.vantande),
        "avslut": {r.utfall: _cell(r.n, f.n_episoder) for r in avslut.itertuples()},
        **({"vagrad": f.vagrad_episoder or f.vagrad_personer} if f.vagrad_episoder or f.vagrad_personer else {}),
    }


def rapport_csv(data: dict) -> str:
    """The report's links and matrices as one semicolon CSV (Swedish Excel): ``tabell;fran;till;n``."""
    rader = ["tabell;fran;till;n"]
    for r in data["lankar"]:
        rader.append(f"lank;{r['fran']};{r['till']};{'' if r['n'] is None else r['n']}")
    for r in data["steg"]:
        rader.append(f"{r['steg']};{r['fran']};{r['till']};{'' if r['n'] is None else r['n']}")
    for r in data["matris_insatstyp"]:
        rader.append(f"insatstyp;{r['enhet']};{r['insatstyp']};{'' if r['n'] is None else r['n']}")
    return "\ufeff" + "\r\n".join(rader) + "\r\n"


# --- the review pack (core/rapportpaket.py) -------------------------------------------------------

KORT_TYP: dict[int, str] = {
    1: "Arbetsträning",
    2: "Jobbsök/coachning",
    3: "Studier",
    4: "Matchning",
    5: "Praktik",
    6: "Anst.stöd m. funktionsneds.",
    7: "Anst.stöd u. funktionsneds.",
    8: "Kommunal anställning",
    9: "Feriejobb",
    10: "Språk/SFI",
    11: "Validering",
    12: "Samordning",
}


def kortnamn(namn: str) -> str:
    """A unit's name for nodes and column heads: without its parenthesis and without a leading
    "Enheten för" (``Arbete och integration``)."""
    kort = namn.split(" (")[0]
    if kort.startswith("Enheten för "):
        kort = kort[len("Enheten för ") :]
        kort = kort[:1].upper() + kort[1:]
    return kort


def etiketter(engine: Engine) -> dict[str, str]:
    """Every code the page names: units (short names), path ends, utfall, insatstyper."""
    from sqlalchemy import select

    from core.models import Enhet

    with engine.connect() as conn:
        namn = dict(conn.execute(select(Enhet.enhet, Enhet.namn)).all())
    ut = {**SLUTNODER, FLER: "Fler steg", **UTFALL, SAKNAS: koder.SAKNAS_ETIKETT}
    ut |= {str(k): f"{k} {v}" for k, v in KORT_TYP.items()}
    ut |= {k: kortnamn(v or k) for k, v in namn.items()}
    return ut


def _matris(celler: pd.DataFrame, rad: str, kolumn: str, et: dict[str, str], rubrik: str) -> pd.DataFrame:
    rader = list(dict.fromkeys(celler[rad]))
    kolumner = list(dict.fromkeys(celler[kolumn]))
    idx = {
        (str(a), str(b)): (None if s else int(n))
        for a, b, n, s in celler[[rad, kolumn, "n", "skyddad"]].itertuples(index=False)
    }
    ut = {rubrik: [et.get(str(r), str(r)) for r in rader]}
    for k in kolumner:
        ut[et.get(str(k), str(k))] = [idx[(str(r), str(k))] for r in rader]
    return pd.DataFrame(ut)


def rapportsektion(engine: Engine, omfang: Omfang, omgang_id: str):
    """The review pack's section: the twelve months up to the round, as the page shows them
    with ``export=True`` (protected unless processledning/admin chose otherwise)."""
    from core import charts, text
    from core.rapportpaket import Sektion, Tabell

    period = period_for_omgang(engine, omgang_id)
    f = floden(engine, omfang, period, export=True)
    et = etiketter(engine)
    meningar = [
        f"Insatser med remiss {text.datum(period.fran)}–{text.datum(period.till)}: "
        f"{text.tal(f.n_episoder, skyddad=f.n_episoder is None)} insatser för "
        f"{text.antal_personer(f.n_personer, skyddad=f.n_personer is None)}; "
        f"{text.tal(f.personer_med_overlamning, skyddad=f.personer_med_overlamning is None)} personer bytte "
        "utförande enhet minst en gång."
    ]
    v = f.vantetid_alla
    if v["median"] is not None:
        meningar.append(
            f"Väntetiden från remiss till start var i median {text.tal(v['median'])} dagar "
            f"(kvartiler {text.tal(v['q1'])}–{text.tal(v['q3'])})."
        )
    if f.typer_utan_utforare:
        meningar.append(
            "Ingen enhet gav insatstyp "
            + ", ".join(f"{t} ({koder.INSATSTYP[int(t)]})" for t in f.typer_utan_utforare)
            + " under perioden."
        )
    sek = Sektion("Insatsflöden", meningar)
    steg = {"steg1": "1 → 2", "steg2": "2 → 3", "steg3": "3 → sedan"}
    sek.tabeller.append(
        Tabell(
            "Flödet: personer från en insats till nästa",
            pd.DataFrame(
                {
                    "Steg": [steg[s] for s in f.steglankar["steg"]],
                    "Från": [et.get(k, k) for k in f.steglankar["fran"]],
                    "Till": [et.get(k, k) for k in f.steglankar["till"]],
                    "Personer": [
                        None if s else int(n) for n, s in zip(f.steglankar["n"], f.steglankar["skyddad"], strict=True)
                    ],
                }
            ),
            antal=("Personer",),
        )
    )
    rem = _matris(f.lankar, "fran_enhet", "till_enhet", et, "Remitterande enhet")
    sek.tabeller.append(
        Tabell("Remisser: remitterande × utförande enhet (insatser)", rem, antal=tuple(rem.columns[1:]))
    )
    typ = _matris(f.matris_insatstyp, "enhet", "insatstyp", et, "Utförande enhet")
    sek.tabeller.append(Tabell("Utförande enhet × insatstyp (insatser)", typ, antal=tuple(typ.columns[1:])))
    o = f.overlamningar[f.overlamningar["grupp"] == "alla"]
    sek.tabeller.append(
        Tabell(
            "Överlämningar per person",
            pd.DataFrame(
                {
                    "Överlämningar": [OVERLAMNINGAR[k] for k in o["kategori"]],
                    "Personer": [None if s else int(n) for n, s in zip(o["n"], o["skyddad"], strict=True)],
                    "Andel": [
                        None if s or pd.isna(a) else float(a) for a, s in zip(o["andel"], o["skyddad"], strict=True)
                    ],
                }
            ),
            andelar=("Andel",),
            antal=("Personer",),
        )
    )
    vt = f.vantetid[(f.vantetid["niva"] == "enhet") & (f.vantetid["startade"].isna() | (f.vantetid["startade"] > 0))]
    sek.tabeller.append(
        Tabell(
            "Väntetid från remiss till start per utförande enhet (dagar)",
            pd.DataFrame(
                {
                    "Utförande enhet": [et.get(k, k) for k in vt["kod"]],
                    "Startade insatser": [None if pd.isna(n) else int(n) for n in vt["startade"]],
                    "Median": [
                        None if s or pd.isna(m) else float(m) for m, s in zip(vt["median"], vt["skyddad"], strict=True)
                    ],
                    "Första kvartil": [
                        None if s or pd.isna(m) else float(m) for m, s in zip(vt["q1"], vt["skyddad"], strict=True)
                    ],
                    "Tredje kvartil": [
                        None if s or pd.isna(m) else float(m) for m, s in zip(vt["q3"], vt["skyddad"], strict=True)
                    ],
                }
            ),
            antal=("Startade insatser",),
        )
    )
    sek.diagram.append(
        charts.flodesdiagram(
            f.noder,
            f.steglankar,
            et,
            [*f.enheter, *SLUTNODER, FLER],
            list(STEG),
            {"steg1": "1:a insatsen", "steg2": "2:a insatsen", "steg3": "3:e insatsen", "steg4": "Sedan"},
            titel="Hur går personerna mellan enheterna?",
            hojd=420,
        ).properties(width=640)
    )
    return sek


# --- the benchmark (the lead wires these into core/bench.py) --------------------------------------


def _bench(roll: str, urval: FlodesUrval = ALLA):
    def anrop(engine, omgang_id):
        from core import frislapp

        frislapp.rensa_cache()  # cold: the release is built as after an import
        return floden(engine, Omfang(roll), period_for_omgang(engine, omgang_id), urval)

    return anrop


BENCH_ANROP = [
    ("Insatsflöden: allt, politiker (kallt)", _bench("politiker")),
    ("Insatsflöden: kvinnor, politiker (kallt)", _bench("politiker", FlodesUrval(kon=("K",)))),
    ("Insatsflöden: insatstyp 1, politiker (kallt)", _bench("politiker", FlodesUrval(insatstyp=("1",)))),
    ("Insatsflöden: allt, admin", _bench("admin")),
    ("Insatsflöden: kvinnor, admin", _bench("admin", FlodesUrval(kon=("K",)))),
]
