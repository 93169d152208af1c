"""Jämställdhet: women and men side by side, within the same barrier group, honestly.

Definitions (produkt.md, "Jämställdhet"; issue 13):

- The group is the round's persons narrowed by the filter (:class:`core.matt.profil.Urval`);
  the page splits it itself by sex, so the filter's own ``kon`` is not used. ``K`` are the
  women, ``M`` the men, ``saknas`` the persons whose sex is blank: counted and shown as such,
  never dropped (they are in every denominator of "all").
- **Indicators**: every code of every variable of the profile (``kon`` and the derived
  ``alder`` aside: ``alder`` only repeats age bands), blanks (``saknas``) included; the key
  figures of Översikt that are not already such a code (``andel_1ar``: at least 12 months on
  assistance; ``andel_pagaende_insats``: any ongoing intervention; ``andel_avslut_arbete_studier``:
  closures since the previous round to work or studies, of all closures, for the whole process);
  and the interventions open on the round's date (``core.population.INSATSVARIABLER``: any
  work-near type — SKR 1, 5, 6, 7, 8 — each SKR type, an intervention since the start of
  assistance). For each, ``n`` persons with it of ``bas`` in the sex group, ``andel`` =
  ``n / bas``.
- ``skillnad_pp`` = (women's share − men's share) × 100; ``ki_pp`` its 95 % interval
  (Newcomb, :func:`core.statistik.skillnad_ki`) in percentage points; ``p_varde`` the two-sided
  Fisher exact test on ``[[n_K, bas_K − n_K], [n_M, bas_M − n_M]]``; ``p_justerat`` adjusted over
  every indicator that could be tested, by :data:`JUSTERING` (Benjamini–Hochberg). An indicator is "för få för
  att pröva" when no table with its margins could reach 5 % (:func:`core.statistik.provbar`).
- **Interventions within a barrier group**: for each ``arbetshinder`` code, each ``halsa`` code
  and each age band, the share of the women and of the men in that stratum with a work-near
  intervention open on the round's date (and, for unprotected scopes, with each SKR type); a
  Fisher test of the work-near share per stratum (adjusted per stratum variable by the same
  method); and the Mantel–Haenszel odds ratio of a work-near intervention, women against men,
  over the ``halsa`` codes and over the age bands (disjoint strata; ``arbetshinder`` codes
  overlap — one person can have several — so they are tested one by one, not pooled).
- **By sex**: persons; median and quartiles of completed months on assistance (of those with a
  known date) and of completed months from ``inskrivningsdatum`` to the first intervention started
  since then (of those who have had one); share with a plan; children at home; single parents;
  closures since the previous round and their share to work or studies (whole process,
  read off Översikt).

Disclosure control: for a suppressed scope every count is read off the round's release
(:mod:`core.utsnitt`): the sex groups are ``S``/``F`` with the dimension ``kon`` (the women/men
split is one linked set), the barrier strata are ``P(arbetshinder, arbetsnara, {kon})`` and
``P(arbetsnara, halsa, {kon})``, the age strata ``F({kon, aldersgrupp})`` (on request:
:func:`aldersstrata`). Per-type rows within strata are for unprotected scopes only: for a
suppressed scope the layer ``P(arbetshinder, insatstyp, {kon})`` costs ~25 s to audit and would
show little but "dolt". A share, a difference, an interval or a test is computed only
from shown counts (a test needs all four numbers of its table shown); a median only over a shown
count of at least the threshold. Sentences use only shown, adjusted results.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, literal, select

from core import db, koder, revision, skydd, statistik, text
from core.matt.profil import ALLA, OmgangInfo, Urval, hamta_omgang, kontrollera_enhet, visningskoder
from core.omfang import Omfang
from core.population import INSATSTYPER, NAGON, SAKNAS

KON: tuple[str, ...] = ("K", "M", SAKNAS)
KON_NAMN = {"K": "kvinnor", "M": "män", SAKNAS: "kön saknas"}
JSON_KON = {"K": "kvinnor", "M": "man", SAKNAS: "saknas"}
# Benjamini–Hochberg (false discovery rate). Holm would also do, but statsmodels' Holm branch
# ends with a full gc.collect(), seconds in a large server process, for every family.
JUSTERING = "bh"
JUSTERING_TEXT = (
    "Många jämförelser görs på en gång, så några skulle se betydelsefulla ut av en slump. "
    "P-värdena är därför justerade med Benjamini–Hochbergs metod: bland de skillnader som sägs "
    "sällan uppstå av en slump är högst var tjugonde (5 %) att vänta som ett slumpfynd."
)

STRATA: dict[str, str] = {"arbetshinder": "Arbetshinder", "halsa": "Hälsa", "aldersgrupp": "Åldersgrupp"}
# Computed with the page; the age bands (a two-dimension layer for suppressed scopes) on request.
HUVUDSTRATA: tuple[str, ...] = ("arbetshinder", "halsa")
# The strata that do not overlap, over which the Mantel–Haenszel summary pools.
MH_STRATA: tuple[str, ...] = ("halsa", "aldersgrupp")
ARBETSNARA = "arbetsnara"  # the row "any work-near type" in the strata table

INSATSER_GRUPP = "Insatser på mätdagen (SKR-typ)"
ARBETSNARA_ETIKETT = "Har en arbetsnära insats (SKR 1, 5–8)"
NAGON_ETIKETT = {"pagaende_insats": "Någon pågående insats"}


@dataclass(frozen=True)
class Indikator:
    """One indicator: the persons with ``kod`` of ``variabel`` (a tuple: any of the codes)."""

    id: str
    etikett: str
    variabel: str
    kod: str | tuple[str, ...]
    grupp: str  # heading: the variable's label, or "Nyckeltal"


def insatsetikett(kod: str) -> str:
    """The Swedish label of an SKR type code (text), e.g. ``"1"``."""
    return f"{koder.INSATSTYP[int(kod)]} (SKR {kod})"


def indikatorer(engine: Engine) -> list[Indikator]:
    """Every indicator of the page, in display order (see the module docstring)."""
    ut = [
        Indikator("andel_1ar", "Minst 1 år med försörjningsstöd", "inskrivningstid", ("1-2", "2-3", "3+"), "Nyckeltal"),
        Indikator("andel_pagaende_insats", NAGON_ETIKETT["pagaende_insats"], "pagaende_insats", NAGON, "Nyckeltal"),
    ]
    for v, var in koder.VARIABLER.items():
        if v in ("kon", "alder"):
            continue
        for kod, etikett in visningskoder(engine, v).items():
            ut.append(Indikator(f"{v}:{kod}", etikett, v, kod, var.etikett))
    # the interventions open on the round's date (never insatstyp's "any" or "ingen": see
    # core.population on why only these codes are shown)
    ut.append(Indikator("arbetsnara:ja", ARBETSNARA_ETIKETT, "arbetsnara", "ja", INSATSER_GRUPP))
    for kod in INSATSTYPER:
        ut.append(Indikator(f"insatstyp:{kod}", insatsetikett(kod), "insatstyp", kod, INSATSER_GRUPP))
    ut.append(
        Indikator("forsta_insats:ja", "Har fått en insats sedan inskrivningen", "forsta_insats", "ja", INSATSER_GRUPP)
    )
    return ut


def strata_koder(engine: Engine, stratum: str) -> dict[str, str]:
    """The codes of a stratum variable with labels (``saknas`` included)."""
    return visningskoder(engine, stratum)


def insatsrader(per_typ: bool) -> list[tuple[str, str, str]]:
    """``(id, variable, code)`` of the rows of the strata table: any work-near type, then (for
    unprotected scopes) every SKR type in number order."""
    rader = [(ARBETSNARA, "arbetsnara", "ja")]
    if per_typ:
        rader += [(kod, "insatstyp", kod) for kod in INSATSTYPER]
    return rader


# --- counting: one interface over the release (suppressed) and raw SQL (unprotected) ---------


class _Skyddad:
    """Counts as a suppressed scope sees them, read off the round's release."""

    def __init__(self, engine: Engine, omgang: OmgangInfo, urval: Urval):
        from core import frislapp, utsnitt
        from core.matt.profil import frislapp_for

        self.fr = frislapp_for(engine, omgang.omgang_id)
        self.utsnitt = utsnitt
        self.frislapp = frislapp
        self.g0 = utsnitt.grupp_for_urval(self.fr.pop, urval)
        if len(set(self.g0.dims) | {"kon"}) > frislapp.MAX_DIMENSIONER:
            raise frislapp.FrislappFel(
                "Av röjandeskäl kan kvinnor och män bara jämföras när urvalet har högst ett villkor "
                "(utöver kön, som sidan delar upp på själv)."
            )
        self.vagrad = frislapp.vagran(self.fr, self.g0)
        self.grupper = {k: self.g0.med("kon", (k,)) for k in KON}
        if self.vagrad is None:
            for k in ("K", "M"):
                if frislapp.vagran(self.fr, self.grupper[k]) and frislapp.storlek(self.fr, self.grupper[k]) != 0:
                    self.vagrad = (
                        f"Urvalet har så få {KON_NAMN[k]} (eller lämnar så få utanför) att kvinnor och män "
                        "inte kan jämföras utan att enskilda personer kan räknas fram."
                    )

    def storlekar(self) -> dict[str, int | None]:
        return {k: self.utsnitt.gruppstorlek(self.fr, g) for k, g in self.grupper.items()}

    def antal(self, fragor: list[tuple[str, str | tuple]]) -> dict[str, list[int | None]]:
        F = self.utsnitt.Fraga
        return {k: self.utsnitt.antal(self.fr, g, [F(v, kod) for v, kod in fragor]) for k, g in self.grupper.items()}

    def strata_tillatna(self, stratum: str) -> str | None:
        # Only the whole round split by sex (the layers P(·, ·, {kon}) and F({kon, aldersgrupp})):
        # a filter would need a two-dimension cross-tab layer, which is costly and which the
        # engine cannot always protect.
        if set(self.g0.dims) - {stratum}:
            return (
                f"Av röjandeskäl visas uppdelningen per {STRATA[stratum].lower()} bara utan urval "
                "i sidopanelen (eller med ett urval på just den)."
            )
        return None

    def korsceller(self, stratum: str, skoder: list[str], v: str, vkoder: list[str]) -> dict[str, dict]:
        return {k: self.utsnitt.korsceller(self.fr, self.grupper[k], stratum, skoder, v, vkoder) for k in ("K", "M")}


class _Oskyddad:
    """Raw counts in SQL for the unprotected scopes (processledning/admin on screen)."""

    def __init__(self, engine: Engine, omgang: OmgangInfo, urval: Urval):
        from core import population
        from core.matt import profil

        self.engine = engine
        self.pop = population.omgang_population(engine, omgang.omgang_id)
        self.g = profil.grupp(omgang, urval).subquery("g")
        self.vagrad = None
        self._cache: dict = {}

    def _kon(self):
        return func.coalesce(self.g.c.kon, literal(SAKNAS))

    def storlekar(self) -> dict[str, int | None]:
        ut = dict.fromkeys(KON, 0)
        with self.engine.connect() as conn:
            kon = self._kon()  # one expression object: PostgreSQL matches GROUP BY by its parameters
            for k, n in conn.execute(select(kon, func.count()).group_by(kon)).all():
                ut[k if k in ut else SAKNAS] += int(n)
        return ut

    def _koder(self, v: str):
        """Subquery ``(person_id, kod)`` of a variable, one row per (person, code)."""
        if v in self.pop.dimensionsvariabler:
            kol = func.coalesce(self.g.c[v], literal(SAKNAS))
            return select(self.g.c.person_id, kol.label("kod")).subquery()
        return self.pop._koder(self.pop.variabler[v])

    def _fordelning(self, v: str, stratum: str | None = None) -> dict[tuple, int]:
        """``{(kon, [stratum code,] code): persons}`` in the group."""
        nyckel = (v, stratum)
        if nyckel not in self._cache:
            k = self._koder(v)
            kol = [self._kon()]
            fran = self.g.join(k, k.c.person_id == self.g.c.person_id)
            if stratum is not None:
                s = self._koder(stratum)
                fran = fran.join(s, s.c.person_id == self.g.c.person_id)
                kol.append(s.c.kod)
            kol.append(k.c.kod)
            ut: dict[tuple, int] = {}
            with self.engine.connect() as conn:
                for r in conn.execute(select(*kol, func.count()).select_from(fran).group_by(*kol)).all():
                    nk = tuple(str(x) for x in r[:-1])
                    ut[nk] = ut.get(nk, 0) + int(r[-1])
            self._cache[nyckel] = ut
        return self._cache[nyckel]

    def antal(self, fragor: list[tuple[str, str | tuple]]) -> dict[str, list[int | None]]:
        ut: dict[str, list[int | None]] = {k: [] for k in KON}
        for v, kod in fragor:
            fd = self._fordelning(v)
            kods = kod if isinstance(kod, tuple) else (kod,)
            for k in KON:
                ut[k].append(sum(fd.get((k, x), 0) for x in kods))
        return ut

    def strata_tillatna(self, stratum: str) -> str | None:
        return None

    def korsceller(self, stratum: str, skoder: list[str], v: str, vkoder: list[str]) -> dict[str, dict]:
        fd = self._fordelning(v, stratum)
        return {k: {(s, x): fd.get((k, s, x), 0) for s in skoder for x in vkoder} for k in ("K", "M")}


# --- the result --------------------------------------------------------------------------------


@dataclass
class Jamstalldhet:
    """The Jämställdhet page for one round and filter, after disclosure control.

    Attributes
    ----------
    storlek : persons per sex (``K``, ``M``, ``saknas``), None where hidden.
    indikatorer : one row per indicator: ``indikator, etikett, grupp, variabel, kod``;
        per sex ``n_K, bas_K, andel_K, n_M, bas_M, andel_M, n_saknas, bas_saknas`` (Int64 /
        float, <NA>/NaN where hidden); ``skillnad_pp, ki_lag_pp, ki_hog_pp, p_varde, p_justerat``
        (NaN where not tested); ``provbar`` (bool), ``slutsats`` (Swedish).
    strata : one row per stratum and intervention row: ``stratum`` (the variable),
        ``stratumkod, stratumetikett, insats, insatsetikett``, the same per-sex columns (women
        and men), ``skillnad_pp``; the work-near rows also ``p_varde, p_justerat, provbar,
        slutsats``.
    mantel_haenszel : per pooled stratum variable: ``{"oddskvot", "ki", "p", "strata",
        "utelamnade", "mening"}`` or None (too few shown numbers).
    per_kon : the by-sex figures: ``matt, etikett, typ`` and ``K, M, saknas`` (value or None)
        with ``K_skyddad`` …; ``typ`` is ``antal``, ``andel`` or ``manader``; medians carry
        ``K_q1, K_q3`` ….
    meningar : the largest gaps that survive the adjustment, in plain Swedish.
    """

    omgang: OmgangInfo
    urval: Urval
    skyddad: bool
    justering: str
    storlek: dict[str, int | None]
    indikatorer: pd.DataFrame
    strata: pd.DataFrame
    mantel_haenszel: dict[str, dict | None]
    per_kon: pd.DataFrame
    meningar: list[str] = field(default_factory=list)
    vagrad: str | None = None
    strata_vagrad: dict[str, str] = field(default_factory=dict)


def _andel(n: int | None, bas: int | None) -> float | None:
    if n is None or bas is None or bas == 0:
        return None
    return n / bas


def _jamfor(nk, bk, nm, bm, *, prova: bool = True) -> dict:
    """Difference, interval and raw test of women against men, from shown numbers only."""
    rad = {"skillnad_pp": None, "ki_lag_pp": None, "ki_hog_pp": None, "p_varde": None, "provbar": False, "dold": False}
    if None in (nk, bk, nm, bm):
        rad["dold"] = True
        return rad
    if bk == 0 or bm == 0:
        return rad
    rad["skillnad_pp"] = (nk / bk - nm / bm) * 100
    lo, hi = statistik.skillnad_ki(nk, bk, nm, bm)
    rad["ki_lag_pp"], rad["ki_hog_pp"] = lo * 100, hi * 100
    if prova and statistik.provbar(nk, bk, nm, bm):
        rad["provbar"] = True
        rad["p_varde"] = statistik.fisher(nk, bk - nk, nm, bm - nm)[1]
    return rad


def _justera(rader: list[dict]) -> None:
    """Adjust the raw p-values of the testable rows in place and write the verdict."""
    idx = [i for i, r in enumerate(rader) if r["provbar"]]
    justerade = statistik.justera([rader[i]["p_varde"] for i in idx], JUSTERING)
    for r in rader:
        r["p_justerat"] = None
    for i, p in zip(idx, justerade, strict=True):
        rader[i]["p_justerat"] = p
    for r in rader:
        r["slutsats"] = statistik.slutsats(r["p_justerat"], r["provbar"], r["dold"])


def _ramverk(rader: list[dict], heltal: list[str], andelar: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rader)
    for c in heltal:
        df[c] = pd.array(list(df[c]), dtype="Int64")
    for c in andelar:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df.drop(columns=["dold"], errors="ignore")


def jamstalldhet(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    urval: Urval = ALLA,
    *,
    export: bool = False,
) -> Jamstalldhet:
    """Women and men side by side for the round and filter, through disclosure control.

    Parameters
    ----------
    omfang : suppression on screen for politiker/medarbetare, in exports (``export=True``)
        unless processledning/admin chose otherwise.
    omgang_id : the round.
    urval : the filter; its ``kon`` is not used (the page splits by sex itself).

    Returns
    -------
    :class:`Jamstalldhet`

    Raises
    ------
    ProfilFel
        Unknown round or unit.
    """
    from core import frislapp

    omgang = hamta_omgang(engine, omgang_id)
    for e in (*urval.enhet, *urval.ej_enhet):
        kontrollera_enhet(engine, e)
    urval = replace(urval, kon=())
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    inds = indikatorer(engine)
    try:
        r = _Skyddad(engine, omgang, urval) if skyddad else _Oskyddad(engine, omgang, urval)
        vagrad = r.vagrad
    except frislapp.FrislappFel as e:
        r, vagrad = None, str(e)
    if vagrad:
        return _tom(engine, omgang, urval, skyddad, inds, vagrad)

    storlek = r.storlekar()
    fragor = [(i.variabel, i.kod) for i in inds if i.id != "andel_avslut_arbete_studier"]
    svar = r.antal(fragor)
    rader = []
    for j, ind in enumerate(inds):
        nk, nm, ns = (svar[k][j] for k in KON)
        bk, bm, bs = (storlek[k] for k in KON)
        rad = {
            "indikator": ind.id,
            "etikett": ind.etikett,
            "grupp": ind.grupp,
            "variabel": ind.variabel,
            "kod": ind.kod if isinstance(ind.kod, str) else "|".join(ind.kod),
            "n_K": nk,
            "bas_K": bk,
            "andel_K": _andel(nk, bk),
            "n_M": nm,
            "bas_M": bm,
            "andel_M": _andel(nm, bm),
            "n_saknas": ns,
            "bas_saknas": bs,
            "andel_saknas": _andel(ns, bs),
        }
        rad.update(_jamfor(nk, bk, nm, bm))
        rader.append(rad)
    from core.matt import oversikt

    ov = oversikt.oversikt(engine, omfang, omgang_id, export=export).tabell.set_index("matt")
    rader.extend(_avslutsrader(ov))
    _justera(rader)
    per_sex = ["n_K", "bas_K", "n_M", "bas_M", "n_saknas", "bas_saknas"]
    andelar = ["andel_K", "andel_M", "andel_saknas", "skillnad_pp", "ki_lag_pp", "ki_hog_pp", "p_varde", "p_justerat"]
    ind_df = _ramverk(rader, per_sex, andelar)

    strata_df, strata_vagrad = _strata(engine, r, HUVUDSTRATA, per_typ=not skyddad)
    mh = {s: _mantel_haenszel(strata_df, s) for s in MH_STRATA if s in HUVUDSTRATA and s not in strata_vagrad}
    per_kon = _per_kon(engine, omgang, urval, r, storlek, skyddad, ov)
    res = Jamstalldhet(
        omgang=omgang,
        urval=urval,
        skyddad=skyddad,
        justering=JUSTERING,
        storlek=storlek,
        indikatorer=ind_df,
        strata=strata_df,
        mantel_haenszel=mh,
        per_kon=per_kon,
        strata_vagrad=strata_vagrad,
    )
    res.meningar = meningar(res)
    return res


def _tom(engine, omgang, urval, skyddad, inds, vagrad) -> Jamstalldhet:
    """The page's shape with every figure hidden (a group that may not be shown)."""
    rader = [
        {
            "indikator": i.id,
            "etikett": i.etikett,
            "grupp": i.grupp,
            "variabel": i.variabel,
            "kod": i.kod if isinstance(i.kod, str) else "|".join(i.kod),
            **{f"{c}_{k}": None for k in KON for c in ("n", "bas", "andel")},
            **_jamfor(None, None, None, None),
        }
        for i in inds
    ]
    _justera(rader)
    ind_df = _ramverk(
        rader,
        ["n_K", "bas_K", "n_M", "bas_M", "n_saknas", "bas_saknas"],
        ["andel_K", "andel_M", "andel_saknas", "skillnad_pp", "ki_lag_pp", "ki_hog_pp", "p_varde", "p_justerat"],
    )
    return Jamstalldhet(
        omgang=omgang,
        urval=urval,
        skyddad=skyddad,
        justering=JUSTERING,
        storlek=dict.fromkeys(KON),
        indikatorer=ind_df,
        strata=pd.DataFrame(columns=_STRATA_KOLUMNER),
        mantel_haenszel={},
        per_kon=pd.DataFrame(columns=["matt", "etikett", "typ", *KON]),
        vagrad=vagrad,
    )


def _avslutsrader(t: pd.DataFrame) -> list[dict]:
    """The closures to work or studies by sex (whole process), read off Översikt's table."""
    if "avslut" not in t.index:
        return []

    def varde(matt, kol):
        v = t.loc[matt, kol]
        return None if bool(t.loc[matt, f"{kol}_skyddad"]) or v is None or pd.isna(v) else v

    bk, bm = varde("avslut", "kvinnor"), varde("avslut", "man")
    ak, am = varde("andel_avslut_arbete_studier", "kvinnor"), varde("andel_avslut_arbete_studier", "man")
    if bk is None and bm is None and not bool(t.loc["avslut", "skyddad"]) and pd.isna(t.loc["avslut", "varde"]):
        return []  # the first round: no previous round, no closures to speak of
    nk = None if bk is None or ak is None else int(round(ak * bk))
    nm = None if bm is None or am is None else int(round(am * bm))
    bk = None if bk is None else int(bk)
    bm = None if bm is None else int(bm)
    rad = {
        "indikator": "andel_avslut_arbete_studier",
        "etikett": "Avslut till arbete eller studier (hela processen)",
        "grupp": "Nyckeltal",
        "variabel": "avslut",
        "kod": "arbete|studier",
        "n_K": nk,
        "bas_K": bk,
        "andel_K": _andel(nk, bk),
        "n_M": nm,
        "bas_M": bm,
        "andel_M": _andel(nm, bm),
        "n_saknas": None,
        "bas_saknas": None,
        "andel_saknas": None,
    }
    rad.update(_jamfor(nk, bk, nm, bm))
    return [rad]


# --- interventions within the same barrier group ------------------------------------------------

_STRATA_KOLUMNER = [
    "stratum", "stratumkod", "stratumetikett", "insats", "insatsetikett",
    "n_K", "bas_K", "andel_K", "n_M", "bas_M", "andel_M",
    "skillnad_pp", "ki_lag_pp", "ki_hog_pp", "p_varde", "p_justerat", "provbar", "slutsats",
]  # fmt: skip


def _strata(engine: Engine, r, strata: tuple[str, ...], per_typ: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """The strata rows (see :class:`Jamstalldhet`); each stratum variable's work-near tests
    are adjusted as one family."""
    rader: list[dict] = []
    vagrad: dict[str, str] = {}
    insatser = insatsrader(per_typ)
    for stratum in strata:
        hinder = r.strata_tillatna(stratum)
        if hinder:
            vagrad[stratum] = hinder
            continue
        skoder = strata_koder(engine, stratum)
        koder_ = [k for k in skoder if k != SAKNAS] if stratum == "arbetshinder" else list(skoder)
        if stratum == "arbetshinder":
            koder_ = [k for k in koder_ if k != "inga"] + ["inga"]
        baser = r.antal([(stratum, k) for k in koder_])
        celler: dict[str, dict] = {"K": {}, "M": {}}
        try:
            for v in dict.fromkeys(vv for _i, vv, _k in insatser):
                vkoder = [kod for _i, vv, kod in insatser if vv == v]
                for k, c in r.korsceller(stratum, koder_, v, vkoder).items():
                    celler[k].update({(s, v, x): n for (s, x), n in c.items()})
        except revision.RevisionsFel:
            vagrad[stratum] = f"Uppdelningen per {STRATA[stratum].lower()} kan inte röjandeskyddas för det här urvalet."
            continue
        for j, s in enumerate(koder_):
            bk, bm = baser["K"][j], baser["M"][j]
            for iid, v, kod in insatser:
                nk, nm = celler["K"][(s, v, kod)], celler["M"][(s, v, kod)]
                rad = {
                    "stratum": stratum,
                    "stratumkod": s,
                    "stratumetikett": skoder[s],
                    "insats": iid,
                    "insatsetikett": ARBETSNARA_ETIKETT if iid == ARBETSNARA else insatsetikett(kod),
                    "n_K": nk,
                    "bas_K": bk,
                    "andel_K": _andel(nk, bk),
                    "n_M": nm,
                    "bas_M": bm,
                    "andel_M": _andel(nm, bm),
                }
                # only the work-near share is tested, per stratum
                rad.update(_jamfor(nk, bk, nm, bm, prova=iid == ARBETSNARA))
                rader.append(rad)
    for stratum in strata:
        _justera([x for x in rader if x["insats"] == ARBETSNARA and x["stratum"] == stratum])
    for x in rader:
        if x["insats"] != ARBETSNARA:
            x["p_justerat"], x["slutsats"] = None, ""
    if not rader:
        return pd.DataFrame(columns=_STRATA_KOLUMNER), vagrad
    df = _ramverk(
        rader,
        ["n_K", "bas_K", "n_M", "bas_M"],
        ["andel_K", "andel_M", "skillnad_pp", "ki_lag_pp", "ki_hog_pp", "p_varde", "p_justerat"],
    )
    return df[_STRATA_KOLUMNER], vagrad


def aldersstrata(
    engine: Engine, omfang: Omfang, omgang_id: str, urval: Urval = ALLA, *, export: bool = False
) -> tuple[pd.DataFrame, dict | None, str | None]:
    """The age-band strata, computed on request (for a suppressed scope they read the
    two-dimension layer ``F({kon, aldersgrupp})``).

    Returns
    -------
    ``(strata, mantel_haenszel, vagrad)``: rows as :attr:`Jamstalldhet.strata` for
    ``stratum == "aldersgrupp"``, the pooled summary over the age bands (or None), and why
    the split may not be shown (or None).
    """
    from core import frislapp

    omgang = hamta_omgang(engine, omgang_id)
    urval = replace(urval, kon=())
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    try:
        r = _Skyddad(engine, omgang, urval) if skyddad else _Oskyddad(engine, omgang, urval)
        vagrad = r.vagrad
    except frislapp.FrislappFel as e:
        vagrad = str(e)
    if vagrad:
        return pd.DataFrame(columns=_STRATA_KOLUMNER), None, vagrad
    df, hinder = _strata(engine, r, ("aldersgrupp",), per_typ=not skyddad)
    if hinder:
        return df, None, hinder["aldersgrupp"]
    return df, _mantel_haenszel(df, "aldersgrupp"), None


def _mantel_haenszel(strata: pd.DataFrame, stratum: str) -> dict | None:
    """The pooled odds ratio of a work-near intervention, women against men, over the
    stratum's shown tables (a stratum with a hidden number is left out and counted)."""
    d = strata[(strata["stratum"] == stratum) & (strata["insats"] == ARBETSNARA)]
    tabeller, utelamnade = [], 0
    for rad in d.itertuples():
        varden = [rad.n_K, rad.bas_K, rad.n_M, rad.bas_M]
        if any(v is pd.NA or pd.isna(v) for v in varden):
            utelamnade += 1
            continue
        nk, bk, nm, bm = (int(v) for v in varden)
        tabeller.append([[nk, bk - nk], [nm, bm - nm]])
    mh = statistik.mantel_haenszel(tabeller)
    if mh is None:
        return None
    ut = {
        "oddskvot": mh.oddskvot,
        "ki": list(mh.ki),
        "p": mh.p,
        "p_homogenitet": mh.p_homogenitet,
        "strata": mh.strata,
        "utelamnade": utelamnade,
    }
    ut["mening"] = mh_mening(ut, stratum)
    return ut


def mh_mening(mh: dict, stratum: str) -> str:
    """The Mantel–Haenszel result in one sentence a committee member understands."""
    inom = {"aldersgrupp": "i samma åldersgrupp", "halsa": "med samma hälsosituation"}[stratum]
    o = mh["oddskvot"]
    lo, hi = mh["ki"]
    ki = f"95 % konfidensintervall {text.tal(lo, 2)}–{text.tal(hi, 2)}"
    if mh["p"] < statistik.ALFA:
        riktning = "mindre" if o < 1 else "större"
        return (
            f"När kvinnor och män {inom} jämförs är chansen (oddsen) för en kvinna att ha en arbetsnära "
            f"insats {text.tal(o, 2)} gånger en mans, alltså {riktning} ({ki}); "
            f"{statistik.SALLAN_SLUMP}."
        )
    return (
        f"När kvinnor och män {inom} jämförs är oddsen för en kvinna att ha en arbetsnära insats "
        f"{text.tal(o, 2)} gånger en mans ({ki}); skillnaden {statistik.KAN_VARA_SLUMP}."
    )


# --- by sex: times, plans, families ----------------------------------------------------------


def _manadsfordelningar(engine: Engine, omgang: OmgangInfo, urval: Urval) -> dict[str, dict[str, dict[int, int]]]:
    """Raw frequency tables ``{matt: {kon: {months: persons}}}`` for the group: months on
    assistance (known date) and months to the first intervention since inskrivning."""
    from core.matt import profil
    from core.models import Insats

    g = profil.grupp(omgang, urval).subquery("g")
    kon = func.coalesce(g.c.kon, literal(SAKNAS))
    ut: dict[str, dict[str, dict[int, int]]] = {"tid": {k: {} for k in KON}, "forsta": {k: {} for k in KON}}
    forsta = (
        select(g.c.person_id.label("pid"), func.min(Insats.startdatum).label("start"))
        .join(Insats, Insats.person_id == g.c.person_id)
        .where(
            Insats.startdatum.is_not(None),
            Insats.startdatum >= g.c.inskrivningsdatum,
            Insats.startdatum <= omgang.datum,
        )
        .group_by(g.c.person_id)
        .subquery("forsta")
    )
    man_forsta = db.hela_manader(g.c.inskrivningsdatum, forsta.c.start)
    with engine.connect() as conn:
        for k, m, n in conn.execute(
            select(kon, g.c.inskrivningstid_man, func.count())
            .where(g.c.inskrivningstid_man.is_not(None))
            .group_by(kon, g.c.inskrivningstid_man)
        ).all():
            ut["tid"][k][int(m)] = ut["tid"][k].get(int(m), 0) + int(n)
        for k, m, n in conn.execute(
            select(kon, man_forsta, func.count())
            .select_from(g.join(forsta, forsta.c.pid == g.c.person_id))
            .group_by(kon, man_forsta)
        ).all():
            ut["forsta"][k][int(m)] = ut["forsta"][k].get(int(m), 0) + int(n)
    return ut


PER_KON: list[tuple[str, str, str]] = [
    ("personer", "Personer", "antal"),
    ("tid", "Månader med försörjningsstöd (median)", "manader"),
    ("forsta", "Månader till första insatsen (median)", "manader"),
    ("handlingsplan", "Har handlingsplan", "andel"),
    ("barn", "Har hemmavarande barn", "andel"),
    ("ensamstaende", "Ensamstående med barn", "andel"),
    ("arbetsnara", "Har en arbetsnära insats (SKR 1, 5–8)", "andel"),
    ("avslut", "Avslut sedan förra mätningen (hela processen)", "antal"),
    ("avslut_as", "Avslut till arbete eller studier (hela processen)", "andel"),
]


def _per_kon(engine, omgang, urval, r, storlek, skyddad, ov: pd.DataFrame) -> pd.DataFrame:
    t = skydd.troskel()
    fordelningar = _manadsfordelningar(engine, omgang, urval)
    svar = r.antal(
        [
            ("inskrivningstid", SAKNAS),
            ("forsta_insats", "ja"),
            ("handlingsplan", "ja"),
            ("hemmavarande_barn", "ja"),
            ("hushallstyp", "ensam_med_barn"),
            ("arbetsnara", "ja"),
        ]
    )
    rader = {m: {"matt": m, "etikett": e, "typ": typ} for m, e, typ in PER_KON}
    for k in KON:
        n = storlek[k]
        tid_saknas, forsta_ja, plan, barn, ensam, arbn = svar[k]
        rader["personer"][k] = n
        kand = None if n is None or tid_saknas is None else n - tid_saknas
        for matt, bas in (("tid", kand), ("forsta", forsta_ja)):
            visas = bas is not None and (not skyddad or not skydd.ar_litet(bas, t)) and bas > 0
            q = statistik.kvartiler(fordelningar[matt][k]) if visas else None
            rader[matt][k] = None if q is None else q[1]
            rader[matt][f"{k}_q1"] = None if q is None else q[0]
            rader[matt][f"{k}_q3"] = None if q is None else q[2]
            rader[matt][f"{k}_bas"] = bas
            rader[matt][f"{k}_skyddad"] = skyddad and (bas is None or (bas > 0 and skydd.ar_litet(bas, t)))
        for matt, x in (("handlingsplan", plan), ("barn", barn), ("ensamstaende", ensam), ("arbetsnara", arbn)):
            rader[matt][k] = _andel(x, n)
            rader[matt][f"{k}_skyddad"] = x is None or n is None
        rader["personer"][f"{k}_skyddad"] = n is None
    for matt, ovm in (("avslut", "avslut"), ("avslut_as", "andel_avslut_arbete_studier")):
        for k, kol in (("K", "kvinnor"), ("M", "man")):
            v = ov.loc[ovm, kol] if ovm in ov.index else None
            rader[matt][k] = None if v is None or pd.isna(v) else float(v)
            rader[matt][f"{k}_skyddad"] = bool(ov.loc[ovm, f"{kol}_skyddad"]) if ovm in ov.index else False
        rader[matt][SAKNAS] = None
        rader[matt][f"{SAKNAS}_skyddad"] = False
    return pd.DataFrame(list(rader.values()))


# --- sentences -------------------------------------------------------------------------------------

MAX_MENINGAR = 4


def meningar(res: Jamstalldhet) -> list[str]:
    """The largest gaps that survive the adjustment, in plain Swedish, largest first; then the
    interventions within the same barrier groups and their stratified summary. Built only from
    shown figures (a tested indicator has all four of its numbers shown)."""
    ut: list[str] = []
    d = res.indikatorer
    sakra = d[(d["p_justerat"] < statistik.ALFA) & d["skillnad_pp"].notna()]
    # unknowns and blanks are data quality, not a difference in support; "nej" mirrors "ja"
    sakra = sakra[~sakra["kod"].isin([SAKNAS, "okand", "oklart", "ej_klarlagt", "nej", "ingen"])]
    sakra = sakra.reindex(sakra["skillnad_pp"].abs().sort_values(ascending=False).index)
    for rad in sakra.head(MAX_MENINGAR).itertuples():
        storre = "kvinnorna" if rad.skillnad_pp > 0 else "männen"
        ut.append(
            f"{_mening_etikett(rad)}: {text.procent(rad.andel_K)} av kvinnorna mot {text.procent(rad.andel_M)} av "
            f"männen, {text.tal(abs(rad.skillnad_pp))} procentenheter fler bland {storre} – en skillnad som "
            "sällan uppstår av en slump."
        )
    s = res.strata
    if len(s):
        h = s[(s["stratum"] == "arbetshinder") & (s["insats"] == ARBETSNARA)]
        h = h[h["andel_K"].notna() & h["andel_M"].notna() & (h["bas_K"] > 0) & (h["bas_M"] > 0)]
        if len(h):
            fler_man = int((h["andel_M"] > h["andel_K"]).sum())
            fler_kv = int((h["andel_K"] > h["andel_M"]).sum())
            om, antal = ("männen", fler_man) if fler_man >= fler_kv else ("kvinnorna", fler_kv)
            ut.append(
                f"Bland kvinnor och män med samma arbetshinder hade {om} oftare en arbetsnära insats "
                f"(SKR 1, 5–8) i {antal} av {len(h)} hindergrupper som kan visas."
            )
    for st in MH_STRATA:
        mh = res.mantel_haenszel.get(st)
        if mh and mh["p"] < statistik.ALFA:
            ut.append(mh["mening"])
    return ut


def _mening_etikett(rad) -> str:
    """The indicator as the subject of a sentence: "Ensamstående med barn (hushållstyp)"."""
    if rad.grupp in ("Nyckeltal", INSATSER_GRUPP):
        return rad.etikett
    if rad.kod == "ja":
        return rad.grupp
    return f"{rad.etikett} ({rad.grupp.lower()})"


# --- the report (CLI), the review pack, the benchmark ---------------------------------------------


def _tal(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v


def _obj(varden: list) -> np.ndarray:
    """A table column that keeps counts as ints, shares as floats and hidden values as None
    (an object array: no float NaN, and it takes the frame's index)."""
    ut = []
    for v in varden:
        if v is None:
            ut.append(None)
        elif isinstance(v, float | np.floating):
            ut.append(float(v))
        else:
            ut.append(int(v))
    return np.array(ut, dtype=object)


def _cell(n, bas) -> dict:
    n, bas = _tal(n), _tal(bas)
    return {
        "n": None if n is None else int(n),
        "bas": None if bas is None else int(bas),
        "andel": _andel(n, bas),
        "skyddad": n is None or bas is None,
    }


def som_data(res: Jamstalldhet) -> dict:
    """The page as the report's JSON (``report jamstalldhet``): see issue 13 for the shape."""

    def jamf(r) -> dict:
        lo, hi = _tal(r.ki_lag_pp), _tal(r.ki_hog_pp)
        return {
            "skillnad_pp": _tal(r.skillnad_pp),
            "ki_pp": None if lo is None else [lo, hi],
            "p_varde": _tal(r.p_varde),
            "p_justerat": _tal(r.p_justerat),
            "slutsats": r.slutsats,
        }

    indikatorer = [
        {
            "indikator": r.indikator,
            "etikett": r.etikett,
            "grupp": r.grupp,
            "kvinnor": _cell(r.n_K, r.bas_K),
            "man": _cell(r.n_M, r.bas_M),
            "saknas": (
                {"n": None, "bas": None, "skyddad": False}  # Översikt gives closures for women and men only
                if r.variabel == "avslut"
                else {k: v for k, v in _cell(r.n_saknas, r.bas_saknas).items() if k != "andel"}
            ),
            **jamf(r),
        }
        for r in res.indikatorer.itertuples()
    ]
    strata = res.strata
    per_hinder = [
        {
            "stratum": r.stratum,
            "hinder": r.stratumkod,
            "insatstyp": r.insats,
            "etikett": r.insatsetikett,
            "kvinnor": _cell(r.n_K, r.bas_K),
            "man": _cell(r.n_M, r.bas_M),
            **jamf(r),
        }
        for r in strata.itertuples()
    ]
    per_kon = {}
    for r in res.per_kon.to_dict("records"):
        per_kon[r["matt"]] = {
            JSON_KON[k]: {
                "varde": _tal(r.get(k)),
                "skyddad": bool(r.get(f"{k}_skyddad", False)),
                **({"q1": _tal(r.get(f"{k}_q1")), "q3": _tal(r.get(f"{k}_q3"))} if r["typ"] == "manader" else {}),
            }
            for k in KON
        }
    return {
        "omgang": res.omgang.omgang_id,
        "skydd": res.skyddad,
        "justering": res.justering,
        "urval": {k: list(v) for k, v in res.urval.__dict__.items() if v},
        "vagrad": res.vagrad,
        "storlek": {JSON_KON[k]: res.storlek.get(k) for k in KON},
        "indikatorer": indikatorer,
        "insatser_per_hinder": [x for x in per_hinder if x["stratum"] == "arbetshinder"],
        "insatser_per_aldersgrupp": [x for x in per_hinder if x["stratum"] == "aldersgrupp"],
        "mantel_haenszel": res.mantel_haenszel,
        "per_kon": per_kon,
        "meningar": res.meningar,
        "strata_vagrad": res.strata_vagrad,
    }


def indikatortabell(res: Jamstalldhet) -> pd.DataFrame:
    """The indicators as a long table with Swedish headers (the CSV report and the page's
    download): counts as ints or None (hidden), shares as fractions, the verdict in words."""
    d = res.indikatorer
    return pd.DataFrame(
        {
            "Mätomgång": res.omgang.omgang_id,
            "Röjandeskydd": "på" if res.skyddad else "av",
            "Justering": statistik.JUSTERINGAR[res.justering][1],
            "Område": d["grupp"],
            "Indikator": d["etikett"],
            "Kvinnor, antal": _obj([_tal(x) for x in d["n_K"]]),
            "Kvinnor, bas": _obj([_tal(x) for x in d["bas_K"]]),
            "Kvinnor, andel": _obj([_tal(x) for x in d["andel_K"]]),
            "Män, antal": _obj([_tal(x) for x in d["n_M"]]),
            "Män, bas": _obj([_tal(x) for x in d["bas_M"]]),
            "Män, andel": _obj([_tal(x) for x in d["andel_M"]]),
            "Kön saknas, antal": _obj([_tal(x) for x in d["n_saknas"]]),
            "Kön saknas, bas": _obj([_tal(x) for x in d["bas_saknas"]]),
            "Skillnad, procentenheter": _obj([_tal(x) for x in d["skillnad_pp"]]),
            "95 % KI, lägre": _obj([_tal(x) for x in d["ki_lag_pp"]]),
            "95 % KI, övre": _obj([_tal(x) for x in d["ki_hog_pp"]]),
            "p-värde (Fisher)": _obj([_tal(x) for x in d["p_varde"]]),
            "Justerat p-värde": _obj([_tal(x) for x in d["p_justerat"]]),
            "Slutsats": d["slutsats"],
        }
    )


def rapportsektion(engine: Engine, omfang: Omfang, omgang_id: str):
    """The page's section of the review pack: the sentences, the indicators that could be
    tested and the work-near interventions per barrier group, read with ``export=True``."""
    from core.rapportpaket import Sektion, Tabell

    res = jamstalldhet(engine, omfang, omgang_id, export=True)
    sek = Sektion("Jämställdhet", list(res.meningar) or ["Inga skillnader mellan kvinnor och män kan visas."])
    if res.vagrad:
        sek.meningar = [res.vagrad]
        return sek
    sek.meningar.append(JUSTERING_TEXT)
    d = res.indikatorer
    d = d[d["provbar"]].reindex(d[d["provbar"]]["skillnad_pp"].abs().sort_values(ascending=False).index)
    sek.tabeller.append(
        Tabell(
            "Kvinnor och män: de prövade indikatorerna, största skillnaden först",
            pd.DataFrame(
                {
                    "Indikator": [f"{g}: {e}" if g != e else e for g, e in zip(d["grupp"], d["etikett"], strict=True)],
                    "Kvinnor, antal": _obj([_tal(x) for x in d["n_K"]]),
                    "Kvinnor, andel": _obj([_tal(x) for x in d["andel_K"]]),
                    "Män, antal": _obj([_tal(x) for x in d["n_M"]]),
                    "Män, andel": _obj([_tal(x) for x in d["andel_M"]]),
                    "Skillnad, procentenheter": _obj([_tal(x) for x in d["skillnad_pp"]]),
                    "Justerat p-värde": _obj([_tal(x) for x in d["p_justerat"]]),
                    "Slutsats": list(d["slutsats"]),
                }
            ),
            andelar=("Kvinnor, andel", "Män, andel"),
            antal=("Kvinnor, antal", "Män, antal"),
        )
    )
    s = res.strata
    s = s[s["insats"] == ARBETSNARA]
    h = s[(s["stratum"] == "arbetshinder") & ((s["bas_K"].fillna(1) > 0) | (s["bas_M"].fillna(1) > 0))]
    if len(h):
        from core import charts

        sek.diagram.append(
            charts.jamstalldhet_strata(
                h, "Hur stor andel av kvinnorna och männen i varje hindergrupp har en arbetsnära insats?"
            )
        )
    sek.tabeller.append(
        Tabell(
            "Arbetsnära insatser (SKR 1, 5–8) bland kvinnor och män med samma arbetshinder eller i samma åldersgrupp",
            pd.DataFrame(
                {
                    "Grupp": [f"{STRATA[a]}: {b}" for a, b in zip(s["stratum"], s["stratumetikett"], strict=True)],
                    "Kvinnor": _obj([_tal(x) for x in s["bas_K"]]),
                    "Kvinnor med arbetsnära insats": _obj([_tal(x) for x in s["n_K"]]),
                    "Andel kvinnor": _obj([_tal(x) for x in s["andel_K"]]),
                    "Män": _obj([_tal(x) for x in s["bas_M"]]),
                    "Män med arbetsnära insats": _obj([_tal(x) for x in s["n_M"]]),
                    "Andel män": _obj([_tal(x) for x in s["andel_M"]]),
                    "Slutsats": list(s["slutsats"]),
                }
            ),
            andelar=("Andel kvinnor", "Andel män"),
            antal=("Kvinnor", "Kvinnor med arbetsnära insats", "Män", "Män med arbetsnära insats"),
        )
    )
    return sek


def _bench_politiker(engine, omgang_id, urval=ALLA):
    from core.omfang import Omfang as _O

    return jamstalldhet(engine, _O("politiker"), omgang_id, urval)


def _bench_admin(engine, omgang_id, urval=ALLA):
    from core.omfang import ADMIN

    return jamstalldhet(engine, ADMIN, omgang_id, urval)


# The benchmark's calls of this page (the lead wires them into core/bench.py).
BENCH_ANROP = [
    ("Jämställdhet: hela omgången, politiker", lambda engine, omgang_id: _bench_politiker(engine, omgang_id)),
    (
        "Jämställdhet: urval 25–34 år, politiker",
        lambda engine, omgang_id: _bench_politiker(engine, omgang_id, Urval(aldersgrupp=("25-34",))),
    ),
    ("Jämställdhet: hela omgången, admin", lambda engine, omgang_id: _bench_admin(engine, omgang_id)),
    (
        "Jämställdhet: urval enhet eai, admin",
        lambda engine, omgang_id: _bench_admin(engine, omgang_id, Urval(enhet=("eai",))),
    ),
]
