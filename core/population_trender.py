"""Populations of the Trender page (issue 15) for the disclosure engine.

Three new kinds of release, each counted in SQL (one grouped query per variable; only grouped
rows come back) and protected by :class:`core.frislapp.Frislapp` like a round:

- :class:`ForloppsPopulation` — everyone in round A or round B, by sex, with ``i_fran`` (in A,
  or why not: new, back from an earlier round) and ``i_till`` (in B, or the reason of the last
  closure between the two dates). Their cross-tab holds the stayers (``ja``/``ja``), the leavers
  by reason and the joiners by kind, and its margins both rounds' sizes — the sizes Översikt
  shows — so a view of who stayed, left or joined is audited together with the rounds' sizes.
  (A dimension "stayed/left/joined" with the states as variables was tried first: a state that
  is "not in the round" for everyone in a group duplicates the dimension, and the sibling
  layers ``F(kon)`` and ``S(forlopp, kon)`` then pin each other's hidden cells.)
- :class:`ParPopulation` — the persons in both rounds, by sex; for each followed state
  (:data:`TILLSTAND`) ``fore_STATE`` (round A) and ``efter_STATE`` (round B). A transition table
  is the cross-tab ``P(efter_STATE, fore_STATE, {kon})``, audited with its margins.
- :class:`LangvarighetsPopulation` — households (``utbetalning.hushall_id``) with a paid month
  (amount > 0) in a window or in one of a set of periods of 12 months: ``fonster`` is ``hela``
  (paid in every month of the window), ``delvis`` or ``utanfor``; ``period:NAME`` is
  ``langvarig`` (paid in at least 10 of the period's 12 months, Socialstyrelsen), ``kort`` or
  ``ingen``. No dimensions: households have no sex in the data.
- :class:`AterPopulation` — closures (``avslut``) whose 12 months after the closure month lie
  within the payment data, by closure year (``ar``) and ``kon``; ``ater`` is ``ja`` when the
  closed person's household was paid again in one of those 12 months (återaktualisering),
  ``nej`` when not, blank when the person has no household key.

Relations *between* these releases and a round's own release are not audited (sibling
releases, the limitation :mod:`core.frislapp` documents); the tables that share counts with a
round's release share its large top-level counts only, and the stayers of
:class:`ParPopulation` are the stayers' cell of :class:`ForloppsPopulation` (the same true
number, protected by the same primary rule).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, Integer, and_, case, cast, exists, extract, func, literal, or_, select
from sqlalchemy.orm import aliased

from core import db, koder
from core.models import Avslut, Matning, MatningVal, Matomgang, Person, Utbetalning
from core.population import SAKNAS, Population, Varspec, _nyckel

I_FRAN, I_TILL = "i_fran", "i_till"  # in round A / in round B
JA, NEJ = "ja", "nej:"
UTAN_AVSLUT = "utan_avslut"
# not in B: the reason of the last closure in the period; not in A: new, or back from before A
LAMNAT_KODER = tuple(NEJ + k for k in (*koder.AVSLUT_ORSAK, UTAN_AVSLUT))
TILLKOMMIT_KODER = (NEJ + "ny", NEJ + "atervand")

# The followed states: name -> (codes in order, Swedish labels). Blank is ``saknas``.
TILLSTAND: dict[str, dict[str, str]] = {
    "handlingsplan": {"nej": "Ingen handlingsplan", "ja": "Handlingsplan"},
    "insats": {"ingen": "Ingen pågående insats", "insats": "Pågående insats"},
    "af_inskriven": {"nej": "Ej inskriven på AF", "ja": "Inskriven på AF", "okand": "Okänt"},
    "arbetshinder": {"ej_klarlagt": "Hinder ej klarlagda", "kanda": "Kända hinder (eller inga)"},
    "forsorjning": {"annan": "Annan huvudsaklig försörjning", "lon": "Lön"},
}
TILLSTAND_NAMN = {
    "handlingsplan": "Handlingsplan",
    "insats": "Pågående insats",
    "af_inskriven": "Inskriven på Arbetsförmedlingen",
    "arbetshinder": "Arbetshinder klarlagda",
    "forsorjning": "Lön som huvudsaklig försörjning",
}


def _mi_uttryck(manad_kol):
    """Month index (year × 12 + month − 1) of a ``YYYY-MM`` text column, on both dialects."""
    return cast(func.substr(manad_kol, 1, 4), Integer) * 12 + cast(func.substr(manad_kol, 6, 2), Integer) - 1


def manad_text(mi: int) -> str:
    """``YYYY-MM`` of a month index."""
    return f"{mi // 12:04d}-{mi % 12 + 1:02d}"


def manadsindex(manad: str) -> int:
    """The month index of ``YYYY-MM`` (raises ``ValueError`` on anything else)."""
    ar, man = manad.split("-")
    if len(ar) != 4 or len(man) != 2 or not (1 <= int(man) <= 12):
        raise ValueError(manad)
    return int(ar) * 12 + int(man) - 1


class _SqlPopulation(Population):
    """A population whose every unit is one row of a subquery with one column per dimension
    and variable (named as they are); counting is grouping it."""

    def _bas(self):  # pragma: no cover - interface
        raise NotImplementedError

    def _grupperat(self, kolumner: list[str]) -> list:
        b = self._bas()
        kol = [b.c[k] for k in kolumner]
        q = select(*kol, func.count()).select_from(b)
        with self.engine.connect() as conn:
            return conn.execute(q.group_by(*kol) if kol else q).all()

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for r in self._grupperat(list(dims)):
            k = _nyckel(dims, r)
            ut[k] = ut.get(k, 0) + int(r[-1])
        return ut

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for v in self.variabler:
            for r in self._grupperat([*dims, v]):
                k = (v, SAKNAS if r[-2] is None else str(r[-2]), _nyckel(dims, r))
                ut[k] = ut.get(k, 0) + int(r[-1])
        return ut

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for r in self._grupperat([*dims, v1, v2]):
            k = (SAKNAS if r[-3] is None else str(r[-3]), SAKNAS if r[-2] is None else str(r[-2]), _nyckel(dims, r))
            ut[k] = ut.get(k, 0) + int(r[-1])
        return ut


# --- two rounds: who stayed, left, joined, and their states ---------------------------------


def _tillstand_uttryck(namn: str, m, omgang_id: str):
    """SQL: the state ``namn`` of the person of ``matning`` alias ``m`` (None: blank)."""
    if namn == "handlingsplan":
        return m.handlingsplan
    if namn == "af_inskriven":
        return m.af_inskriven
    if namn == "forsorjning":
        return case(
            (m.huvudsaklig_forsorjning.is_(None), literal(None)),
            (m.huvudsaklig_forsorjning == "lon", literal("lon")),
            else_=literal("annan"),
        )
    mv = aliased(MatningVal)

    def har(*villkor):
        return exists().where(mv.omgang_id == omgang_id, mv.person_id == m.person_id, *villkor)

    if namn == "insats":
        return case(
            (har(mv.variabel == "pagaende_insats", mv.kod != "ingen"), literal("insats")),
            (har(mv.variabel == "pagaende_insats"), literal("ingen")),
            else_=literal(None),
        )
    if namn == "arbetshinder":
        return case(
            (har(mv.variabel == "arbetshinder", mv.kod == "ej_klarlagt"), literal("ej_klarlagt")),
            (har(mv.variabel == "arbetshinder"), literal("kanda")),
            else_=literal(None),
        )
    raise ValueError(namn)  # pragma: no cover


class _TvaOmgangar(_SqlPopulation):
    """Shared by the two populations of a pair of rounds A (``fran``) and B (``till``)."""

    dimensionsvariabler = ("kon",)
    slag = ""

    def __init__(self, engine: Engine, fran: tuple[str, dt.date], till: tuple[str, dt.date], version: str):
        self.engine = engine
        (self.a, self.a_datum), (self.b, self.b_datum) = fran, till
        self.nyckel = (self.slag, str(engine.url), self.a, self.b, version)

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        if dim == "kon":
            return (*koder.KON, SAKNAS)
        raise ValueError(dim)  # pragma: no cover


class ForloppsPopulation(_TvaOmgangar):
    """Everyone in round A or round B, by sex, with two variables: ``i_fran`` (in A: ``ja``;
    else ``nej:ny``, or ``nej:atervand`` when measured in a round before A) and ``i_till`` (in
    B: ``ja``; else ``nej:ORSAK``, the reason of the last closure after A's date up to B's, or
    ``nej:utan_avslut``). The stayers are the cross-tab cell (``ja``, ``ja``); the cross-tab
    ``P(i_fran, i_till)`` ties stayers, leavers by reason, joiners by kind and both rounds'
    sizes (its margins) into one audited table."""

    slag = "forlopp"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.variabler = {
            I_FRAN: Varspec(I_FRAN, (JA, *TILLKOMMIT_KODER)),
            I_TILL: Varspec(I_TILL, (JA, *LAMNAT_KODER)),
        }

    def _bas(self):
        ma, mb = aliased(Matning), aliased(Matning)
        personer = (
            select(Matning.person_id)
            .where(Matning.omgang_id.in_((self.a, self.b)))
            .group_by(Matning.person_id)
            .subquery("personer")
        )
        i_a, i_b = ma.person_id.is_not(None), mb.person_id.is_not(None)
        period = and_(
            Avslut.person_id == personer.c.person_id, Avslut.datum > self.a_datum, Avslut.datum <= self.b_datum
        )
        sista = select(Avslut.orsak).where(period).order_by(Avslut.datum.desc()).limit(1).scalar_subquery()
        mt, om = aliased(Matning), aliased(Matomgang)
        tidigare = exists().where(
            mt.person_id == personer.c.person_id, mt.omgang_id == om.omgang_id, om.datum < self.a_datum
        )
        i_fran = case((i_a, literal(JA)), (tidigare, literal(NEJ + "atervand")), else_=literal(NEJ + "ny"))
        i_till = case(
            (i_b, literal(JA)),
            (exists().where(period), literal(NEJ) + func.coalesce(sista, literal("okand"))),
            else_=literal(NEJ + UTAN_AVSLUT),
        )
        return (
            select(personer.c.person_id, Person.kon.label("kon"), i_fran.label(I_FRAN), i_till.label(I_TILL))
            .select_from(personer)
            .join(Person, Person.person_id == personer.c.person_id)
            .outerjoin(ma, and_(ma.person_id == personer.c.person_id, ma.omgang_id == self.a))
            .outerjoin(mb, and_(mb.person_id == personer.c.person_id, mb.omgang_id == self.b))
            .subquery("forlopp_bas")
        )


class ParPopulation(_TvaOmgangar):
    """The persons in both round A and round B, by sex; for each followed state
    (:data:`TILLSTAND`) ``fore_STATE`` (in A) and ``efter_STATE`` (in B). The transition table of
    a state is the cross-tab ``P(efter_STATE, fore_STATE, {kon})``; its margins are the two
    rounds' distributions of the state among those who stayed."""

    slag = "par"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.variabler = {}
        for s, kodord in TILLSTAND.items():
            for sida in ("fore", "efter"):
                self.variabler[f"{sida}_{s}"] = Varspec(f"{sida}_{s}", tuple(kodord))

    def _bas(self):
        ma, mb = aliased(Matning), aliased(Matning)
        kolumner = [ma.person_id, Person.kon.label("kon")]
        for s in TILLSTAND:
            kolumner.append(_tillstand_uttryck(s, ma, self.a).label(f"fore_{s}"))
            kolumner.append(_tillstand_uttryck(s, mb, self.b).label(f"efter_{s}"))
        return (
            select(*kolumner)
            .select_from(ma)
            .join(mb, and_(mb.person_id == ma.person_id, mb.omgang_id == self.b))
            .join(Person, Person.person_id == ma.person_id)
            .where(ma.omgang_id == self.a)
            .subquery("par_bas")
        )


def tva_omgangar(engine: Engine, fran_omgang: str, till_omgang: str) -> tuple[ForloppsPopulation, ParPopulation]:
    """The population of two rounds (raises ``ValueError`` in Swedish for an unknown round, the
    same round twice, or a "from" round that is not before the "to" round)."""
    with engine.connect() as conn:
        datum = dict(
            conn.execute(
                select(Matomgang.omgang_id, Matomgang.datum).where(Matomgang.omgang_id.in_((fran_omgang, till_omgang)))
            ).all()
        )
    for o in (fran_omgang, till_omgang):
        if o not in datum:
            raise ValueError(f"Mätomgången {o!r} finns inte.")
    if fran_omgang == till_omgang or datum[fran_omgang] >= datum[till_omgang]:
        raise ValueError("Välj två olika mätomgångar, den tidigare först.")
    args = ((fran_omgang, datum[fran_omgang]), (till_omgang, datum[till_omgang]), db.dataversion(engine))
    return ForloppsPopulation(engine, *args), ParPopulation(engine, *args)


# --- households and their monthly payments ---------------------------------------------------


class LangvarighetsPopulation(_SqlPopulation):
    """Households with a paid month in the window or in one of ``perioder`` (see the module
    docstring). ``fonster`` and each period are ``(first, last)`` month indexes, inclusive;
    every period is 12 months."""

    dimensionsvariabler = ()

    def __init__(self, engine: Engine, fonster: tuple[int, int], perioder: dict[str, tuple[int, int]], version: str):
        self.engine = engine
        self.fonster = fonster
        self.perioder = dict(perioder)
        self.nyckel = ("langvarighet", str(engine.url), fonster, tuple(sorted(self.perioder.items())), version)
        self.variabler = {"fonster": Varspec("fonster", ("hela", "delvis", "utanfor"))}
        for namn in self.perioder:
            self.variabler[f"period:{namn}"] = Varspec(f"period:{namn}", ("langvarig", "kort", "ingen"))

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:  # pragma: no cover - no dimensions
        raise ValueError(dim)

    def _per_hushall(self):
        """Subquery per household: paid months and amounts in the window and each period."""
        mi = _mi_uttryck(Utbetalning.manad)
        spann = [self.fonster, *self.perioder.values()]
        i_spann = or_(*(mi.between(a, b) for a, b in spann))

        def manader(a, b):
            return func.sum(case((mi.between(a, b), 1), else_=0))

        def belopp(a, b):
            return func.sum(case((mi.between(a, b), Utbetalning.belopp_kr), else_=0))

        kol = [
            Utbetalning.hushall_id,
            manader(*self.fonster).label("m_fonster"),
            belopp(*self.fonster).label("kr_fonster"),
        ]
        for i, (a, b) in enumerate(self.perioder.values()):
            kol += [manader(a, b).label(f"m_p{i}"), belopp(a, b).label(f"kr_p{i}")]
        return (
            select(*kol).where(Utbetalning.belopp_kr > 0, i_spann).group_by(Utbetalning.hushall_id).subquery("hushall")
        )

    def _bas(self):
        h = self._per_hushall()
        langd = self.fonster[1] - self.fonster[0] + 1
        kol = [
            h.c.hushall_id,
            case(
                (h.c.m_fonster == langd, literal("hela")),
                (h.c.m_fonster > 0, literal("delvis")),
                else_=literal("utanfor"),
            ).label("fonster"),
        ]
        for i, namn in enumerate(self.perioder):
            m = h.c[f"m_p{i}"]
            kol.append(
                case((m >= 10, literal("langvarig")), (m > 0, literal("kort")), else_=literal("ingen")).label(
                    f"period:{namn}"
                )
            )
        return select(*kol).subquery("langvarighet_bas")

    def kostnader(self, variabel: str) -> dict[str, int]:
        """Raw sums of the amounts paid in the window (``fonster``) or the period (``period:NAME``)
        per code of that variable; never leaves ``core`` without the rule-4 check of the measure."""
        h = self._per_hushall()
        b = self._bas()
        if variabel == "fonster":
            kr = h.c.kr_fonster
        else:
            kr = h.c[f"kr_p{list(self.perioder).index(variabel.split(':', 1)[1])}"]
        q = (
            select(b.c[variabel], func.coalesce(func.sum(kr), 0))
            .select_from(b.join(h, h.c.hushall_id == b.c.hushall_id))
            .group_by(b.c[variabel])
        )
        with self.engine.connect() as conn:
            return {str(k): int(v) for k, v in conn.execute(q).all()}


def manadsspann(engine: Engine) -> tuple[int, int] | None:
    """The first and last month index with a paid month in ``utbetalning`` (None: no payments)."""
    mi = _mi_uttryck(Utbetalning.manad)
    with engine.connect() as conn:
        r = conn.execute(select(func.min(mi), func.max(mi)).where(Utbetalning.belopp_kr > 0)).one()
    return None if r[0] is None else (int(r[0]), int(r[1]))


# --- closures followed by a new payment -------------------------------------------------------


def _avslutsmanad():
    """SQL: the month index of a closure's date."""
    return cast(extract("year", Avslut.datum), Integer) * 12 + cast(extract("month", Avslut.datum), Integer) - 1


class AterPopulation(_SqlPopulation):
    """Closures whose following 12 months lie within the payment data (up to month index
    ``sista``), by closure year and sex (see the module docstring)."""

    dimensionsvariabler = ("ar", "kon")

    def __init__(self, engine: Engine, sista: int, version: str):
        self.engine = engine
        self.sista = sista
        self.nyckel = ("ater", str(engine.url), sista, version)
        self.variabler = {"ater": Varspec("ater", ("ja", "nej"))}
        ar = cast(extract("year", Avslut.datum), Integer)
        with engine.connect() as conn:
            rader = conn.execute(select(ar).where(_avslutsmanad() + 12 <= sista).distinct().order_by(ar)).scalars()
            self.ar = tuple(str(int(a)) for a in rader)

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        if dim == "ar":
            return self.ar
        if dim == "kon":
            return (*koder.KON, SAKNAS)
        raise ValueError(dim)  # pragma: no cover

    def _bas(self):
        am = _avslutsmanad()
        mi = _mi_uttryck(Utbetalning.manad)
        betald = exists().where(
            Utbetalning.hushall_id == Person.hushall_id,
            Utbetalning.belopp_kr > 0,
            mi > am,
            mi <= am + 12,
        )
        return (
            select(
                cast(extract("year", Avslut.datum), Integer).label("ar"),
                Person.kon.label("kon"),
                case((Person.hushall_id.is_(None), literal(None)), (betald, literal("ja")), else_=literal("nej")).label(
                    "ater"
                ),
            )
            .select_from(Avslut)
            .join(Person, Person.person_id == Avslut.person_id)
            .where(am + 12 <= self.sista)
            .subquery("ater_bas")
        )
