"""Raw counts for the disclosure engine: who is counted, by which dimensions.

A *population* is what a release describes: the persons of one round, or the closures of a
period. It has **dimensions** — the ways a filter can split it (sex, age band, birth region,
time on assistance, belonging to a unit) — and **variables** whose codes are counted in every
group the dimensions make. The engine (:mod:`core.frislapp`) asks a population for three
kinds of counts, always of whole persons and always by every value of the dimensions given:

- :meth:`Population.storlekar` — persons per combination of dimension values;
- :meth:`Population.fordelningar` — per variable and code, persons with the code;
- :meth:`Population.par` — per pair of codes of two variables, persons with both.

Counts are raw (unsuppressed) and never leave ``core`` without the engine's protection. The
counting happens in SQL, one grouped query per variable; only grouped rows come back.

Codes
-----
For a multi-valued variable the engine needs, besides each code, ``saknas`` (no code at all)
and :data:`NAGON` (any code other than the exclusive ones such as ``ingen``): exclusive code
+ ``saknas`` + ``NAGON`` is then a partition of the group (rule 10 of ``produkt.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from core import db, koder
from core.models import Avslut, Enhet, Matning, MatningVal, Matomgang, Person
from core.omfang import hor_till_enhet

SAKNAS = koder.SAKNAS
NAGON = "_nagon"  # any non-exclusive code of a multi-valued variable
EJ = "_ej:"  # prefix: persons without the code (internal cells of the engine)

# The variables that are also dimensions of a round: their distribution in a group is a
# group size (a filter on age band is the age-band variable).
DIMENSIONSVARIABLER: tuple[str, ...] = ("kon", "aldersgrupp", "fodelseregion", "inskrivningstid")
ENHET_PREFIX = "enhet:"
I_ENHETEN, UTANFOR = "in", "ut"


@dataclass(frozen=True)
class Varspec:
    """A counted variable: its codes (without ``saknas``), whether multi-valued, and its
    exclusive codes (``ingen``, ``inga``) that must stand alone."""

    namn: str
    koder: tuple[str, ...]
    flerval: bool = False
    ensam: tuple[str, ...] = ()

    @property
    def vanliga(self) -> tuple[str, ...]:
        """The codes that can be combined (all but the exclusive ones)."""
        return tuple(k for k in self.koder if k not in self.ensam)

    @property
    def rakna_koder(self) -> tuple[str, ...]:
        """The codes counted in SQL: every code, ``saknas`` and (multi-valued) ``NAGON``."""
        return (*self.koder, SAKNAS, NAGON) if self.flerval else (*self.koder, SAKNAS)

    @property
    def utokade(self) -> tuple[str, ...]:
        """Every cell code of the engine: the counted codes plus, for a multi-valued
        variable, the persons without each code (``_ej:kod``)."""
        if not self.flerval:
            return self.rakna_koder
        return (*self.rakna_koder, *(EJ + k for k in self.koder))

    def partitioner(self) -> list[tuple[str, ...]]:
        """Sets of cell codes that add up to the group (rules 2 and 10)."""
        if not self.flerval:
            return [self.rakna_koder]
        return [(*self.ensam, SAKNAS, NAGON), *((k, EJ + k) for k in self.koder)]

    def olikheter(self) -> list[tuple[str, tuple[str, ...]]]:
        """``(NAGON, codes)``: NAGON is at least each of the codes and at most their sum."""
        if not self.flerval or not self.vanliga:
            return []
        return [(NAGON, self.vanliga)]


def _nyckel(dims: tuple[str, ...], rad: Sequence) -> tuple[str, ...]:
    return tuple(SAKNAS if v is None else str(v) for v in rad[: len(dims)])


class Population:
    """The interface the engine counts through (see the module docstring)."""

    nyckel: tuple
    variabler: dict[str, Varspec]  # variables that are not dimensions
    dimensionsvariabler: tuple[str, ...] = ()

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:  # pragma: no cover - interface
        raise NotImplementedError

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:  # pragma: no cover
        raise NotImplementedError


# --- the persons of a round -----------------------------------------------------------------


class OmgangsPopulation(Population):
    """The persons with a ``matning`` row in one round.

    Dimensions: ``kon``, ``aldersgrupp``, ``fodelseregion``, ``inskrivningstid`` (each with
    ``saknas`` for blank) and ``enhet:KOD`` for every unit (``in``: belongs to the unit in the
    round as :func:`core.omfang.hor_till_enhet` defines it; ``ut``: does not).
    """

    dimensionsvariabler = DIMENSIONSVARIABLER

    def __init__(self, engine: Engine, omgang_id: str, datum: dt.date, version: str):
        self.engine = engine
        self.omgang_id = omgang_id
        self.datum = datum
        self.nyckel = ("omgang", str(engine.url), omgang_id, version)
        with engine.connect() as conn:
            self.enheter = tuple(conn.execute(select(Enhet.enhet).order_by(Enhet.enhet)).scalars())
        self.variabler = {}
        for namn, v in koder.VARIABLER.items():
            if namn in DIMENSIONSVARIABLER or v.entitet == "harledd":
                continue
            kodord = self.enheter if namn == "pagaende_insats" else tuple(str(k) for k in v.koder)
            if namn == "pagaende_insats":
                kodord = ("ingen", *kodord)
            self.variabler[namn] = Varspec(namn, kodord, v.flerval, tuple(v.ensam))
        self.variabler.update(INSATSVARIABLER)  # derived from the insats episodes (issue 13)

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        if dim.startswith(ENHET_PREFIX):
            return (I_ENHETEN, UTANFOR)
        return (*(str(k) for k in koder.VARIABLER[dim].koder), SAKNAS)

    def _bas(self, dims: tuple[str, ...]):
        """Subquery: the round's persons with a column per dimension (``d0``, ``d1``, …)."""
        from core.matt.profil import aldersgrupp_uttryck, inskrivningstid_uttryck

        d = self.datum
        uttryck = []
        for i, dim in enumerate(dims):
            if dim == "kon":
                u = Person.kon
            elif dim == "fodelseregion":
                u = Person.fodelseregion
            elif dim == "aldersgrupp":
                u = aldersgrupp_uttryck(d)
            elif dim == "inskrivningstid":
                u = inskrivningstid_uttryck(d)
            elif dim.startswith(ENHET_PREFIX):
                enhet = dim[len(ENHET_PREFIX) :]
                u = case(
                    (hor_till_enhet(enhet, self.omgang_id, d, Matning.person_id), literal(I_ENHETEN)),
                    else_=literal(UTANFOR),
                )
            else:  # pragma: no cover - the engine only asks for known dimensions
                raise ValueError(dim)
            uttryck.append(u.label(f"d{i}"))
        return (
            select(Matning.person_id, *uttryck)
            .join(Person, Person.person_id == Matning.person_id)
            .where(Matning.omgang_id == self.omgang_id)
            .subquery("bas")
        )

    def _koder(self, s: Varspec):
        """Subquery ``(person_id, kod)``: each person's counted codes of ``s`` in the round —
        one row per code, ``saknas`` when there is none, and (multi-valued) ``NAGON`` once
        when the person has any non-exclusive code. Each (person, code) occurs once."""
        if s.namn in INSATSVARIABLER:
            return insatskoder(s, self.omgang_id, self.datum)
        if not s.flerval:
            kol = getattr(Matning, s.namn)
            return (
                select(Matning.person_id, func.coalesce(kol, literal(SAKNAS)).label("kod"))
                .where(Matning.omgang_id == self.omgang_id)
                .subquery()
            )
        mv = aliased(MatningVal)
        har = (
            select(mv.person_id)
            .where(mv.omgang_id == Matning.omgang_id, mv.person_id == Matning.person_id, mv.variabel == s.namn)
            .exists()
        )
        delar = [
            select(MatningVal.person_id, MatningVal.kod.label("kod")).where(
                MatningVal.omgang_id == self.omgang_id, MatningVal.variabel == s.namn
            ),
            select(Matning.person_id, literal(SAKNAS).label("kod")).where(Matning.omgang_id == self.omgang_id, ~har),
        ]
        if s.vanliga:
            villkor = [MatningVal.omgang_id == self.omgang_id, MatningVal.variabel == s.namn]
            if s.ensam:
                villkor.append(MatningVal.kod.not_in(s.ensam))
            delar.append(select(MatningVal.person_id, literal(NAGON).label("kod")).where(*villkor).distinct())
        return union_all(*delar).subquery()

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        b = self._bas(dims)
        kol = [b.c[f"d{i}"] for i in range(len(dims))]
        with self.engine.connect() as conn:
            rader = conn.execute(select(*kol, func.count()).select_from(b).group_by(*kol)).all()
        ut: dict[tuple, int] = {}
        for r in rader:
            k = _nyckel(dims, r)
            ut[k] = ut.get(k, 0) + int(r[-1])
        return ut

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        """``{(variabel, kod, δ): persons}`` for every non-dimension variable and counted
        code; ``δ`` is the tuple of dimension values. Missing keys are 0."""
        b = self._bas(dims)
        dk = [b.c[f"d{i}"] for i in range(len(dims))]
        ut: dict[tuple, int] = {}
        with self.engine.connect() as conn:
            for v, s in self.variabler.items():
                k = self._koder(s)
                q = select(*dk, k.c.kod, func.count()).select_from(b.join(k, k.c.person_id == b.c.person_id))
                for r in conn.execute(q.group_by(*dk, k.c.kod)).all():
                    nyckel = (v, str(r[-2]), _nyckel(dims, r))
                    ut[nyckel] = ut.get(nyckel, 0) + int(r[-1])
        return ut

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:
        """``{(kod1, kod2, δ): persons}`` for two non-dimension variables, over their
        counted codes (``saknas`` and ``NAGON`` included)."""
        b = self._bas(dims)
        dk = [b.c[f"d{i}"] for i in range(len(dims))]
        k1, k2 = self._koder(self.variabler[v1]), self._koder(self.variabler[v2])
        fran = b.join(k1, k1.c.person_id == b.c.person_id).join(k2, k2.c.person_id == b.c.person_id)
        q = select(*dk, k1.c.kod, k2.c.kod, func.count()).select_from(fran).group_by(*dk, k1.c.kod, k2.c.kod)
        ut: dict[tuple, int] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q).all():
                nyckel = (str(r[-3]), str(r[-2]), _nyckel(dims, r))
                ut[nyckel] = ut.get(nyckel, 0) + int(r[-1])
        return ut


# --- the closures of a period ---------------------------------------------------------------


class AvslutsPopulation(Population):
    """The closures (``avslut``) dated after ``fran`` and on or before ``till``; one
    dimension, ``kon`` (the closed person's sex), one variable, ``orsak``."""

    dimensionsvariabler = ("kon",)

    def __init__(self, engine: Engine, fran: dt.date, till: dt.date, version: str):
        self.engine = engine
        self.fran, self.till = fran, till
        self.nyckel = ("avslut", str(engine.url), fran.isoformat(), till.isoformat(), version)
        self.variabler = {"orsak": Varspec("orsak", tuple(koder.AVSLUT_ORSAK))}

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        if dim != "kon":  # pragma: no cover
            raise ValueError(dim)
        return ("K", "M", SAKNAS)

    def _rader(self, dims: tuple[str, ...], med_orsak: bool):
        kol = [Person.kon] if dims else []
        if med_orsak:
            kol.append(Avslut.orsak)
        q = (
            select(*kol, func.count())
            .select_from(Avslut)
            .join(Person, Person.person_id == Avslut.person_id)
            .where(Avslut.datum > self.fran, Avslut.datum <= self.till)
        )
        with self.engine.connect() as conn:
            return conn.execute(q.group_by(*kol) if kol else q).all()

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for r in self._rader(dims, False):
            k = _nyckel(dims, r)
            ut[k] = ut.get(k, 0) + int(r[-1])
        return ut

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for r in self._rader(dims, True):
            k = ("orsak", SAKNAS if r[-2] is None else str(r[-2]), _nyckel(dims, r))
            ut[k] = ut.get(k, 0) + int(r[-1])
        return ut


# --- derived variables from the insats episodes (issue 13, Jämställdhet) ----------------------
# Counted in the round's own release, so that the women/men split of who gets which
# intervention is protected together with everything else about the round (rule 9).
#
# - ``insatstyp``: the SKR types (as text codes) of the person's episodes *open* on the round's
#   date — started on or before it and not ended by then, the rule that also makes up
#   ``pagaende_insats`` — ``ingen`` (exclusive) when there is none.
# - ``arbetsnara``: ``ja`` when one of those episodes is of a work-near type (SKR 1, 5, 6, 7,
#   8), else ``nej``. (Its relation to the ``insatstyp`` codes — ``ja`` at least each work-near
#   code and at most their sum — is an inequality between two variables that the audit does
#   not add; the pages never show ``insatstyp``'s "any code" or ``ingen``.)
# - ``forsta_insats``: ``ja`` when an episode started between ``inskrivningsdatum`` and the
#   round's date (both inclusive), ``nej`` when none did, ``saknas`` when the date is blank —
#   the base of the time to the first intervention.

ARBETSNARA_TYPER: tuple[str, ...] = ("1", "5", "6", "7", "8")
INSATSTYPER: tuple[str, ...] = tuple(str(t) for t in range(1, 13))
INSATSVARIABLER: dict[str, Varspec] = {
    "insatstyp": Varspec("insatstyp", ("ingen", *INSATSTYPER), True, ("ingen",)),
    "arbetsnara": Varspec("arbetsnara", ("ja", "nej")),
    "forsta_insats": Varspec("forsta_insats", ("ja", "nej")),
}


def oppen_insats(omgang_id: str, datum: dt.date, typer: tuple[str, ...] | None = None):
    """SQL condition on ``Insats``: an episode open on ``datum`` (started on or before it,
    not ended by then) of a person of the round, optionally of the SKR ``typer``."""
    from sqlalchemy import and_, or_

    from core.models import Insats

    villkor = [
        Insats.startdatum.is_not(None),
        Insats.startdatum <= datum,
        or_(Insats.slutdatum.is_(None), Insats.slutdatum > datum),
        Insats.person_id.in_(select(Matning.person_id).where(Matning.omgang_id == omgang_id)),
    ]
    if typer is not None:
        villkor.append(Insats.insatstyp.in_([int(t) for t in typer]))
    return and_(*villkor)


def insatskoder(s: Varspec, omgang_id: str, datum: dt.date):
    """Subquery ``(person_id, kod)`` of a derived insats variable (see above), one row per
    (person, code), like :meth:`OmgangsPopulation._koder`."""
    from sqlalchemy import String, cast

    from core.models import Insats

    if s.namn == "forsta_insats":
        fick = (
            select(Insats.person_id)
            .where(
                Insats.person_id == Matning.person_id,
                Insats.startdatum.is_not(None),
                Insats.startdatum >= Matning.inskrivningsdatum,
                Insats.startdatum <= datum,
            )
            .exists()
        )
        kod = case(
            (Matning.inskrivningsdatum.is_(None), literal(SAKNAS)),
            (fick, literal("ja")),
            else_=literal("nej"),
        )
        return select(Matning.person_id, kod.label("kod")).where(Matning.omgang_id == omgang_id).subquery()
    if s.namn == "arbetsnara":
        har = (
            select(Insats.person_id)
            .where(Insats.person_id == Matning.person_id, oppen_insats(omgang_id, datum, ARBETSNARA_TYPER))
            .exists()
        )
        kod = case((har, literal("ja")), else_=literal("nej"))
        return select(Matning.person_id, kod.label("kod")).where(Matning.omgang_id == omgang_id).subquery()
    villkor = oppen_insats(omgang_id, datum)
    ia = aliased(Insats)
    har = (
        select(ia.person_id)
        .where(
            ia.person_id == Matning.person_id,
            ia.startdatum.is_not(None),
            ia.startdatum <= datum,
            (ia.slutdatum.is_(None)) | (ia.slutdatum > datum),
        )
        .exists()
    )
    delar = [
        select(Insats.person_id, cast(Insats.insatstyp, String).label("kod")).where(villkor).distinct(),
        select(Matning.person_id, literal("ingen").label("kod")).where(Matning.omgang_id == omgang_id, ~har),
        select(Insats.person_id, literal(NAGON).label("kod")).where(villkor).distinct(),
    ]
    return union_all(*delar).subquery()


def omgang_population(engine: Engine, omgang_id: str) -> OmgangsPopulation:
    """The population of a round (raises ``ValueError`` for an unknown round)."""
    with engine.connect() as conn:
        datum = conn.execute(select(Matomgang.datum).where(Matomgang.omgang_id == omgang_id)).scalar_one_or_none()
    if datum is None:
        raise ValueError(f"Mätomgången {omgang_id!r} finns inte.")
    return OmgangsPopulation(engine, omgang_id, datum, db.dataversion(engine))


# --- an in-memory population (the benchmark and tests) --------------------------------------


class MinnesPopulation(Population):
    """A population held in memory: ``poster`` are dicts of dimension and variable values
    (a multi-valued variable's value is a tuple of codes; None is blank).

    For the benchmark of the audit and for tests of the engine without a database.
    """

    def __init__(self, poster: list[dict], dimensioner: dict[str, tuple[str, ...]], variabler: dict[str, Varspec]):
        self.poster = poster
        self._dims = dimensioner
        self.variabler = variabler
        self.dimensionsvariabler = ()
        self.nyckel = ("minne", id(self))

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        return self._dims[dim]

    def _delta(self, p: dict, dims: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(SAKNAS if p.get(d) is None else str(p[d]) for d in dims)

    def _koder(self, p: dict, s: Varspec) -> list[str]:
        v = p.get(s.namn)
        if not s.flerval:
            return [SAKNAS if v is None else str(v)]
        if not v:
            return [SAKNAS]
        ut = list(dict.fromkeys(v))
        if any(k not in s.ensam for k in ut):
            ut.append(NAGON)
        return ut

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for p in self.poster:
            d = self._delta(p, dims)
            ut[d] = ut.get(d, 0) + 1
        return ut

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for p in self.poster:
            d = self._delta(p, dims)
            for v, s in self.variabler.items():
                for k in self._koder(p, s):
                    ut[(v, k, d)] = ut.get((v, k, d), 0) + 1
        return ut

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        s1, s2 = self.variabler[v1], self.variabler[v2]
        for p in self.poster:
            d = self._delta(p, dims)
            for a in self._koder(p, s1):
                for b in self._koder(p, s2):
                    ut[(a, b, d)] = ut.get((a, b, d), 0) + 1
        return ut
