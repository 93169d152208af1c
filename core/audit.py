"""The audit log: who did what and when (never row contents, never person ids)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, insert
from sqlalchemy.engine import Connection

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
}


def logga(
    mal: Engine | Connection,
    anvandare: str | None,
    handelse: str,
    *,
    lyckad: bool = True,
    detalj: dict | None = None,
) -> None:
    """Append one event. ``detalj`` holds counts, file names and filters, never row contents.

    Written in its own transaction when given an engine, so a failed import is still logged.
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
    else:
        with mal.begin() as conn:
            conn.execute(insert(Granskningslogg), rad)
