"""The derived tables: what belongs to a round, computed once when the data change.

Three tables (``core.models``) hold what the pages would otherwise compute per row on every
click:

- ``matning_harledd`` — per matning row: the person's ``kon`` and ``fodelseregion`` (NULL when
  blank), ``aldersgrupp`` (the band of ``koder.ALDERSGRUPP_GRANSER`` for age = the round's year
  − ``fodelsear``; NULL when the birth year is unknown or the age in no band),
  ``inskrivningstid_man`` (completed months from ``inskrivningsdatum`` to the round's date,
  ``db.hela_manader``; NULL when the date is blank) and ``inskrivningstid`` (its band of
  ``koder.INSKRIVNINGSTID_GRANSER``, NULL when unknown or in no band);
- ``tillhorighet`` — per person of a round, every unit they belong to in it, exactly as
  ``core.omfang.hor_till_enhet`` defines belonging: the round's ``matning.enhet``, or the
  referring or delivering unit of an ``insats`` of the person with ``remissdatum`` on or before
  the round's date that is open or ended on or after the date one year before the round;
- ``omgang_harledd`` — per round, ``personer``: its number of matning rows.

They depend on ``matning`` (a row's unit and dates), ``person`` (sex, birth year and region),
``insats`` (episodes) and ``matomgang`` (a round's date). **Every write that changes one of
those must recompute what it touched inside the same transaction**: the importer does, and
so must any other writer (a registration form, a deletion), with :func:`berakna_om`::

    with engine.begin() as conn:
        ...  # the write
        harledning.berakna_om(conn, matningar=[("2024-03", "P0001")])   # a matning row
        harledning.berakna_om(conn, personer=["P0001"])    # person or insats rows of P0001
        harledning.berakna_om(conn, omgangar=["2024-03"])  # a round's date, or rows deleted

Rows deleted from ``matning`` take their derived rows with them (``ON DELETE CASCADE``), and a
deleted round its ``omgang_harledd`` row; a round whose rows were deleted still needs
``berakna_om(conn, omgangar=[…])`` for its size. :func:`bygg_om` recomputes everything (``db.
skapa_schema`` calls it for a database that has matning rows but no derived rows).

Everything is set-based SQL (``INSERT … SELECT``) on both dialects; nothing is read into
Python but the list of rounds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Column, MetaData, String, Table, and_, case, delete, distinct, func, literal, or_, select, tuple_
from sqlalchemy.engine import Connection

from core import db, koder
from core.models import ID, Insats, Matning, MatningHarledd, Matomgang, OmgangHarledd, Person, Tillhorighet

_TEMP = MetaData()
_OMGANGAR = Table("_harl_omgang", _TEMP, Column("omgang_id", ID, primary_key=True), prefixes=["TEMPORARY"])
_PERSONER = Table("_harl_person", _TEMP, Column("person_id", ID, primary_key=True), prefixes=["TEMPORARY"])
_MATNINGAR = Table(
    "_harl_matning",
    _TEMP,
    Column("omgang_id", ID, primary_key=True),
    Column("person_id", ID, primary_key=True),
    prefixes=["TEMPORARY"],
)
_OMFANG = Table(
    "_harl_omfang",
    _TEMP,
    Column("omgang_id", ID, primary_key=True),
    Column("person_id", ID, primary_key=True),
    prefixes=["TEMPORARY"],
)
_OMGANGSLISTA = Table(
    "_harl_omgangslista", _TEMP, Column("omgang_id", String(32), primary_key=True), prefixes=["TEMPORARY"]
)

BITSTORLEK = 5000


# --- the SELECTs that define the derived rows ------------------------------------------------


def _manader_fore(d: dt.date, k: int) -> dt.date:
    """The date ``k`` months before ``d``, its day cut to the month's last. The completed
    months (``db.hela_manader``) from a date ``f`` to ``d`` are at least ``k`` exactly when
    ``f`` is on or before this date, so a band of months is a range of dates."""
    ar, man = divmod(d.year * 12 + d.month - 1 - k, 12)
    return dt.date(ar, man + 1, min(d.day, calendar.monthrange(ar, man + 1)[1]))


def _tidsband(inskriven, datum: dt.date):
    """SQL: the band of ``koder.INSKRIVNINGSTID_GRANSER`` for the completed months from the
    date column ``inskriven`` to ``datum`` (NULL when blank or after ``datum``), as date
    comparisons (one cheap test per band instead of the month arithmetic)."""
    granser = koder.INSKRIVNINGSTID_GRANSER
    fall = [(inskriven.is_(None), None), (inskriven > datum, None)]
    for kod, _, hi in granser[:-1]:
        fall.append((inskriven > _manader_fore(datum, hi + 1), literal(kod)))
    return case(*fall, else_=literal(granser[-1][0]))


def _aldersband(fodelsear, ar: int):
    """SQL: the age band of ``koder.ALDERSGRUPP_GRANSER`` for age = ``ar`` − ``fodelsear``."""
    return case(
        *[(fodelsear.between(ar - hi, ar - lo), literal(kod)) for kod, lo, hi in koder.ALDERSGRUPP_GRANSER],
        else_=None,
    )


def _sammanhangande(granser: list[tuple[str, int, int]]) -> bool:
    return granser[0][1] == 0 and all(a[2] + 1 == b[1] for a, b in zip(granser, granser[1:], strict=False))


assert _sammanhangande(koder.INSKRIVNINGSTID_GRANSER), "the bands must follow each other from 0 months"


def _i_omfang(q, omfang: Table | None):
    if omfang is None:
        return q
    return q.join(omfang, and_(omfang.c.omgang_id == Matning.omgang_id, omfang.c.person_id == Matning.person_id))


def _harledda_rader(omfang: Table | None, omgang_id: str, datum: dt.date):
    """SELECT of ``matning_harledd``'s columns for one round's matning rows (in ``omfang``)."""
    m, p = Matning, Person
    ins = m.inskrivningsdatum
    # db.hela_manader(ins, datum), with the round's date parts as numbers.
    manader = (literal(datum.year * 12 + datum.month) - (db.ar(ins) * 12 + db.manad(ins))) - case(
        (db.dag(ins) > literal(datum.day), 1), else_=0
    )
    q = (
        select(
            m.omgang_id,
            m.person_id,
            p.kon,
            p.fodelseregion,
            _aldersband(p.fodelsear, datum.year),
            _tidsband(ins, datum),
            manader,
        )
        .select_from(m)
        .join(p, p.person_id == m.person_id)
        .where(m.omgang_id == omgang_id)
    )
    return _i_omfang(q, omfang)


def _tillhorighet_via_matning(omfang: Table | None, omgang_id: str):
    q = select(Matning.omgang_id, Matning.person_id, Matning.enhet).where(Matning.omgang_id == omgang_id)
    return _i_omfang(q, omfang)


def _ett_ar_fore(d: dt.date) -> dt.date:
    """``d`` one year earlier, 29 February as 28 February (as ``core.omfang`` had it)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _tillhorighet_via_insats(omfang: Table | None, omgang_id: str, datum: dt.date, enhet_kolumn):
    """The units of the round's persons' episodes referred on or before the round's date and
    open, or ended on or after the date one year before it."""
    m, i = Matning, Insats
    q = (
        select(m.omgang_id, m.person_id, enhet_kolumn)
        .distinct()
        .select_from(m)
        .join(i, i.person_id == m.person_id)
        .where(
            m.omgang_id == omgang_id,
            i.remissdatum <= datum,
            or_(i.slutdatum.is_(None), i.slutdatum >= _ett_ar_fore(datum)),
        )
    )
    return _i_omfang(q, omfang)


def _fyll(conn: Connection, omfang: Table | None) -> None:
    """Insert the derived rows of the matning rows in ``omfang`` (or of every row), one round
    at a time (a round's date enters each statement as a constant)."""
    q = select(Matomgang.omgang_id, Matomgang.datum)
    if omfang is not None:
        q = q.where(Matomgang.omgang_id.in_(select(distinct(omfang.c.omgang_id))))
    kolumner = ["omgang_id", "person_id", "enhet"]
    for omgang_id, datum in conn.execute(q).all():
        db.infoga_select(
            conn,
            MatningHarledd.__table__,
            ["omgang_id", "person_id", "kon", "fodelseregion", "aldersgrupp", "inskrivningstid", "inskrivningstid_man"],
            _harledda_rader(omfang, omgang_id, datum),
        )
        db.infoga_select(conn, Tillhorighet.__table__, kolumner, _tillhorighet_via_matning(omfang, omgang_id))
        for enhet in (Insats.fran_enhet, Insats.till_enhet):
            db.infoga_select(
                conn,
                Tillhorighet.__table__,
                kolumner,
                _tillhorighet_via_insats(omfang, omgang_id, datum, enhet),
                ignorera_dubbletter=True,
            )


def _omgangsstorlek(conn: Connection, omgangar: Table | None) -> None:
    """Recount ``omgang_harledd`` for the rounds in ``omgangar`` (or every round)."""
    antal = select(func.count()).where(Matning.omgang_id == Matomgang.omgang_id).scalar_subquery()
    q = select(Matomgang.omgang_id, antal)
    if omgangar is not None:
        q = q.join(omgangar, omgangar.c.omgang_id == Matomgang.omgang_id)
        conn.execute(delete(OmgangHarledd).where(OmgangHarledd.omgang_id.in_(select(omgangar.c.omgang_id))))
    else:
        conn.execute(delete(OmgangHarledd))
    db.infoga_select(conn, OmgangHarledd.__table__, ["omgang_id", "personer"], q)


# --- public ------------------------------------------------------------------------------------


def bygg_om(conn: Connection) -> None:
    """Recompute every derived row from the data tables (inside the caller's transaction)."""
    conn.execute(delete(Tillhorighet))
    conn.execute(delete(MatningHarledd))
    index = [i for t in (MatningHarledd, Tillhorighet) for i in db.skjut_upp_index(conn, t.__table__)]
    _fyll(conn, None)
    db.aterskapa_index(conn, index)
    _omgangsstorlek(conn, None)


class Andringar:
    """What a transaction changed that the derived tables depend on, collected in temporary
    tables on its connection (so an import of millions of rows holds none of it in memory),
    then recomputed at once by :meth:`berakna_om`.

    Mark ``omgangar`` (a round whose date changed, or that is new, or whose rows were
    deleted), ``personer`` (a person whose sex, birth year or region changed, or whose
    episodes changed: the old and the new person of an episode) and ``matningar`` (matning
    rows inserted or changed). Marking something twice is harmless.
    """

    def __init__(self, conn: Connection):
        self.conn = conn
        self._tabeller = [db.skapa_temptabell(conn, t) for t in (_OMGANGAR, _PERSONER, _MATNINGAR)]
        self.tomt = True

    def _markera(self, tabell: Table, kolumner: list[str], rader: Iterable[tuple]) -> None:
        bit: list[tuple] = []
        for rad in rader:
            bit.append(rad)
            if len(bit) >= BITSTORLEK:
                db.skriv_tupler(self.conn, tabell, kolumner, bit, ignorera_dubbletter=True)
                bit = []
                self.tomt = False
        if bit:
            db.skriv_tupler(self.conn, tabell, kolumner, bit, ignorera_dubbletter=True)
            self.tomt = False

    def omgangar(self, omgang_ids: Iterable[str]) -> None:
        self._markera(_OMGANGAR, ["omgang_id"], ((o,) for o in omgang_ids))

    def personer(self, person_ids: Iterable[str]) -> None:
        self._markera(_PERSONER, ["person_id"], ((p,) for p in person_ids))

    def matningar(self, nycklar: Iterable[tuple[str, str]]) -> None:
        self._markera(_MATNINGAR, ["omgang_id", "person_id"], nycklar)

    def berakna_om(self) -> None:
        """Recompute the derived rows of everything marked, then drop the temporary tables."""
        if not self.tomt:
            self._berakna_om()
        self.stang()

    def _berakna_om(self) -> None:
        conn = self.conn
        omfang = db.skapa_temptabell(conn, _OMFANG)
        k = ["omgang_id", "person_id"]
        db.infoga_select(conn, omfang, k, select(_MATNINGAR.c.omgang_id, _MATNINGAR.c.person_id))
        for markerade, kolumn in ((_OMGANGAR, Matning.omgang_id), (_PERSONER, Matning.person_id)):
            db.infoga_select(
                conn,
                omfang,
                k,
                select(Matning.omgang_id, Matning.person_id).join(markerade, markerade.c[kolumn.key] == kolumn),
                ignorera_dubbletter=True,
            )
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE _harl_omfang")
        urval = select(omfang.c.omgang_id, omfang.c.person_id)
        conn.execute(delete(Tillhorighet).where(tuple_(Tillhorighet.omgang_id, Tillhorighet.person_id).in_(urval)))
        conn.execute(
            delete(MatningHarledd).where(tuple_(MatningHarledd.omgang_id, MatningHarledd.person_id).in_(urval))
        )
        _fyll(conn, omfang)
        lista = db.skapa_temptabell(conn, _OMGANGSLISTA)
        db.infoga_select(conn, lista, ["omgang_id"], select(_OMGANGAR.c.omgang_id))
        db.infoga_select(conn, lista, ["omgang_id"], select(distinct(_MATNINGAR.c.omgang_id)), ignorera_dubbletter=True)
        _omgangsstorlek(conn, lista)
        db.ta_bort_temptabell(conn, lista)
        db.ta_bort_temptabell(conn, omfang)

    def stang(self) -> None:
        """Drop the temporary tables (also when nothing is recomputed)."""
        for t in self._tabeller:
            db.ta_bort_temptabell(self.conn, t)
        self._tabeller = []


def berakna_om(
    conn: Connection,
    omgangar: Iterable[str] | None = None,
    personer: Iterable[str] | None = None,
    matningar: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Recompute the derived rows that a write touched, inside the caller's transaction.

    Parameters
    ----------
    conn : the connection of the transaction that made the write.
    omgangar : rounds whose date changed, that are new, or whose matning rows were deleted:
        every row of the round, and its size, is recomputed.
    personer : persons whose ``kon``, ``fodelsear`` or ``fodelseregion`` changed, or who got,
        lost or changed an ``insats`` (give the old and the new person of a moved episode):
        every round of the person is recomputed.
    matningar : ``(omgang_id, person_id)`` of matning rows inserted or changed.

    With none of the three given, everything is recomputed (:func:`bygg_om`).
    """
    if omgangar is None and personer is None and matningar is None:
        bygg_om(conn)
        return
    a = Andringar(conn)
    if omgangar is not None:
        a.omgangar(omgangar)
    if personer is not None:
        a.personer(personer)
    if matningar is not None:
        a.matningar(matningar)
    a.berakna_om()
