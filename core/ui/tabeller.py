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


# Up to this many rows, a table with long texts is drawn as a plain table whose cells wrap.
RADER_SOM_TEXTTABELL = 200


def _som_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a person reads: numbers in Swedish, missing values blank."""

    def cell(v) -> str:
        if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, int | float) and not isinstance(v, bool):
            return text.tal(v, 0 if float(v).is_integer() else 1)
        return str(v)

    return pd.DataFrame({k: [cell(v) for v in df[k].tolist()] for k in df.columns}, columns=df.columns)


def tabell_med_nedladdning(
    df: pd.DataFrame,
    filnamn: str,
    *,
    nyckel: str,
    etikett: str = "Ladda ner (CSV)",
    breda: tuple[str, ...] = (),
    radbryt: bool = False,
) -> None:
    """A table and a download of exactly what it shows (CSV for Swedish Excel).

    ``breda`` names columns of long text (messages), as wide as their longest text. With
    ``radbryt`` a table of at most ``RADER_SOM_TEXTTABELL`` rows is drawn as a plain table
    whose cells wrap instead (import errors: a grid cut the long messages off at its edge).
    """
    if radbryt and len(df) <= RADER_SOM_TEXTTABELL:
        # Long messages wrap in a plain table; a grid would cut them off at its edge.
        st.table(_som_text(df), hide_index=True)
    else:
        kolumner = {k: st.column_config.TextColumn(width=textbredd(df[k])) for k in breda if k in df.columns}
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


# Shares in every CSV download: per cent with one decimal (``52,1`` with the decimal comma of
# csv_for_lasning) under a heading that says so (``Andel (%)``). One form in every file, so
# that a column of shares is never read as a column of counts or of fractions.
ANDEL_I_FIL = " (%)"


def andelsrubrik(namn: str) -> str:
    """The heading of a column of shares in a download: ``Andel`` -> ``Andel (%)``."""
    return namn + ANDEL_I_FIL


def andel_i_fil(andel, skyddad: bool = False) -> float | None:
    """A share 0–1 as a download writes it: per cent, one decimal (``0.5214 -> 52.1``);
    hidden or undefined -> None (a blank cell). Use with :func:`andelsrubrik`."""
    if skyddad or andel is None or pd.isna(andel):
        return None
    return round(float(andel) * 100, 1)


def andelskolumner(df: pd.DataFrame, kolumner) -> pd.DataFrame:
    """A download's columns of shares (fractions 0–1) in the one form of every file: per cent
    with one decimal under ``<namn> (%)``. For a page whose file builder has its shares as
    fractions: ``andelskolumner(df, ["Andel"])``."""
    ut = df.copy()
    for k in kolumner:
        ut[k] = [andel_i_fil(a) for a in ut[k]]
    return ut.rename(columns={k: andelsrubrik(k) for k in kolumner})


_andel_eller_tom = andel_i_fil


# Pixels per character of a table cell and the padding of a cell (Streamlit's grid, 14 px
# Source Sans): generous, so that a column sized by textbredd never cuts its longest text.
_PX_PER_TECKEN = 7.6
_PX_CELL = 28


def textbredd(texter, *, rubrik: str | None = None, hogst: int = 1000) -> int:
    """The width in pixels of a table column that shows its longest text (and its heading)
    whole, for ``st.column_config.*Column(width=...)``; at most ``hogst``."""
    langst = max((len(str(t)) for t in texter if t is not None), default=0)
    if rubrik is None and getattr(texter, "name", None) is not None:
        rubrik = str(texter.name)
    langst = max(langst, len(rubrik or ""))
    return int(min(max(langst * _PX_PER_TECKEN + _PX_CELL, 60), hogst))


def tabell(df: pd.DataFrame, *, bred: bool = False) -> None:
    """A table of formatted text, every row shown, numbers (every column but the first)
    right-aligned. ``bred``: as wide as the page (cross-tabs); else as wide as its content.
    The first column (the labels) is as wide as its longest label, so none is cut off."""
    forsta = df.columns[0]
    config = {forsta: st.column_config.TextColumn(width=textbredd(df[forsta]))}
    # The figures share what is left of the page (bred) or are as wide as their heading.
    config |= {
        k: st.column_config.TextColumn(alignment="right", width=None if bred else max(100, textbredd(df[k], hogst=260)))
        for k in df.columns[1:]
    }
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
