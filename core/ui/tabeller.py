"""Tables and downloads: one download helper for every page, through disclosure control and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import audit, config, db, nedladdning, text
from core.omfang import Omfang
from core.ui.inloggning import anvandarnamn


def _med_forklaring(df: pd.DataFrame) -> pd.DataFrame:
    """A download with hidden figures carries the legend (rule 8) in a last column."""
    if (df.astype(str) == text.dolt()).to_numpy().any():
        df = df.copy()
        df["Förklaring"] = text.skyddsforklaring()
    return df


def skyddsnot(skyddad: bool) -> None:
    """The legend of the neutral mark, on every page that can show hidden figures."""
    if skyddad:
        st.caption(text.skyddsforklaring())


def tabell_med_nedladdning(
    df: pd.DataFrame,
    filnamn: str,
    *,
    nyckel: str,
    etikett: str = "Ladda ner (CSV)",
    breda: tuple[str, ...] = (),
) -> None:
    """A table and a download of exactly what it shows (CSV for Swedish Excel).

    ``breda`` names columns of long text (messages) that get the widest column.
    """
    kolumner = {k: st.column_config.TextColumn(width="large") for k in breda}
    st.dataframe(df, hide_index=True, width="stretch", column_config=kolumner or None)
    st.download_button(
        etikett,
        data=nedladdning.csv_for_lasning(df),
        file_name=filnamn,
        mime="text/csv",
        key=nyckel,
        on_click="ignore",
    )


OKAND_OCH_SAKNAS = (
    "”Okänt” betyder att handläggaren svarade att uppgiften inte är känd; ”Uppgift saknas” att frågan inte besvarades."
)

SKYDD_AV = "av – får inte spridas"


SKYDD_PA = "på"


UTAN_SKYDD_ETIKETT = "Ladda ner utan röjandeskydd"


def _antal_eller_farre(n, skyddad: bool):
    """A count for a download: the number, or "dolt"."""
    if skyddad:
        return text.dolt()
    return None if n is None or pd.isna(n) else int(n)


def _andel_eller_tom(andel, skyddad: bool = False):
    if skyddad or andel is None or pd.isna(andel):
        return None
    return float(andel)


def tabell(df: pd.DataFrame, *, bred: bool = False) -> None:
    """A table of formatted text, every row shown, numbers (every column but the first)
    right-aligned. ``bred``: as wide as the page (cross-tabs); else as wide as its content."""
    forsta = df.columns[0]
    config = {forsta: st.column_config.TextColumn(width=None if bred else "large")}
    config |= {k: st.column_config.TextColumn(alignment="right", width=None if bred else 100) for k in df.columns[1:]}
    hojd = min(35 * (len(df) + 1) + 3, 800)  # every row, no scrolling (Streamlit's row height)
    st.dataframe(df, hide_index=True, width="stretch" if bred else "content", height=hojd, column_config=config)


def _loggad_fil(bygg, filnamn: str, anvandare: str | None, *, rojandeskydd: bool):
    """A callable for ``st.download_button`` that returns the file when clicked and logs the
    download in the audit log then (no Streamlit calls: it runs outside the script).

    ``bygg`` is either the finished bytes (a protected file, built from the cached release)
    or ``(engine) -> DataFrame`` (an unprotected one, built only when clicked)."""
    url = config.databas_url()

    def skapa() -> bytes:
        data = bygg if isinstance(bygg, bytes) else nedladdning.csv_for_lasning(bygg(db.get_engine(url)))
        audit.logga(
            db.get_engine(url),
            anvandare,
            "export",
            detalj={"format": "csv", "fil": filnamn, "rojandeskydd": rojandeskydd},
        )
        return data

    return skapa


def nedladdning_med_skydd(
    omfang: Omfang,
    filnamn: str,
    *,
    nyckel: str,
    skyddad,
    oskyddad,
    etikett: str = "Ladda ner (CSV)",
) -> None:
    """The one download of every page's tables: through disclosure control, and logged.

    Every role gets the protected file by default — politiker and medarbetare always.
    processledning and admin get the unprotected one only when they tick "Ladda ner utan
    röjandeskydd"; that file states it in its ``Röjandeskydd`` column and is built only when
    clicked. Every download is written to the audit log (event ``export``, with whether it
    was protected). A protected file with hidden figures carries the legend.

    Parameters
    ----------
    skyddad : () -> DataFrame, the protected table (``export=True`` with the user's scope).
    oskyddad : (engine) -> DataFrame, the unprotected table (``export=True`` with
        ``omfang.med_skydd(False)``); runs outside the script, so no cached loaders.
    """
    utan_skydd = False
    if not omfang.skyddad_skarm:
        utan_skydd = st.checkbox(
            UTAN_SKYDD_ETIKETT,
            key=f"{nyckel}_utan_skydd",
            help="Filen visar då även små tal. Den får inte spridas, och uttaget loggas.",
        )
    if utan_skydd:
        data = _loggad_fil(oskyddad, filnamn, anvandarnamn(), rojandeskydd=False)
    else:
        fil = nedladdning.csv_for_lasning(_med_forklaring(skyddad()))
        data = _loggad_fil(fil, filnamn, anvandarnamn(), rojandeskydd=True)
    st.download_button(etikett, data=data, file_name=filnamn, mime="text/csv", key=nyckel, on_click="ignore")
    if utan_skydd:
        st.caption("Filen är inte röjandeskyddad: den får inte spridas.")


def _filnamn(*delar: str) -> str:
    return "-".join(str(d).replace("+", "plus").replace("<", "under") for d in delar) + ".csv"
