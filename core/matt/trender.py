"""Trender (issue 15): repeated measurements, the same persons over time, long-term receipt and cost.

Definitions (produkt.md "Measures"; every count of a suppressed scope is read off a release of
the disclosure engine, :mod:`core.population_trender`):

- **Indicators across rounds** (:func:`serie`) — Översikt's figures (``core.matt.oversikt``) for
  every round, for all, kvinnor and män, so a figure here is the figure Översikt shows for that
  round. A hidden value is None (a chart breaks its line there, never draws a zero).
- **Who is measured** (:func:`rorelser`) — between consecutive rounds A and B: ``kvar``
  (persons in both), ``lamnat`` (in A, not in B), ``tillkommit`` (in B, not in A); from the
  release of the two rounds' persons (``ForloppsPopulation``).
- **The same persons followed** (:func:`overgangar`) — the persons in both of two chosen
  rounds and their state in each (:data:`core.population_trender.TILLSTAND`: handlingsplan
  nej → ja, no intervention → intervention, AF registration, barriers ``ej_klarlagt`` → known
  (any other code), main income other → ``lon``); a transition table per state, for all and by
  sex, from the cross-tab of the stayers' release (``ParPopulation``). Those who left, by the
  reason of their last closure after A's date up to B's date (``utan_avslut`` when none is
  recorded); those who joined, new or back from a round before A. No person is listed.
- **Long-term receipt and cost** (:func:`langvarighet`) — from ``utbetalning``; a month counts
  as paid when its amount is greater than zero. ``hushall``: households with a paid month in
  the window; ``hela_perioden``: households paid in every month of the window; their share;
  ``kostnad_total`` / ``kostnad_hela_perioden``: the amounts of the window's months paid to
  all / to those households, and the share. ``per_ar``: for each calendar year the window
  touches, the *whole* calendar year (Socialstyrelsen): ``hushall`` with a paid month that
  year, ``langvariga`` paid in at least 10 of its 12 months, and their share.
- **Återaktualisering** (:func:`ateraktualisering`) — closures whose 12 following months lie
  within the payment data; re-entry when the closed person's household (``person.hushall_id``)
  has a paid month in the 12 months after the closure's month. Per closure year, by sex.
- **Staff feedback** (:func:`enhet_mot_processen`) — the shares with a plan, with an ongoing
  intervention and registered at AF, in one unit (as ``core.omfang.hor_till_enhet`` defines
  belonging) against the whole process, round by round.
- **Headline** (:func:`rubrik`) — the share with a plan, first round against the latest, from
  shown values only.

Protection: households have no sex; a count of 1–4 households is hidden, as is every count
the audit finds could give one away; a cost (a sum, rule 4) is shown only when the households
it sums over *and* the rest of the window's households are both shown and not 1–4 (else the
total minus the shown sum is a sum over a few households).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from core import db, frislapp, revision, skydd, text, utsnitt
from core.frislapp import Frislapp
from core.matt import oversikt as oversikt_matt
from core.models import Matomgang
from core.omfang import Omfang
from core.population import NAGON, SAKNAS
from core.population_trender import (
    I_FRAN,
    I_TILL,
    JA,
    LAMNAT_KODER,
    TILLKOMMIT_KODER,
    TILLSTAND,
    AterPopulation,
    LangvarighetsPopulation,
    manad_text,
    manadsindex,
    manadsspann,
    tva_omgangar,
)
from core.utsnitt import Fraga

GRUPPER = {"alla": None, "kvinnor": "K", "män": "M"}
# Översikt's figures followed across rounds (id, label, type).
INDIKATORER: list[tuple[str, str, str]] = [(k, e, t) for k, e, t, _d in oversikt_matt.MATT]
UNIT_MATT: list[tuple[str, str, tuple[str, str]]] = [
    ("andel_handlingsplan", "Har handlingsplan", ("handlingsplan", "ja")),
    ("andel_pagaende_insats", "Har pågående insats", ("pagaende_insats", NAGON)),
    ("andel_af", "Inskrivna på Arbetsförmedlingen", ("af_inskriven", "ja")),
]


class TrendFel(ValueError):
    """A request the Trender measures cannot answer (Swedish message)."""


def _skyddad(omfang: Omfang, export: bool) -> bool:
    return omfang.skyddad_export if export else omfang.skyddad_skarm


def _andel(taljare, namnare) -> float | None:
    if taljare is None or namnare is None or not namnare:
        return None
    return taljare / namnare


# --- indicators across rounds -------------------------------------------------------------------


def serie(engine: Engine, omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """Every Översikt figure for every round, for all, kvinnor and män.

    Returns
    -------
    Long frame ``omgang_id, datum, matt, etikett, typ, grupp`` (alla/kvinnor/män), ``varde``
    (None where hidden or undefined), ``skyddad``; rounds oldest first.
    """
    rader = []
    for r in oversikt_matt._alla_omgangar(engine):
        ov = oversikt_matt.oversikt(engine, omfang, r.omgang_id, export=export).tabell.set_index("matt")
        for matt, etikett, typ in INDIKATORER:
            for grupp, kol, skol in (
                ("alla", "varde", "skyddad"),
                ("kvinnor", "kvinnor", "kvinnor_skyddad"),
                ("män", "man", "man_skyddad"),
            ):
                v = ov.loc[matt, kol]
                dold = bool(ov.loc[matt, skol])
                rader.append(
                    {
                        "omgang_id": r.omgang_id,
                        "datum": r.datum,
                        "matt": matt,
                        "etikett": etikett,
                        "typ": typ,
                        "grupp": grupp,
                        "varde": None if dold or v is None or pd.isna(v) else float(v),
                        "skyddad": dold,
                    }
                )
    return pd.DataFrame(rader, columns=["omgang_id", "datum", "matt", "etikett", "typ", "grupp", "varde", "skyddad"])


def rubrik(s: pd.DataFrame) -> str:
    """The headline: the share with a plan in the first round with a shown value against the
    latest round ("Andelen med handlingsplan har ökat från 56 % till 86 % sedan september 2019.")."""
    d = s[(s["matt"] == "andel_handlingsplan") & (s["grupp"] == "alla")].sort_values("datum")
    if d.empty:
        return "Det finns inga mätomgångar ännu."
    sista = d.iloc[-1]
    visade = d[d["varde"].notna()]
    if pd.isna(sista["varde"]) or len(visade) < 2:
        if pd.isna(sista["varde"]):
            return (
                f"Andelen med handlingsplan i mätningen {text.manad_ar(sista['datum'])} kan inte visas (röjandeskydd)."
            )
        return f"Andelen med handlingsplan var {text.procent(sista['varde'])} i {text.manad_ar(sista['datum'])}."
    forsta = visade.iloc[0]
    a, b = float(forsta["varde"]), float(sista["varde"])
    pe = round(b * 100) - round(a * 100)
    if pe == 0:
        return f"Andelen med handlingsplan är oförändrad, {text.procent(b)}, sedan {text.manad_ar(forsta['datum'])}."
    return (
        f"Andelen med handlingsplan har {'ökat' if pe > 0 else 'minskat'} från {text.procent(a)} till "
        f"{text.procent(b)} sedan {text.manad_ar(forsta['datum'])}."
    )


# --- two rounds ---------------------------------------------------------------------------------


def _rundor(engine: Engine) -> list[tuple[str, dt.date]]:
    with engine.connect() as conn:
        return [
            (r[0], r[1])
            for r in conn.execute(
                select(Matomgang.omgang_id, Matomgang.datum).order_by(Matomgang.datum, Matomgang.omgang_id)
            )
        ]


def _forlopp_antal(fr: Frislapp | None, pop, kon: str | None, skyddad: bool) -> dict[str, int | None]:
    """For one sex (None: all): ``kvar``, ``lamnat``, ``tillkommit``, ``fran_n`` and ``till_n``
    (the two rounds' sizes), and each code of leaving and of joining."""
    fragor = {
        "lamnat": (I_TILL, LAMNAT_KODER),
        "tillkommit": (I_FRAN, TILLKOMMIT_KODER),
        "fran_n": (I_FRAN, (JA,)),
        "till_n": (I_TILL, (JA,)),
        **{k: (I_TILL, (k,)) for k in LAMNAT_KODER},
        **{k: (I_FRAN, (k,)) for k in TILLKOMMIT_KODER},
    }
    if not skyddad:
        konen = (kon,) if kon else ("K", "M", SAKNAS)
        raknat = pop.fordelningar(("kon",))
        ut = {n: sum(raknat.get((v, k, (x,)), 0) for k in ks for x in konen) for n, (v, ks) in fragor.items()}
        par = pop.par(I_FRAN, I_TILL, ("kon",))
        ut["kvar"] = sum(par.get((JA, JA, (x,)), 0) for x in konen)
        return ut
    g = frislapp.grupp({"kon": (kon,)} if kon else {}, pop)
    varden = utsnitt.antal(fr, g, [Fraga(v, ks if len(ks) > 1 else ks[0]) for v, ks in fragor.values()])
    ut = dict(zip(fragor, varden, strict=True))
    try:
        ut["kvar"] = utsnitt.korsceller(fr, g, I_FRAN, [JA], I_TILL, [JA])[(JA, JA)]
    except revision.RevisionsFel:
        # the sex split of the cross-tab cannot be protected (sibling layers pin each other):
        # that sex's figures are hidden whole
        ut = dict.fromkeys([*ut, "kvar"])
    return ut


def rorelser(engine: Engine, omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """Who joined and who left between each pair of consecutive rounds.

    Returns
    -------
    Frame ``omgang_id, datum, fran_omgang, kvar, lamnat, tillkommit`` (None where hidden), one
    row per round from the second on.
    """
    skyddad = _skyddad(omfang, export)
    rundor = _rundor(engine)
    rader = []
    for (a, _da), (b, datum) in zip(rundor, rundor[1:], strict=False):
        fp, _pp = tva_omgangar(engine, a, b)
        fr = Frislapp(fp) if skyddad else None
        n = _forlopp_antal(fr, fp, None, skyddad)
        rader.append(
            {"omgang_id": b, "datum": datum, "fran_omgang": a, **{k: n[k] for k in ("kvar", "lamnat", "tillkommit")}}
        )
    return pd.DataFrame(rader, columns=["omgang_id", "datum", "fran_omgang", "kvar", "lamnat", "tillkommit"])


@dataclass
class Overgangar:
    """The same persons in two rounds.

    ``storlek``: ``grupp`` (alla/kvinnor/män), ``kvar, lamnat, tillkommit, fran_n, till_n``;
    ``tabeller``: ``tillstand, grupp, fore, efter, n`` (None: hidden); ``lamnat``:
    ``orsak, grupp, n``; ``tillkommit``: ``slag, grupp, n``; ``skyddad``; ``ej_per_kon``: the
    states whose split by sex cannot be protected and is hidden whole.
    """

    fran: str
    till: str
    storlek: pd.DataFrame
    tabeller: pd.DataFrame
    lamnat: pd.DataFrame
    tillkommit: pd.DataFrame
    skyddad: bool
    ej_per_kon: list[str] = field(default_factory=list)


def _overgangsceller(fr: Frislapp | None, pp, s: str, kon: str | None, skyddad: bool) -> dict:
    fore, efter = (*TILLSTAND[s], SAKNAS), (*TILLSTAND[s], SAKNAS)
    if not skyddad:
        raknat = pp.par(f"efter_{s}", f"fore_{s}", ("kon",))
        konen = (kon,) if kon else ("K", "M", SAKNAS)
        return {(a, b): sum(raknat.get((b, a, (x,)), 0) for x in konen) for a in fore for b in efter}
    g = frislapp.grupp({"kon": (kon,)} if kon else {}, pp)
    return utsnitt.korsceller(fr, g, f"fore_{s}", fore, f"efter_{s}", efter)


def overgangar(engine: Engine, omfang: Omfang, fran: str, till: str, *, export: bool = False) -> Overgangar:
    """Transitions between two rounds for the scope (see the module docstring).

    Raises :class:`TrendFel` (Swedish) for an unknown round or a pair in the wrong order.
    """
    skyddad = _skyddad(omfang, export)
    try:
        fp, pp = tva_omgangar(engine, fran, till)
    except ValueError as e:
        raise TrendFel(str(e)) from None
    frf = Frislapp(fp) if skyddad else None
    frp = Frislapp(pp) if skyddad else None
    storlek, lamnat, tillkommit, tabeller = [], [], [], []
    ej_per_kon: list[str] = []
    antal = {grupp: _forlopp_antal(frf, fp, kon, skyddad) for grupp, kon in GRUPPER.items()}
    # The stayers are counted by two releases (who stayed, left and joined; and the stayers'
    # transitions). A group's transitions are shown only when both show the same number of
    # stayers, so neither gives away a count the other hides; when a sex disagrees, the split
    # by sex is hidden whole and only the table for all persons stays (when it agrees).
    visa = {}
    for grupp, kon in GRUPPER.items():
        if not skyddad:
            visa[grupp] = True
            continue
        g = frislapp.grupp({"kon": (kon,)} if kon else {}, pp)
        n_par = utsnitt.gruppstorlek(frp, g)
        visa[grupp] = n_par is not None and n_par == antal[grupp]["kvar"]
    if not (visa["kvinnor"] and visa["män"]):
        visa["kvinnor"] = visa["män"] = False
    for grupp, kon in GRUPPER.items():
        n = antal[grupp]
        storlek.append({"grupp": grupp, **{k: n[k] for k in ("kvar", "lamnat", "tillkommit", "fran_n", "till_n")}})
        lamnat += [{"orsak": k.split(":", 1)[1], "grupp": grupp, "n": n[k]} for k in LAMNAT_KODER]
        tillkommit += [{"slag": k.split(":", 1)[1], "grupp": grupp, "n": n[k]} for k in TILLKOMMIT_KODER]
        for s in TILLSTAND:
            tom = {(a, b): None for a in (*TILLSTAND[s], SAKNAS) for b in (*TILLSTAND[s], SAKNAS)}
            if not visa[grupp]:
                celler = tom
                if kon:
                    ej_per_kon.append(s)
            else:
                try:
                    celler = _overgangsceller(frp, pp, s, kon, skyddad)
                except revision.RevisionsFel:
                    # The sex split of this table cannot be protected (sibling layers pin each
                    # other): it is hidden whole, the table for all persons stays.
                    celler = tom
                    ej_per_kon.append(s)
            tabeller += [
                {"tillstand": s, "grupp": grupp, "fore": a, "efter": b, "n": v} for (a, b), v in celler.items()
            ]
    return Overgangar(
        fran,
        till,
        pd.DataFrame(storlek),
        pd.DataFrame(tabeller, columns=["tillstand", "grupp", "fore", "efter", "n"]),
        pd.DataFrame(lamnat),
        pd.DataFrame(tillkommit),
        skyddad,
        sorted(set(ej_per_kon)),
    )


# --- long-term receipt and cost -----------------------------------------------------------------


@dataclass
class Langvarighet:
    """Long-term receipt and cost for a window (see the module docstring); None where hidden."""

    fran: str
    till: str
    hushall: int | None
    hela_perioden: int | None
    andel_hela_perioden: float | None
    kostnad_total: int | None
    kostnad_hela_perioden: int | None
    andel_kostnad_hela_perioden: float | None
    per_ar: pd.DataFrame  # ar, hushall, langvariga, andel_langvariga
    skyddad: bool


def _las_manad(manad: str) -> int:
    try:
        return manadsindex(manad)
    except (ValueError, AttributeError):
        raise TrendFel(f"Månaden {manad!r} ska skrivas ÅÅÅÅ-MM, till exempel 2016-01.") from None


def _kostnad_visas(n_del: int | None, n_rest: int | None, t: int) -> bool:
    """Rule 4 for a sum over households: its households and the rest are both shown, not 1–4."""
    return n_del is not None and n_rest is not None and not skydd.ar_litet(n_del, t) and not skydd.ar_litet(n_rest, t)


def langvarighet(engine: Engine, omfang: Omfang, fran: str, till: str, *, export: bool = False) -> Langvarighet:
    """Long-term receipt and cost in the window ``fran`` … ``till`` (``YYYY-MM``, inclusive)."""
    a, b = _las_manad(fran), _las_manad(till)
    if a > b:
        raise TrendFel("Fönstrets första månad måste komma före den sista.")
    ar = range(a // 12, b // 12 + 1)
    perioder = {str(y): (y * 12, y * 12 + 11) for y in ar}
    pop = LangvarighetsPopulation(engine, (a, b), perioder, db.dataversion(engine))
    skyddad = _skyddad(omfang, export)
    t = skydd.troskel()
    fragor = [Fraga("fonster", ("hela", "delvis")), Fraga("fonster", "hela"), Fraga("fonster", "delvis")]
    for y in perioder:
        fragor += [Fraga(f"period:{y}", ("langvarig", "kort")), Fraga(f"period:{y}", "langvarig")]
    if skyddad:
        fr = Frislapp(pop)
        varden = utsnitt.antal(fr, frislapp.Grupp(), fragor)
    else:
        raknat = pop.fordelningar(())
        kodord = [f.kod if isinstance(f.kod, tuple) else (f.kod,) for f in fragor]
        varden = [sum(raknat.get((f.variabel, k, ()), 0) for k in ks) for f, ks in zip(fragor, kodord, strict=True)]
    hushall, hela, delvis = varden[:3]
    kr = pop.kostnader("fonster")
    kostnad_total = kr.get("hela", 0) + kr.get("delvis", 0)
    kostnad_hela = kr.get("hela", 0)
    if skyddad:
        visas = _kostnad_visas(hela, delvis, t)
        kostnad_total = kostnad_total if hushall is not None and not skydd.ar_litet(hushall, t) else None
        kostnad_hela = kostnad_hela if visas else None
    rader = []
    for i, y in enumerate(perioder):
        h, lv = varden[3 + 2 * i], varden[4 + 2 * i]
        rader.append({"ar": int(y), "hushall": h, "langvariga": lv, "andel_langvariga": _andel(lv, h)})
    return Langvarighet(
        manad_text(a),
        manad_text(b),
        hushall,
        hela,
        _andel(hela, hushall),
        kostnad_total,
        kostnad_hela,
        _andel(kostnad_hela, kostnad_total),
        pd.DataFrame(rader, columns=["ar", "hushall", "langvariga", "andel_langvariga"]),
        skyddad,
    )


def betalningsmanader(engine: Engine) -> tuple[str, str] | None:
    """The first and last paid month in the data (``YYYY-MM``), or None without payments."""
    spann = manadsspann(engine)
    return None if spann is None else (manad_text(spann[0]), manad_text(spann[1]))


def ateraktualisering(engine: Engine, omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """Re-entry within 12 months of a closure, per closure year and for all/kvinnor/män.

    Returns
    -------
    Frame ``ar, grupp, avslut, ater, andel`` (None where hidden); empty without payments.
    """
    spann = manadsspann(engine)
    kol = ["ar", "grupp", "avslut", "ater", "andel"]
    if spann is None:
        return pd.DataFrame(columns=kol)
    pop = AterPopulation(engine, spann[1], db.dataversion(engine))
    skyddad = _skyddad(omfang, export)
    fr = Frislapp(pop) if skyddad else None
    raknat = None if skyddad else pop.fordelningar(("ar", "kon"))
    rader = []
    for y in pop.ar:
        for grupp, kon in GRUPPER.items():
            if skyddad:
                g = frislapp.grupp({"ar": (y,), **({"kon": (kon,)} if kon else {})}, pop)
                n, ja = utsnitt.antal(fr, g, [Fraga(), Fraga("ater", "ja")])
            else:
                konen = (kon,) if kon else ("K", "M", SAKNAS)
                ja = sum(raknat.get(("ater", "ja", (y, x)), 0) for x in konen)
                n = sum(raknat.get(("ater", k, (y, x)), 0) for x in konen for k in ("ja", "nej", SAKNAS))
            rader.append({"ar": int(y), "grupp": grupp, "avslut": n, "ater": ja, "andel": _andel(ja, n)})
    return pd.DataFrame(rader, columns=kol)


# --- one unit against the whole process ------------------------------------------------------------


def enhet_mot_processen(engine: Engine, omfang: Omfang, enhet: str, *, export: bool = False) -> pd.DataFrame:
    """The unit's shares against the whole process, round by round (for staff feedback).

    Returns
    -------
    Frame ``omgang_id, datum, matt, etikett, grupp`` (``enheten``/``hela processen``),
    ``n, antal, andel`` (None where hidden).
    """
    from core import population
    from core.matt.profil import frislapp_for, kontrollera_enhet

    kontrollera_enhet(engine, enhet)
    skyddad = _skyddad(omfang, export)
    rader = []
    dim = population.ENHET_PREFIX + enhet
    for omgang_id, datum in _rundor(engine):
        pop = population.omgang_population(engine, omgang_id)
        if skyddad:
            fr = frislapp_for(engine, omgang_id)
            grupper = {
                "enheten": frislapp.grupp({dim: (population.I_ENHETEN,)}, pop),
                "hela processen": frislapp.Grupp(),
            }
            svar = {}
            for namn, g in grupper.items():
                hinder = frislapp.vagran(fr, g) if namn == "enheten" else None
                fragor = [Fraga()] + [Fraga(v, k) for _m, _e, (v, k) in UNIT_MATT]
                svar[namn] = [None] * len(fragor) if hinder else utsnitt.antal(fr, g, fragor)
        else:
            storlek = pop.storlekar((dim,))
            raknat = pop.fordelningar((dim,))
            svar = {}
            for namn, varden in (
                ("enheten", (population.I_ENHETEN,)),
                ("hela processen", (population.I_ENHETEN, population.UTANFOR)),
            ):
                svar[namn] = [sum(storlek.get((x,), 0) for x in varden)] + [
                    sum(raknat.get((v, k, (x,)), 0) for x in varden) for _m, _e, (v, k) in UNIT_MATT
                ]
        for namn, (n, *antal) in svar.items():
            if skyddad and n is None:
                antal = [None] * len(antal)  # a hidden group shows nothing but the mark (rule 1)
            for (matt, etikett, _vk), a in zip(UNIT_MATT, antal, strict=True):
                rader.append(
                    {
                        "omgang_id": omgang_id,
                        "datum": datum,
                        "matt": matt,
                        "etikett": etikett,
                        "grupp": namn,
                        "n": n,
                        "antal": a,
                        "andel": _andel(a, n),
                    }
                )
    return pd.DataFrame(rader, columns=["omgang_id", "datum", "matt", "etikett", "grupp", "n", "antal", "andel"])


# --- Sammanfattning's indicators: the 12 months before each round -------------------------------------


def _tolv_manader_fore(datum: dt.date) -> tuple[int, int]:
    slut = datum.year * 12 + datum.month - 2  # the month before the round's month
    return slut - 11, slut


def langvariga_per_omgang(engine: Engine, omfang: Omfang, export: bool = False) -> pd.DataFrame:
    """Per round: the share of households paid in the 12 months before the round's month that
    were paid in at least 10 of them (``andel``), and the share of those months' cost that went
    to them (``kostnad``). Frame ``omgang_id, matt, grupp`` (alla), ``varde, skyddad``."""
    skyddad = _skyddad(omfang, export)
    t = skydd.troskel()
    rader = []
    spann = manadsspann(engine)
    for omgang_id, datum in _rundor(engine):
        a, b = _tolv_manader_fore(datum)
        if spann is None or a < spann[0] or b > spann[1]:
            andel = kostnad = None
            dold = False
        else:
            pop = LangvarighetsPopulation(engine, (a, b), {"ar": (a, b)}, db.dataversion(engine))
            fragor = [
                Fraga("period:ar", ("langvarig", "kort")),
                Fraga("period:ar", "langvarig"),
                Fraga("period:ar", "kort"),
            ]
            if skyddad:
                n, lv, kort = utsnitt.antal(Frislapp(pop), frislapp.Grupp(), fragor)
            else:
                r = pop.fordelningar(())
                lv, kort = r.get(("period:ar", "langvarig", ()), 0), r.get(("period:ar", "kort", ()), 0)
                n = lv + kort
            kr = pop.kostnader("period:ar")
            andel = _andel(lv, n)
            visas = not skyddad or _kostnad_visas(lv, kort, t)
            kostnad = _andel(kr.get("langvarig", 0), kr.get("langvarig", 0) + kr.get("kort", 0)) if visas else None
            dold = skyddad and n != 0  # missing for a protected scope: hidden (0 households: undefined)
        rader.append(
            {
                "omgang_id": omgang_id,
                "matt": "andel",
                "grupp": "alla",
                "varde": andel,
                "skyddad": andel is None and dold,
            }
        )
        rader.append(
            {
                "omgang_id": omgang_id,
                "matt": "kostnad",
                "grupp": "alla",
                "varde": kostnad,
                "skyddad": kostnad is None and dold,
            }
        )
    return pd.DataFrame(rader, columns=["omgang_id", "matt", "grupp", "varde", "skyddad"])


def _indikator(matt: str):
    def funktion(engine: Engine, omfang: Omfang, export: bool) -> pd.DataFrame:
        d = langvariga_per_omgang(engine, omfang, export)
        return d[d["matt"] == matt].drop(columns="matt").reset_index(drop=True)

    return funktion


def registrera_indikatorer() -> None:
    """Add long-term receipt and its cost share to Sammanfattning (once)."""
    from core.matt import sammanfattning

    finns = {i[0] for i in sammanfattning.EXTRA_INDIKATORER}
    for ind, etikett, matt in (
        ("andel_langvariga", "Långvarigt bistånd (hushåll, senaste 12 månaderna)", "andel"),
        ("kostnadsandel_langvariga", "De långvarigas andel av kostnaden", "kostnad"),
    ):
        if ind not in finns:
            sammanfattning.EXTRA_INDIKATORER.append((ind, etikett, "andel", _indikator(matt)))


registrera_indikatorer()


# --- the benchmark and the review pack ------------------------------------------------------------

POLITIKER = Omfang("politiker")
ADMIN = Omfang("admin")


def _forsta_och_senaste(engine: Engine) -> tuple[str, str]:
    r = _rundor(engine)
    return r[0][0], r[-1][0]


BENCH_ANROP = [
    ("Trender: indikatorer per omgång (politiker)", lambda engine, omgang_id: serie(engine, POLITIKER)),
    ("Trender: indikatorer per omgång (admin)", lambda engine, omgang_id: serie(engine, ADMIN)),
    ("Trender: vilka kom och gick (politiker)", lambda engine, omgang_id: rorelser(engine, POLITIKER)),
    (
        "Trender: övergångar första–senaste (politiker)",
        lambda engine, omgang_id: overgangar(engine, POLITIKER, *_forsta_och_senaste(engine)),
    ),
    (
        "Trender: övergångar första–senaste (admin)",
        lambda engine, omgang_id: overgangar(engine, ADMIN, *_forsta_och_senaste(engine)),
    ),
    (
        "Trender: långvarighet 2016–2019 (politiker)",
        lambda engine, omgang_id: langvarighet(engine, POLITIKER, "2016-01", "2019-12"),
    ),
    (
        "Trender: långvarighet 2016–2019 (admin)",
        lambda engine, omgang_id: langvarighet(engine, ADMIN, "2016-01", "2019-12"),
    ),
    ("Trender: återaktualisering (politiker)", lambda engine, omgang_id: ateraktualisering(engine, POLITIKER)),
    (
        "Trender: en enhet mot processen, filter eb (politiker)",
        lambda engine, omgang_id: enhet_mot_processen(engine, POLITIKER, "eb"),
    ),
    (
        "Trender: en enhet mot processen, filter eb (admin)",
        lambda engine, omgang_id: enhet_mot_processen(engine, ADMIN, "eb"),
    ),
]


def rapportsektion(engine: Engine, omfang: Omfang, omgang_id: str):
    """The Trender section of the review pack: the headline, the indicators per round and the
    long-term receipt of the payment data's whole calendar years (read with ``export=True``)."""
    from core.rapportpaket import Sektion, Tabell

    s = serie(engine, omfang, export=True)
    sek = Sektion("Trender", [rubrik(s)])
    d = s[
        s["matt"].isin(["personer", "andel_handlingsplan", "andel_pagaende_insats", "andel_af"])
        & (s["grupp"] == "alla")
    ]
    bred = d.pivot(index="omgang_id", columns="matt", values="varde").reset_index()
    bred = bred.rename(
        columns={
            "omgang_id": "Mätomgång",
            "personer": "Personer",
            "andel_handlingsplan": "Har handlingsplan",
            "andel_pagaende_insats": "Har pågående insats",
            "andel_af": "Inskrivna på AF",
        }
    )
    bred["Personer"] = [None if pd.isna(v) else int(v) for v in bred["Personer"]]
    sek.tabeller.append(
        Tabell(
            "Indikatorer per mätomgång",
            bred[["Mätomgång", "Personer", "Har handlingsplan", "Har pågående insats", "Inskrivna på AF"]],
            andelar=("Har handlingsplan", "Har pågående insats", "Inskrivna på AF"),
            antal=("Personer",),
        )
    )
    spann = betalningsmanader(engine)
    if spann is not None:
        lv = langvarighet(engine, omfang, spann[0], spann[1], export=True)
        per_ar = lv.per_ar.rename(
            columns={
                "ar": "År",
                "hushall": "Hushåll",
                "langvariga": "Långvariga",
                "andel_langvariga": "Andel långvariga",
            }
        )
        sek.tabeller.append(
            Tabell(
                "Långvarigt bistånd per kalenderår (minst 10 av årets 12 månader)",
                per_ar,
                andelar=("Andel långvariga",),
                antal=("Hushåll", "Långvariga"),
            )
        )
    return sek


__all__ = [
    "BENCH_ANROP",
    "Langvarighet",
    "Overgangar",
    "TrendFel",
    "ateraktualisering",
    "enhet_mot_processen",
    "langvarighet",
    "overgangar",
    "rapportsektion",
    "rorelser",
    "rubrik",
    "serie",
]
