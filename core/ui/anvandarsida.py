"""The blocks of the Användare page (user administration)."""

from __future__ import annotations

import pandas as pd

from core import auth, koder, text
from core.omfang import Omfang
from core.ui.inloggning import _credentials, _omfang, anvandarnamn
from core.ui.motor import engine, enhetsnamn, kort_enhetsnamn

ANVANDAR_KOLUMNER = {
    "anvandarnamn": "Användarnamn",
    "namn": "Namn",
    "roll": "Roll",
    "enhet": "Enhet",
    "aktiv": "Aktiv",
    "last_till": "Låst till",
}


def anvandare(omfang: Omfang) -> pd.DataFrame:
    """Every user (admin only) as the raw frame of ``core.auth.lista_anvandare``."""
    return auth.lista_anvandare(engine(), omfang)


def anvandartabell(df: pd.DataFrame) -> pd.DataFrame:
    """The users with Swedish headers and labels, for the table on the page."""
    ut = df[list(ANVANDAR_KOLUMNER)].rename(columns=ANVANDAR_KOLUMNER)
    ut["Roll"] = ut["Roll"].map(lambda r: koder.ROLLER.get(r, r))
    # The short name: the table must fit the page (its last column was cut off).
    ut["Enhet"] = [kort_enhetsnamn(enhetsnamn(e)) if isinstance(e, str) and e else "" for e in ut["Enhet"]]
    ut["Aktiv"] = ut["Aktiv"].map({True: "Ja", False: "Nej"})
    ut["Låst till"] = [text.tid(t) if t is not None and not pd.isna(t) else "" for t in ut["Låst till"]]
    return ut


def anvandaretikett(lista: pd.DataFrame, anvandarnamn_: str) -> str:
    """A user in the chooser: ``karin – Karin Karlsson (Medarbetare)``."""
    rad = lista.set_index("anvandarnamn").loc[anvandarnamn_]
    return f"{anvandarnamn_} – {rad['namn']} ({koder.ROLLER.get(rad['roll'], rad['roll'])})"


def administrera(atgard: str, omfang: Omfang, *args, **kwargs):
    """Run one user-administration action of ``core.auth`` as the logged-in admin.

    ``atgard`` is one of ``skapa``, ``andra``, ``losenord``, ``las_upp``. Returns what the
    action returns; the credentials cache is cleared so the login sees the change at once.
    """
    funktioner = {
        "skapa": auth.skapa_anvandare_som_admin,
        "andra": auth.andra_anvandare,
        "losenord": auth.aterstall_losenord,
        "las_upp": auth.las_upp,
    }
    svar = funktioner[atgard](engine(), omfang, anvandarnamn(), *args, **kwargs)
    _credentials.clear()
    _omfang.clear()
    return svar
