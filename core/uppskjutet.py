"""Writes that never hold up a page: audit entries and the activity record, deferred when the
database is busy.

A long import holds SQLite's one write lock for minutes (on PostgreSQL a writer may hold the
rows a write needs). Reading goes on from the data as it was, but a page run also writes: the
user's activity (once a minute) and audit entries (logout, export, person lists). Such a write
here waits at most :data:`core.db.KORT_VANTAN` seconds for its lock. What could not be written
is kept in this process's memory, in order, and written first by the next write of the
process, or by the next page run (:func:`skriv_vantande`); each entry keeps the time it
happened. Nothing is dropped silently: when the process ends, one last attempt waits as long
as an ordinary write, and what still cannot be written is reported on the log as a count
(never contents), as is anything dropped beyond :data:`MAX_VANTANDE` entries.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert, select

from core import db
from core.models import Aktivitet, Granskningslogg

log = logging.getLogger(__name__)

# After a write found the database busy, writes of the next PAUS seconds do not ask again
# (they are deferred at once), so a page run during an import waits at most once.
PAUS = 1.0
# At most this many audit entries wait per database; beyond that the oldest are dropped,
# and the log says how many.
MAX_VANTANDE = 100_000


@dataclass
class _Ko:
    engine: Engine
    granskning: list[dict] = field(default_factory=list)
    aktivitet: dict[str, dt.datetime] = field(default_factory=dict)
    upptagen_till: float = 0.0


_LAS = threading.Lock()
_KOER: dict[str, _Ko] = {}


def _ko(engine: Engine) -> _Ko:
    nyckel = engine.url.render_as_string(hide_password=False)
    ko = _KOER.get(nyckel)
    if ko is None:
        ko = _KOER[nyckel] = _Ko(engine)
    return ko


def _skriv(engine: Engine, granskning: list[dict], aktivitet: dict[str, dt.datetime], vantan: float) -> None:
    """Write audit entries and activity times in one short transaction (an activity time
    only where it is newer than the stored one)."""
    with db.kort_skrivning(engine, vantan) as conn:
        if granskning:
            conn.execute(insert(Granskningslogg), granskning)
        if aktivitet:
            lagrade = dict(
                conn.execute(
                    select(Aktivitet.anvandarnamn, Aktivitet.senast).where(Aktivitet.anvandarnamn.in_(list(aktivitet)))
                ).all()
            )
            nyare = [
                {"anvandarnamn": a, "senast": t}
                for a, t in aktivitet.items()
                if lagrade.get(a) is None or lagrade[a] < t
            ]
            db.upsert(conn, Aktivitet.__table__, nyare, ["anvandarnamn"])


def _forsok(
    engine: Engine,
    granskning: list[dict] = (),
    aktivitet: dict[str, dt.datetime] | None = None,
    *,
    vantan: float = db.KORT_VANTAN,
    tvinga: bool = False,
) -> bool:
    """Write what waits for ``engine`` and the new items now, or keep them all for later.

    Returns True when everything was written, False when it was kept (the database was busy,
    or its disk full). Any other database error is raised, with everything kept.
    """
    with _LAS:
        ko = _ko(engine)
        alla = [*ko.granskning, *granskning]
        akt = dict(ko.aktivitet)
        for a, t in (aktivitet or {}).items():
            akt[a] = max(t, akt.get(a, t))
        if not alla and not akt:
            return True
        ko.granskning, ko.aktivitet = [], {}
        if not tvinga and time.monotonic() < ko.upptagen_till:
            _behall(ko, alla, akt)
            return False
    try:
        _skriv(engine, alla, akt, vantan)
    except Exception as e:
        with _LAS:
            ko = _ko(engine)
            _behall(ko, alla, akt)
            if not (isinstance(e, db.Upptagen) or db.ar_disk_full(e)):
                raise
            ko.upptagen_till = time.monotonic() + PAUS
            antal = len(ko.granskning) + len(ko.aktivitet)
        orsak = "upptagen" if isinstance(e, db.Upptagen) else "full (disken)"
        log.warning("Databasen är %s: %d skrivningar väntar och skrivs senare.", orsak, antal)
        return False
    return True


def _behall(ko: _Ko, granskning: list[dict], aktivitet: dict[str, dt.datetime]) -> None:
    """Put items back in front of what came in meanwhile (called with the lock held)."""
    ko.granskning = [*granskning, *ko.granskning]
    if len(ko.granskning) > MAX_VANTANDE:
        over = len(ko.granskning) - MAX_VANTANDE
        ko.granskning = ko.granskning[over:]
        log.error("%d granskningsposter kunde inte sparas (för många väntade).", over)
    for a, t in aktivitet.items():
        ko.aktivitet[a] = max(t, ko.aktivitet.get(a, t))


def logga(engine: Engine, rad: dict) -> bool:
    """Append one audit row (the columns of ``granskningslogg``), waiting at most a moment.

    Returns
    -------
    bool
        True when it is stored now, False when it is kept for a later write.
    """
    return _forsok(engine, [rad])


def registrera_aktivitet(engine: Engine, anvandarnamn: str, nu: dt.datetime) -> bool:
    """Record that ``anvandarnamn`` was active at ``nu``, waiting at most a moment; True
    when stored now, False when kept for later (:func:`vantande_aktivitet` still knows it)."""
    return _forsok(engine, aktivitet={anvandarnamn: nu})


def skriv_vantande(engine: Engine, *, vantan: float = db.KORT_VANTAN, tvinga: bool = False) -> int:
    """Write what waits for ``engine`` (the start of every page run calls this).

    Parameters
    ----------
    vantan : seconds to wait for the lock.
    tvinga : ask the database even within :data:`PAUS` after it was found busy.

    Returns
    -------
    int
        How many writes still wait (0 when all are stored).
    """
    _forsok(engine, vantan=vantan, tvinga=tvinga)
    return antal_vantande(engine)


def antal_vantande(engine: Engine) -> int:
    """How many audit entries and activity times wait to be written for ``engine``."""
    with _LAS:
        ko = _ko(engine)
        return len(ko.granskning) + len(ko.aktivitet)


def vantande_aktivitet(engine: Engine, anvandarnamn: str) -> dt.datetime | None:
    """The activity time of ``anvandarnamn`` that waits to be written, or None."""
    with _LAS:
        return _ko(engine).aktivitet.get(anvandarnamn)


def _rensa() -> None:
    """Forget everything that waits (tests only)."""
    with _LAS:
        _KOER.clear()


@atexit.register
def _vid_avslut() -> None:
    """The last attempt when the process ends: wait as an ordinary write does."""
    with _LAS:
        koer = list(_KOER.values())
    for ko in koer:
        if not (ko.granskning or ko.aktivitet):
            continue
        try:
            kvar = skriv_vantande(ko.engine, vantan=db.VANTAN, tvinga=True)
        except Exception as e:  # noqa: BLE001 - at exit: report, never raise
            log.error("Väntande skrivningar kunde inte sparas (%s).", type(e).__name__)
            kvar = antal_vantande(ko.engine)
        if kvar:
            log.error("%d granskningsposter och aktivitetstider kunde inte sparas när processen avslutades.", kvar)
