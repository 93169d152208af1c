"""Movement across the prioritisation matrix between two rounds, for the same persons.

Definitions:

- The persons are those with a ``matning`` row in both rounds (``fran`` and ``till``); those
  who joined or left are outside the table (their numbers are the rounds' own sizes).
- For each person the change potential in each round (``hog``, ``medel``, ``lag``, ``okand``,
  blank ``saknas``) and the benefit level in each round, each round banded by *its own*
  tertiles (:func:`core.matt.prioritering.granser_for`), so "hög" means the top third of that
  round.
- Two transition tables: potential then × potential now, and level then × level now; each cell
  is the number of persons, each person in exactly one cell of each table.
- ``enhet``: only the persons who belong to the unit in the later round.

Disclosure control: both tables are cross-tabs ``P`` of one population
(:class:`ForflyttningsPopulation`, the persons in both rounds) of the engine, whose margins are
that population's distributions (never the rounds' own, which include those who joined or left;
the two are different populations, audited separately). A medarbetare's own unit is counts, the
process is the unit plus the protected rest (as on the rest of the page).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, literal, select
from sqlalchemy.orm import aliased

from core import db
from core.matt import prioritering as prio
from core.matt.profil import OmgangInfo, hamta_omgang, kontrollera_enhet
from core.models import Matning, Matomgang
from core.omfang import BehorighetsFel, Omfang, hor_till_enhet
from core.population import SAKNAS, Population, Varspec

TABELLER = {
    "potential": ("potential_fran", "potential_till", prio.POTENTIALER, prio.POTENTIAL_ETIKETT),
    "niva": ("niva_fran", "niva_till", prio.NIVAER, prio.NIVA_ETIKETT),
}


class ForflyttningsPopulation(Population):
    """The persons in both rounds, with potential and level in each (no dimensions).

    ``enhet``: only the persons who belong to it in the later round; ``utom``: only those who
    do not.
    """

    dimensionsvariabler = ()

    def __init__(
        self,
        engine: Engine,
        fran: OmgangInfo,
        till: OmgangInfo,
        version: str,
        *,
        enhet: str | None = None,
        utom: str | None = None,
    ):
        self.engine, self.fran, self.till = engine, fran, till
        self.enhet, self.utom = enhet, utom
        self.granser = (prio.granser_for(engine, fran.omgang_id), prio.granser_for(engine, till.omgang_id))
        self.nyckel = (
            "forflyttning",
            str(engine.url),
            fran.omgang_id,
            till.omgang_id,
            version,
            self.granser,
            enhet,
            utom,
        )
        pot = tuple(k for k in prio.POTENTIALER if k != SAKNAS)
        niv = tuple(k for k in prio.NIVAER if k != SAKNAS)
        self.variabler = {
            "potential_fran": Varspec("potential_fran", pot),
            "potential_till": Varspec("potential_till", pot),
            "niva_fran": Varspec("niva_fran", niv),
            "niva_till": Varspec("niva_till", niv),
        }

    def dimensionsvarden(self, dim: str) -> tuple[str, ...]:  # pragma: no cover - no dimensions
        raise ValueError(dim)

    def _bas(self):
        a, b = aliased(Matning), aliased(Matning)

        def niva_av(m, g):
            return func.coalesce(prio.niva_uttryck(g, m.bistandsbelopp_kr), literal(SAKNAS))

        villkor = [a.omgang_id == self.fran.omgang_id, b.omgang_id == self.till.omgang_id]
        if self.enhet:
            villkor.append(hor_till_enhet(self.enhet, self.till.omgang_id, self.till.datum, b.person_id))
        if self.utom:
            villkor.append(~hor_till_enhet(self.utom, self.till.omgang_id, self.till.datum, b.person_id))
        return (
            select(
                b.person_id,
                func.coalesce(a.forandringspotential, literal(SAKNAS)).label("potential_fran"),
                func.coalesce(b.forandringspotential, literal(SAKNAS)).label("potential_till"),
                niva_av(a, self.granser[0]).label("niva_fran"),
                niva_av(b, self.granser[1]).label("niva_till"),
            )
            .join(b, b.person_id == a.person_id)
            .where(*villkor)
            .subquery("bas")
        )

    def storlekar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        with self.engine.connect() as conn:
            return {(): int(conn.execute(select(func.count()).select_from(self._bas())).scalar_one())}

    def fordelningar(self, dims: tuple[str, ...]) -> dict[tuple, int]:
        b = self._bas()
        ut: dict[tuple, int] = {}
        with self.engine.connect() as conn:
            for v in self.variabler:
                for kod, n in conn.execute(select(b.c[v], func.count()).group_by(b.c[v])).all():
                    ut[(v, str(kod), ())] = int(n)
        return ut

    def par(self, v1: str, v2: str, dims: tuple[str, ...]) -> dict[tuple, int]:
        b = self._bas()
        with self.engine.connect() as conn:
            rader = conn.execute(select(b.c[v1], b.c[v2], func.count()).group_by(b.c[v1], b.c[v2])).all()
        return {(str(x), str(y), ()): int(n) for x, y, n in rader}


@dataclass
class Forflyttning:
    """The two transition tables: ``tabeller[namn]`` has columns ``fran, till, n, skyddad``
    (``n`` Int64, <NA> hidden), every pair of codes once, in code order."""

    fran: OmgangInfo
    till: OmgangInfo
    enhet: str | None
    n: int | None
    tabeller: dict[str, pd.DataFrame]
    skyddad: bool


def foregaende_omgang(engine: Engine, omgang_id: str) -> str | None:
    """The round before ``omgang_id`` by date, or None for the first."""
    till = hamta_omgang(engine, omgang_id)
    with engine.connect() as conn:
        return conn.execute(
            select(Matomgang.omgang_id).where(Matomgang.datum < till.datum).order_by(Matomgang.datum.desc()).limit(1)
        ).scalar_one_or_none()


def _tabell(varden: dict[tuple, int | None], koder_: tuple[str, ...]) -> pd.DataFrame:
    rader = [
        {"fran": x, "till": y, "n": varden.get((x, y)), "skyddad": varden.get((x, y)) is None}
        for x in koder_
        for y in koder_
    ]
    df = pd.DataFrame(rader, columns=["fran", "till", "n", "skyddad"])
    df["n"] = pd.array(df["n"], dtype="Int64")
    return df


def _raa(pop: ForflyttningsPopulation) -> tuple[int, dict[str, dict]]:
    ut = {}
    for namn, (v1, v2, koder_, _e) in TABELLER.items():
        raknat = {(x, y): n for (x, y, _d), n in pop.par(v1, v2, ()).items()}
        ut[namn] = {(x, y): raknat.get((x, y), 0) for x in koder_ for y in koder_}
    return pop.storlekar(())[()], ut


def _skyddat(pop: ForflyttningsPopulation) -> tuple[int | None, dict[str, dict]]:
    from core import frislapp, utsnitt

    fr = frislapp.Frislapp(pop)
    g = frislapp.Grupp()
    n = utsnitt.gruppstorlek(fr, g)
    ut = {}
    for namn, (v1, v2, koder_, _e) in TABELLER.items():
        ut[namn] = utsnitt.korsceller(fr, g, v1, koder_, v2, koder_)
    return n, ut


def forflyttning(
    engine: Engine,
    omfang: Omfang,
    till_omgang: str,
    fran_omgang: str | None = None,
    enhet: str | None = None,
    *,
    export: bool = False,
) -> Forflyttning | None:
    """Movement across the matrix from ``fran_omgang`` (default: the round before) to
    ``till_omgang`` for the persons in both. None when there is no earlier round.

    Parameters
    ----------
    omfang : a medarbetare gets their own unit as counts and the process as their unit plus
        the protected rest; they may not ask for another unit. processledning/admin: plain on
        screen, protected files unless they chose otherwise.
    enhet : only the persons who belong to the unit in the later round.

    Returns
    -------
    :class:`Forflyttning` or None
    """
    omfang.kontrollera_sida("prioritering")
    kand = omfang.enhet if omfang.roll == "medarbetare" else None
    if kand and enhet not in (None, kand):
        raise BehorighetsFel("Du kan bara se din egen enhet eller hela processen här.")
    if enhet:
        kontrollera_enhet(engine, enhet)
    till = hamta_omgang(engine, till_omgang)
    fran_omgang = fran_omgang or foregaende_omgang(engine, till_omgang)
    if fran_omgang is None:
        return None
    fran = hamta_omgang(engine, fran_omgang)
    if fran.datum >= till.datum:
        raise prio.PrioriteringsFel("Den första mätomgången ska vara före den andra.")
    version = db.dataversion(engine)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm

    def pop(**kw):
        return ForflyttningsPopulation(engine, fran, till, version, **kw)

    if not skyddad or (kand and enhet == kand):
        n, tab = _raa(pop(enhet=enhet))
        skyddad = False
    elif kand:
        n_u, u = _raa(pop(enhet=kand))
        n_r, r = _skyddat(pop(utom=kand))
        n = None if n_r is None else n_u + n_r
        tab = {
            namn: {k: (None if v is None else v + u[namn].get(k, 0)) for k, v in r[namn].items()} for namn in TABELLER
        }
    elif enhet:
        # A unit's table and the process's would be two releases whose difference (the rest)
        # neither audit sees: a protected file covers the whole process only.
        raise prio.PrioriteringsFel(
            "Förflyttningen för en enskild enhet kan bara hämtas utan röjandeskydd; med röjandeskydd visas hela processen."
        )
    else:
        n, tab = _skyddat(pop())
    tabeller = {namn: _tabell(tab[namn], TABELLER[namn][2]) for namn in TABELLER}
    return Forflyttning(fran, till, enhet, n, tabeller, skyddad)
