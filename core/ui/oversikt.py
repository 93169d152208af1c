"""The blocks of the Översikt page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, text
from core.matt import oversikt as oversikt_matt
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.laddare import las_oversikt
from core.ui.motor import _tal_eller_none
from core.ui.tabeller import SKYDD_AV, SKYDD_PA, _med_forklaring, andel_i_fil, andelsrubrik, nedladdning_med_skydd


def inga_omgangar(omfang: Omfang) -> None:
    """What a page that needs a round says when there is none, then stop the page."""
    if omfang.far_se_sida("data"):
        st.info("Det finns inga mätomgångar ännu. Importera en mätomgång på sidan Data.")
    else:
        st.info("Det finns inga mätomgångar ännu. Fråga processledningen när nästa mätomgång är inläst.")
    st.stop()


def nyckeltal(ov, kolumner: int = 3) -> None:
    """The key figures of Översikt as metrics, with the change since the previous round.

    A share reads ``52 %`` and changes in percentage points; a suppressed figure reads
    "dolt"; each figure's definition is its help text.
    """
    tabell = ov.tabell
    if ov.foregaende is not None:
        beskrivning = f"sedan {ov.foregaende.omgang_id}"
    else:
        beskrivning = None
    rader = list(tabell.itertuples(index=False))
    for start in range(0, len(rader), kolumner):
        for kol, r in zip(st.columns(kolumner), rader[start : start + kolumner], strict=False):
            diff = None if (r.skyddad or r.fore_skyddad) else _tal_eller_none(r.forandring)
            with kol:
                st.metric(
                    r.etikett,
                    text.matt(_tal_eller_none(r.varde), r.typ, skyddad=bool(r.skyddad)),
                    delta=text.matt_forandring(diff, r.typ) or None,
                    delta_color="off",
                    delta_arrow=_pil(diff, r.typ),
                    delta_description=beskrivning if diff is not None else None,
                    help=r.definition,
                    border=True,
                )


def tabell_kon(tabell: pd.DataFrame) -> pd.DataFrame:
    """The key figures for kvinnor, män and everyone as formatted Swedish text.

    Returns
    -------
    DataFrame
        Columns ``Nyckeltal``, ``Kvinnor``, ``Män``, ``Alla``; suppressed cells read
        "dolt", undefined ones "–".
    """
    rader = []
    for r in tabell.itertuples(index=False):
        rader.append(
            {
                "Nyckeltal": r.etikett,
                "Kvinnor": text.matt(_tal_eller_none(r.kvinnor), r.typ, skyddad=bool(r.kvinnor_skyddad)),
                "Män": text.matt(_tal_eller_none(r.man), r.typ, skyddad=bool(r.man_skyddad)),
                "Alla": text.matt(_tal_eller_none(r.varde), r.typ, skyddad=bool(r.skyddad)),
            }
        )
    return pd.DataFrame(rader, columns=["Nyckeltal", "Kvinnor", "Män", "Alla"])


def kvinnor_och_man(omfang: Omfang, ov) -> None:
    """The kvinnor/män block of Översikt: the chart of the shares, then the table of every
    key figure by sex with its download."""
    diagram(charts.nyckeltal_kon(ov.tabell))
    omgang = ov.omgang.omgang_id if ov.omgang else None
    st.dataframe(tabell_kon(ov.tabell), hide_index=True, width="stretch")
    nedladdning_med_skydd(
        omfang,
        f"oversikt-kon-{omgang or 'omgang'}.csv",
        nyckel="oversikt_kon_csv",
        skyddad=lambda: kon_fil(las_oversikt(omfang, omgang, export=True)),
        oskyddad=lambda eng: kon_fil(oversikt_matt.oversikt(eng, omfang.med_skydd(False), omgang, export=True)),
    )


def _filvarde(varde, typ: str, skyddad: bool):
    """A key figure as a download writes it: a count or months as a number, a share in per
    cent with one decimal (the form of every file, ``andel_i_fil``), hidden -> "dolt"."""
    if skyddad:
        return text.dolt()
    varde = _tal_eller_none(varde)
    if varde is None:
        return None
    if typ == "andel":
        return andel_i_fil(varde)
    return int(varde) if float(varde).is_integer() else round(float(varde), 1)


def _filetikett(etikett: str, typ: str) -> str:
    if typ == "andel":
        return andelsrubrik(etikett)
    return f"{etikett} (månader)" if typ == "manader" else etikett


def kon_fil(ov) -> pd.DataFrame:
    """The key figures by sex as a download: the round, the protection, and the legend.

    Numbers, not text: a share in per cent under a name that says so (``Har handlingsplan
    (%)``), months under ``(månader)``; hidden figures read "dolt"."""
    rader = [
        {
            "Nyckeltal": _filetikett(r.etikett, r.typ),
            "Kvinnor": _filvarde(r.kvinnor, r.typ, bool(r.kvinnor_skyddad)),
            "Män": _filvarde(r.man, r.typ, bool(r.man_skyddad)),
            "Alla": _filvarde(r.varde, r.typ, bool(r.skyddad)),
        }
        for r in ov.tabell.itertuples(index=False)
    ]
    df = pd.DataFrame(rader, columns=["Nyckeltal", "Kvinnor", "Män", "Alla"])
    df.insert(0, "Röjandeskydd", SKYDD_PA if ov.skyddad else SKYDD_AV)
    df.insert(0, "Mätomgång", ov.omgang.omgang_id if ov.omgang else "")
    return _med_forklaring(df)


def tabell_definitioner(tabell: pd.DataFrame) -> pd.DataFrame:
    """Each key figure with its definition (columns ``Nyckeltal``, ``Definition``)."""
    return pd.DataFrame({"Nyckeltal": tabell["etikett"], "Definition": tabell["definition"]})


def _pil(diff, typ: str = "antal") -> str:
    """The metric's arrow: none for a change that reads as zero (``±0``, ``±0 procentenheter``)."""
    if diff is None or text.matt_forandring(diff, typ).startswith("±"):
        return "off"
    return "up" if diff > 0 else "down"
