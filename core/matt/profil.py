"""The target-group profile: every coded variable of a round as a distribution.

Definitions (produkt.md, "Measures"; datamodell.md):

- The group is the round's ``matning`` rows, narrowed by the filter (:class:`Urval`) and,
  with ``enhet``, to the persons who belong to that unit in the round (``core.omfang``).
- ``n`` of a code is the number of persons in the group with that code; for a multi-valued
  variable, the number of persons having the code (a person can have several, so the shares
  do not add up to 1). Blanks are counted under the code ``saknas``; for a multi-valued
  variable, ``saknas`` is the persons with no code at all.
- ``andel`` is ``n`` divided by all persons in the group, blanks and unknowns included.
- Derived variables, computed in SQL per round and never stored:
  ``aldersgrupp`` (age = the round's year − ``fodelsear``; bands ``16-24`` … ``65+``),
  ``alder`` (``under_25`` = band ``16-24``, ``over_55`` = ``55-64`` + ``65+``: unions of whole
  bands, so the two never reveal what the bands hide), and ``inskrivningstid`` (completed
  months from ``inskrivningsdatum`` to the round's date; bands ``<1``, ``1-2``, ``2-3``, ``3+``
  years).

Counting happens in SQL (one grouped query per variable); only the small grouped result
comes back to Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, distinct, func, literal, or_, select
from sqlalchemy.sql import Select

from core import db, koder, skydd
from core.models import Enhet, Matning, MatningVal, Matomgang, Person
from core.omfang import Omfang, hor_till_enhet


class ProfilFel(ValueError):
    """A request the data cannot answer (unknown round, unknown unit); Swedish message."""


@dataclass(frozen=True)
class Urval:
    """A filter on the persons of a round. Empty tuples mean "all".

    Attributes
    ----------
    enhet : unit codes; a person is kept when they belong to one of them in the round.
    ej_enhet : unit codes; a person is kept when they belong to none of them ("the rest of
        the process" when one unit is compared with the others).
    kon : ``K``, ``M`` or ``saknas``.
    aldersgrupp, fodelseregion, inskrivningstid : codes of those variables (``saknas`` for blank).
    """

    enhet: tuple[str, ...] = ()
    ej_enhet: tuple[str, ...] = ()
    kon: tuple[str, ...] = ()
    aldersgrupp: tuple[str, ...] = ()
    fodelseregion: tuple[str, ...] = ()
    inskrivningstid: tuple[str, ...] = ()


# The empty filter: every person of the round.
ALLA = Urval()


@dataclass(frozen=True)
class OmgangInfo:
    omgang_id: str
    datum: dt.date
    benamning: str | None


@dataclass
class Profil:
    """A round's profile for one group.

    ``n`` is the group's size (None when suppressed), ``fordelningar`` maps each variable to
    a frame with columns ``kod, etikett, n, andel, skyddad`` (see :func:`fordelning`).
    """

    omgang: OmgangInfo
    urval: Urval
    n: int | None
    n_skyddad: bool
    skyddad: bool
    fordelningar: dict[str, pd.DataFrame] = field(default_factory=dict)
    vagrad: str | None = None  # why a suppressed scope may not see this group (rule 7)


# --- the round and the group ---------------------------------------------------------------


def hamta_omgang(engine: Engine, omgang_id: str) -> OmgangInfo:
    """The round's date and name; raises :class:`ProfilFel` for an unknown round."""
    with engine.connect() as conn:
        rad = conn.execute(
            select(Matomgang.omgang_id, Matomgang.datum, Matomgang.benamning).where(Matomgang.omgang_id == omgang_id)
        ).first()
    if rad is None:
        raise ProfilFel(f"Mätomgången {omgang_id!r} finns inte.")
    return OmgangInfo(*rad)


def _alder(datum: dt.date):
    return literal(datum.year) - Person.fodelsear


def aldersgrupp_uttryck(datum: dt.date):
    """SQL: the age band code of the person in the round, or NULL when the birth year is blank."""
    a = _alder(datum)
    return case(*[(a.between(lo, hi), literal(kod)) for kod, lo, hi in koder.ALDERSGRUPP_GRANSER], else_=None)


def inskrivningstid_uttryck(datum: dt.date):
    """SQL: the time-on-assistance band of the matning row, or NULL when the date is blank."""
    m = db.hela_manader(Matning.inskrivningsdatum, literal(datum))
    return case(
        *[(m.between(lo, hi), literal(kod)) for kod, lo, hi in koder.INSKRIVNINGSTID_GRANSER],
        else_=None,
    )


def _kod_villkor(uttryck, koder_: tuple[str, ...]):
    """``uttryck`` in the codes, where ``saknas`` matches NULL."""
    vanliga = [k for k in koder_ if k != koder.SAKNAS]
    delar = []
    if vanliga:
        delar.append(uttryck.in_(vanliga))
    if koder.SAKNAS in koder_:
        delar.append(uttryck.is_(None))
    return or_(*delar)


def grupp(omgang: OmgangInfo, urval: Urval) -> Select:
    """SELECT of the group's matning rows joined with person, with the derived columns.

    Columns: every ``Matning`` column, ``kon``, ``fodelseregion``, ``aldersgrupp``,
    ``inskrivningstid``, ``inskrivningstid_man`` (completed months, NULL when unknown).
    """
    d = omgang.datum
    villkor = [Matning.omgang_id == omgang.omgang_id]
    if urval.enhet:
        villkor.append(or_(*[hor_till_enhet(e, omgang.omgang_id, d, Matning.person_id) for e in urval.enhet]))
    if urval.ej_enhet:
        villkor.append(~or_(*[hor_till_enhet(e, omgang.omgang_id, d, Matning.person_id) for e in urval.ej_enhet]))
    if urval.kon:
        villkor.append(_kod_villkor(Person.kon, urval.kon))
    if urval.fodelseregion:
        villkor.append(_kod_villkor(Person.fodelseregion, urval.fodelseregion))
    if urval.aldersgrupp:
        villkor.append(_kod_villkor(aldersgrupp_uttryck(d), urval.aldersgrupp))
    if urval.inskrivningstid:
        villkor.append(_kod_villkor(inskrivningstid_uttryck(d), urval.inskrivningstid))
    return (
        select(
            *Matning.__table__.columns,
            Person.kon,
            Person.fodelseregion,
            aldersgrupp_uttryck(d).label("aldersgrupp"),
            inskrivningstid_uttryck(d).label("inskrivningstid"),
            db.hela_manader(Matning.inskrivningsdatum, literal(d)).label("inskrivningstid_man"),
        )
        .join(Person, Person.person_id == Matning.person_id)
        .where(and_(*villkor))
    )


# --- counting -------------------------------------------------------------------------------


def kodlista(engine: Engine, variabel: str) -> dict[str, str]:
    """Every code of ``variabel`` with its label, in display order (without ``saknas``).

    ``pagaende_insats`` lists ``ingen`` and every unit of the database with its name.
    """
    if variabel == "pagaende_insats":
        with engine.connect() as conn:
            enheter = conn.execute(select(Enhet.enhet, Enhet.namn).order_by(Enhet.enhet)).all()
        return {"ingen": "Ingen"} | {e: n for e, n in enheter}
    return {str(k): v for k, v in koder.VARIABLER[variabel].koder.items()}


def rakna(engine: Engine, omgang: OmgangInfo, urval: Urval, variabler: list[str]) -> tuple[int, dict[str, dict]]:
    """Raw (unsuppressed) counts: the group's size and, per variable, code -> persons.

    Every code is present (0 where nobody has it), plus ``saknas``. Internal: callers that
    show anything go through :func:`profil`, which applies disclosure control.
    """
    g = grupp(omgang, urval).subquery("g")
    ut: dict[str, dict] = {}
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(g)).scalar_one()
        for v in variabler:
            if v == "alder":
                continue  # derived from aldersgrupp below, so the two always agree
            kodord = kodlista(engine, v)
            raknat = dict.fromkeys([*kodord, koder.SAKNAS], 0)
            if koder.VARIABLER[v].flerval:
                rader = conn.execute(
                    select(MatningVal.kod, func.count(distinct(MatningVal.person_id)))
                    .where(
                        MatningVal.omgang_id == omgang.omgang_id,
                        MatningVal.variabel == v,
                        MatningVal.person_id.in_(select(g.c.person_id)),
                    )
                    .group_by(MatningVal.kod)
                ).all()
                med_nagon = conn.execute(
                    select(func.count(distinct(MatningVal.person_id))).where(
                        MatningVal.omgang_id == omgang.omgang_id,
                        MatningVal.variabel == v,
                        MatningVal.person_id.in_(select(g.c.person_id)),
                    )
                ).scalar_one()
                for kod, n in rader:
                    raknat[kod] = raknat.get(kod, 0) + n
                raknat[koder.SAKNAS] = total - med_nagon
            else:
                kol = g.c[v]
                for kod, n in conn.execute(select(kol, func.count()).group_by(kol)).all():
                    nyckel = koder.SAKNAS if kod is None else str(kod)
                    raknat[nyckel] = raknat.get(nyckel, 0) + n
            ut[v] = raknat
    if "alder" in variabler:
        ag = ut.get("aldersgrupp") or rakna(engine, omgang, urval, ["aldersgrupp"])[1]["aldersgrupp"]
        ut["alder"] = {
            "under_25": ag["16-24"],
            "over_55": ag["55-64"] + ag["65+"],
            koder.SAKNAS: ag[koder.SAKNAS],
        }
    return total, ut


def _harledd_alder_skydd(ag: pd.DataFrame, alder: pd.DataFrame) -> pd.DataFrame:
    """Suppress ``alder`` wherever the age bands it is made of are suppressed.

    ``under_25`` is band ``16-24``; ``over_55`` is ``55-64`` + ``65+``; its ``saknas`` is the
    bands' ``saknas``. Showing a union when one of its parts is hidden would give the part
    back (the bands against the seed's "under 25"/"över 55").
    """
    dolda = set(ag.loc[ag["skyddad"], "kod"])
    delar = {"under_25": {"16-24"}, "over_55": {"55-64", "65+"}, koder.SAKNAS: {koder.SAKNAS}}
    ut = alder.copy()
    extra = ut["kod"].map(lambda k: bool(delar.get(k, set()) & dolda))
    ut["skyddad"] = ut["skyddad"] | extra
    ut["n"] = ut["n"].mask(ut["skyddad"])
    ut["andel"] = ut["andel"].mask(ut["skyddad"])
    return ut


def profil(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    urval: Urval = ALLA,
    variabler: list[str] | None = None,
    *,
    export: bool = False,
) -> Profil:
    """The profile of a round for a group, through disclosure control for the scope.

    Parameters
    ----------
    omfang : the caller's scope; suppression applies on screen for politiker/medarbetare and
        in exports/reports (``export=True``) unless processledning/admin chose otherwise.
    omgang_id : the round.
    urval : the filter.
    variabler : which variables (default: every variable of person and matning plus the
        derived ones, in ``koder.VARIABLER`` order).

    Returns
    -------
    :class:`Profil` whose ``fordelningar[v]`` has columns ``kod, etikett, n, andel, skyddad``:
    every code of the list in order, then ``saknas``. ``n`` is nullable (None where
    suppressed), ``andel`` is a fraction 0–1 (NaN where suppressed).
    """
    omgang = hamta_omgang(engine, omgang_id)
    for e in (*urval.enhet, *urval.ej_enhet):
        kontrollera_enhet(engine, e)
    variabler = list(variabler or koder.VARIABLER)
    okanda = [v for v in variabler if v not in koder.VARIABLER]
    if okanda:
        raise ProfilFel(f"Okänd variabel: {', '.join(okanda)}")
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    if skyddad:
        return _skyddad_profil(engine, omgang, urval, variabler)
    behov = list(dict.fromkeys(variabler + (["aldersgrupp"] if "alder" in variabler else [])))
    total, raknat = rakna(engine, omgang, urval, behov)
    grans = skydd.troskel()

    fordelningar: dict[str, pd.DataFrame] = {}
    for v in behov:
        kodord = kodlista(engine, v) if v != "alder" else dict(koder.ALDER)
        df = pd.DataFrame({"kod": list(raknat[v]), "n": list(raknat[v].values())})
        df["etikett"] = [kodord.get(k, koder.SAKNAS_ETIKETT if k == koder.SAKNAS else k) for k in df["kod"]]
        flerval = v == "alder" or koder.VARIABLER[v].flerval
        if skyddad:
            df = skydd.skydda_fordelning(df, total, flerval=flerval, grans=grans)
        else:
            df = skydd.oskyddad_fordelning(df, total)
        fordelningar[v] = df[["kod", "etikett", "n", "andel", "skyddad"]]
    if skyddad and "alder" in fordelningar:
        fordelningar["alder"] = _harledd_alder_skydd(fordelningar["aldersgrupp"], fordelningar["alder"])
    fordelningar = {v: fordelningar[v] for v in variabler}
    n_skyddad = skyddad and skydd.ar_litet(total, grans)
    return Profil(
        omgang=omgang,
        urval=urval,
        n=None if n_skyddad else total,
        n_skyddad=n_skyddad,
        skyddad=skyddad,
        fordelningar=fordelningar,
    )


def visningskoder(engine: Engine, variabel: str) -> dict[str, str]:
    """The codes a distribution shows, with labels: the code list, then ``saknas``."""
    kodord = dict(koder.ALDER) if variabel == "alder" else kodlista(engine, variabel)
    return {**kodord, koder.SAKNAS: koder.SAKNAS_ETIKETT}


def _skyddad_profil(engine: Engine, omgang: OmgangInfo, urval: Urval, variabler: list[str]) -> Profil:
    """The profile as a suppressed scope sees it: read off the round's release (rule 9), the
    group refused as a whole where rule 7 says so."""
    from core import frislapp, utsnitt

    fr = frislapp_for(engine, omgang.omgang_id)
    try:
        g = utsnitt.grupp_for_urval(fr.pop, urval)
        vagrad = frislapp.vagran(fr, g)
    except frislapp.FrislappFel as e:
        g, vagrad = None, str(e)
    fordelningar: dict[str, pd.DataFrame] = {}
    n = None if vagrad else utsnitt.gruppstorlek(fr, g)
    for v in variabler:
        kodord = visningskoder(engine, v)
        if vagrad:
            varden = [None] * len(kodord)
        else:
            varden = utsnitt.antal(fr, g, [utsnitt.Fraga(v, k) for k in kodord])
        df = pd.DataFrame(
            {
                "kod": list(kodord),
                "etikett": list(kodord.values()),
                "n": pd.array(varden, dtype="Int64"),
                "andel": [float(x) / n if x is not None and n else float("nan") for x in varden],
                "skyddad": [x is None for x in varden],
            }
        )
        fordelningar[v] = df
    return Profil(
        omgang=omgang,
        urval=urval,
        n=n,
        n_skyddad=n is None,
        skyddad=True,
        fordelningar=fordelningar,
        vagrad=vagrad,
    )


def sparrade_val(engine: Engine, omgang_id: str) -> dict[str, set[str]]:
    """Per filter field of :class:`Urval`, the codes a suppressed scope may not choose in the
    round: the one-condition groups that rule 7 refuses (their size is hidden, or they leave
    too few persons out). Empty groups can be chosen (they show that nobody matches)."""
    from core import frislapp
    from core.population import ENHET_PREFIX, I_ENHETEN

    fr = frislapp_for(engine, omgang_id)
    ut: dict[str, set[str]] = {}
    for falt in ("kon", "aldersgrupp", "fodelseregion", "inskrivningstid"):
        for kod in fr.pop.dimensionsvarden(falt):
            g = frislapp.grupp({falt: (kod,)}, fr.pop)
            if frislapp.storlek(fr, g) != 0 and frislapp.vagran(fr, g):
                ut.setdefault(falt, set()).add(kod)
    for enhet in fr.pop.enheter:
        g = frislapp.grupp({ENHET_PREFIX + enhet: (I_ENHETEN,)}, fr.pop)
        if frislapp.storlek(fr, g) != 0 and frislapp.vagran(fr, g):
            ut.setdefault("enhet", set()).add(enhet)
    return ut


def frislapp_for(engine: Engine, omgang_id: str):
    """The release of a round's persons for the suppressed scopes (cached per data version)."""
    from core import frislapp, population

    return frislapp.Frislapp(population.omgang_population(engine, omgang_id))


def kontrollera_enhet(engine: Engine, enhet: str) -> None:
    """Raise :class:`ProfilFel` (Swedish) when the unit code is not in the database."""
    with engine.connect() as conn:
        if conn.execute(select(Enhet.enhet).where(Enhet.enhet == enhet)).first() is None:
            raise ProfilFel(f"Enheten {enhet!r} finns inte.")
