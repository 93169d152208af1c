"""The populations of Insatsflöden: a period's intervention episodes, and the persons behind them.

Two things are counted, and they are kept apart because a count of episodes is not a count
of persons:

- :class:`EpisodPopulation` — the ``insats`` episodes whose ``remissdatum`` falls in the
  period (both ends inclusive). Dimensions ``kon`` and ``aldersgrupp`` (the person's, age at
  the period's last day) and ``insatstyp`` (1–12); variables ``fran_enhet`` (who referred),
  ``till_enhet`` (who delivers) and ``utfall`` (the episode's state on the period's last day:
  waiting, ongoing, or how it ended). The referral matrix, the unit × insatstyp matrix and
  the outcomes are this population's layers.
- :class:`VagPopulation` — the persons with at least one such episode. Dimensions ``kon`` and
  ``aldersgrupp``; variables ``steg1`` … ``steg4`` (the person's path, see
  :func:`core.matt.floden.vagar`) and ``overlamningar`` (handovers, ``0``, ``1``, ``2``,
  ``3+``). The flow diagram is the chain ``K(steg1 … steg4)`` of this population
  (:mod:`core.kedja`).

Both read the period's episodes once (one bounded query: the period's rows with the person's
sex and birth year, never more), derive the codes with the pure functions of
:mod:`core.matt.floden`, and count with pandas ``groupby``; only counts leave this module,
and only through the engine (or, for an unprotected scope, the same counts raw).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from core import koder
from core.models import Enhet, Insats, Person
from core.population import SAKNAS, Population, Varspec

TYPKODER: tuple[str, ...] = tuple(str(k) for k in koder.INSATSTYP)
KON_KODER: tuple[str, ...] = ("K", "M", SAKNAS)
ALDER_KODER: tuple[str, ...] = (*koder.ALDERSGRUPP, SAKNAS)


def enheter(engine: Engine) -> tuple[str, ...]:
    """Every unit code, the process units first (the order of the code list: typ, then code)."""
    ordning = {"process": 0, "kommun": 1, "extern": 2}
    with engine.connect() as conn:
        rader = conn.execute(select(Enhet.enhet, Enhet.typ)).all()
    return tuple(e for e, t in sorted(rader, key=lambda r: (ordning.get(r[1] or "", 3), r[0])))


def hamta_episoder(engine: Engine, fran: dt.date, till: dt.date) -> pd.DataFrame:
    """The episodes referred in ``[fran, till]`` with the person's sex and birth year.

    Columns ``insats_id, person_id, insatstyp, fran_enhet, till_enhet, remissdatum,
    startdatum, slutdatum, avslutsorsak, kon, fodelsear`` (dates as ``datetime.date`` or None).
    """
    q = (
        select(
            Insats.insats_id,
            Insats.person_id,
            Insats.insatstyp,
            Insats.fran_enhet,
            Insats.till_enhet,
            Insats.remissdatum,
            Insats.startdatum,
            Insats.slutdatum,
            Insats.avslutsorsak,
            Person.kon,
            Person.fodelsear,
        )
        .join(Person, Person.person_id == Insats.person_id)
        .where(Insats.remissdatum >= fran, Insats.remissdatum <= till)
    )
    with engine.connect() as conn:
        rader = conn.execute(q).all()
    kol = [
        "insats_id",
        "person_id",
        "insatstyp",
        "fran_enhet",
        "till_enhet",
        "remissdatum",
        "startdatum",
        "slutdatum",
        "avslutsorsak",
        "kon",
        "fodelsear",
    ]
    return pd.DataFrame([tuple(r) for r in rader], columns=kol)


class RamPopulation(Population):
    """A population held as a frame of single-valued codes (one row per counted unit).

    ``ram()`` is called once, lazily, on the first count: a release whose layers are cached
    never reads the data again. Every dimension and variable column holds strings, ``saknas``
    for blank.
    """

    dims_koder: dict[str, tuple[str, ...]]

    def __init__(self, nyckel: tuple, dims_koder: dict[str, tuple[str, ...]], variabler: dict[str, Varspec], ram):
        self.nyckel = nyckel
        self.dims_koder = dims_koder
        self.variabler = variabler
        self.dimensionsvariabler = tuple(dims_koder)
        self._laddare = ram
        self._ram: pd.DataFrame | None = None

    @property
    def ram(self) -> pd.DataFrame:
        if self._ram is None:
            self._ram = self._laddare()
        return self._ram

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:
        return self.dims_koder[dim]

    def _rakna(self, kolumner: list[str]) -> dict[tuple, int]:
        df = self.ram
        if df.empty:
            return {}
        if not kolumner:
            return {(): len(df)}
        s = df.groupby(kolumner, sort=False, observed=True).size()
        return {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in s.items()}

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        return self._rakna(list(dims))

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        ut: dict[tuple, int] = {}
        for v in self.variabler:
            for k, n in self._rakna([*dims, v]).items():
                ut[(v, k[-1], k[:-1])] = n
        return ut

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:
        return {(k[-2], k[-1], k[:-2]): n for k, n in self._rakna([*dims, v1, v2]).items()}
