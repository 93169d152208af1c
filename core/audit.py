"""The audit log: who did what and when (never row contents, never person ids)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, insert
from sqlalchemy.engine import Connection

from core import uppskjutet
from core.models import Granskningslogg

# Events written to the log; the audit page filters on these.
HANDELSER = {
    "inloggning": "Inloggning",
    "inloggning_misslyckad": "Misslyckad inloggning",
    "utloggning": "Utloggning",
    "import": "Import",
    "export": "Export",
    "rapport": "Rapport",
    "personlista": "Visning av personlista",
    "anvandare": "Användaradministration",
    "demo": "Demodata laddad",
    "backup": "Säkerhetskopia",
    "aterstallning": "Återställning från säkerhetskopia",
    "radering": "Borttagen mätomgång",
}


def logga(
    mal: Engine | Connection,
    anvandare: str | None,
    handelse: str,
    *,
    lyckad: bool = True,
    detalj: dict | None = None,
) -> bool:
    """Append one event. ``detalj`` holds counts, file names and filters, never row contents.

    Given a connection, the entry is part of the caller's transaction. Given an engine, it is
    written in its own transaction (so a failed import is still logged) that waits at most a
    moment for the lock: while an import holds the database, the entry is kept in memory with
    its time and written by a later write (:mod:`core.uppskjutet`), so a page never waits.

    Returns
    -------
    bool
        True when the entry is stored (or part of the caller's transaction), False when it
        waits to be written.
    """
    rad = {
        "tid": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "anvandare": anvandare,
        "handelse": handelse,
        "lyckad": lyckad,
        "detalj": json.dumps(detalj, ensure_ascii=False, default=str) if detalj else None,
    }
    if isinstance(mal, Connection):
        mal.execute(insert(Granskningslogg), rad)
        return True
    return uppskjutet.logga(mal, rad)


def lista(
    engine: Engine,
    omfang,
    *,
    anvandare: str | None = None,
    handelser: tuple[str, ...] = (),
    fran: dt.date | None = None,
    till: dt.date | None = None,
    bara_misslyckade: bool = False,
    grans: int = 2000,
):
    """The audit log, newest first, for the audit page (admin and processledning only).

    Parameters
    ----------
    omfang : the caller's scope; other roles get ``BehorighetsFel``.
    anvandare : only this user's events; handelser : only these events (codes of HANDELSER);
    fran, till : dates, both inclusive; bara_misslyckade : only failed events;
    grans : at most this many rows (the newest).

    Returns
    -------
    pandas.DataFrame with ``tid, anvandare, handelse, handelse_text, lyckad, detalj``.
    """
    import pandas as pd
    from sqlalchemy import select

    omfang.kontrollera_sida("granskning")
    q = select(
        Granskningslogg.tid,
        Granskningslogg.anvandare,
        Granskningslogg.handelse,
        Granskningslogg.lyckad,
        Granskningslogg.detalj,
    )
    if anvandare:
        q = q.where(Granskningslogg.anvandare == anvandare)
    if handelser:
        q = q.where(Granskningslogg.handelse.in_(handelser))
    if fran:
        q = q.where(Granskningslogg.tid >= dt.datetime.combine(fran, dt.time.min))
    if till:
        q = q.where(Granskningslogg.tid < dt.datetime.combine(till + dt.timedelta(days=1), dt.time.min))
    if bara_misslyckade:
        q = q.where(Granskningslogg.lyckad.is_(False))
    q = q.order_by(Granskningslogg.tid.desc(), Granskningslogg.id.desc()).limit(grans)
    with engine.connect() as conn:
        rader = conn.execute(q).all()
    df = pd.DataFrame(rader, columns=["tid", "anvandare", "handelse", "lyckad", "detalj"])
    df.insert(3, "handelse_text", [HANDELSER.get(h, h) for h in df["handelse"]])
    return df
