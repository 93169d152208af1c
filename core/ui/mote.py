"""The blocks of the Möte page (issue 17): the analysis seminar as seed 000 describes it.

The round's results for every variable, one screen at a time in large type for a projector,
stepped with the arrow keys (→ next, ← previous); and at any moment a question from the
room — any two variables, with the sidebar's filter — answered in the same large view
("F" toggles it). What is projected is published to the room: the view is protected by
default, also for processledning and admin, who may switch the protection off for a
closed meeting (the page then says so).
"""

from __future__ import annotations

import streamlit as st

from core import charts, koder, text
from core.matt import korstabell as korstabell_matt
from core.matt.profil import Urval
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.laddare import las_korstabell, las_profil
from core.ui.sidofilter import urvalstext
from core.ui.tabeller import skyddsnot
from core.ui.variabler import FRAGOR, KONSFARGER, OMRADEN, _kon_plural, flervalstext

MOTE_BILD = "mote_bild"
MOTE_FRAGA = "mote_fraga"
MOTE_SKYDD = "mote_skydd"
MOTE_RAD = "mote_rad"
MOTE_KOLUMN = "mote_kolumn"

# Every variable once, in the order of the areas (the seminar "showed the result for every
# variable of the follow-up").
BILDER: tuple[str, ...] = tuple(v for vs in OMRADEN.values() for v in vs)
_OMRADE = {v: o for o, vs in OMRADEN.items() for v in vs}

_STORT = """<style>
[data-testid="stHeadingWithActionElements"] h2 { font-size: 2.6rem; }
[data-testid="stMarkdownContainer"] p { font-size: 1.35rem; }
[data-testid="stMetricValue"] { font-size: 3rem; }
</style>"""


def _steg(d: int) -> None:
    st.session_state[MOTE_BILD] = (st.session_state.get(MOTE_BILD, 0) + d) % len(BILDER)


def _vaxla_fraga() -> None:
    st.session_state[MOTE_FRAGA] = not st.session_state.get(MOTE_FRAGA, False)


def motesvy(omfang: Omfang, omgang_id: str, urval: Urval) -> None:
    """The meeting view: the controls, then the current variable or the room's question."""
    st.html(_STORT)
    skyddat = st.toggle(
        "Röjandeskydd (det som visas på projektorn räknas som publicerat)",
        value=True,
        key=MOTE_SKYDD,
        help="Stäng av bara i ett slutet möte med personer som får se alla uppgifter.",
    )
    if not skyddat:
        st.warning("Röjandeskyddet är avstängt: visa inte bilden för någon utanför processledningen.")
    bild = st.session_state.get(MOTE_BILD, 0) % len(BILDER)
    fraga = st.session_state.get(MOTE_FRAGA, False)
    # Wide enough for "← Föregående" and its key hint at 1280 px (it was cut off).
    k1, k2, k3, k4 = st.columns([3, 3, 2, 3], vertical_alignment="center")
    k1.button("← Föregående", key="mote_fore", on_click=_steg, args=(-1,), shortcut="Left", disabled=fraga)
    k2.markdown("**Fråga från rummet**" if fraga else f"**Bild {bild + 1} av {len(BILDER)}** · {_OMRADE[BILDER[bild]]}")
    k3.button("Nästa →", key="mote_nasta", on_click=_steg, args=(1,), shortcut="Right", disabled=fraga)
    k4.button(
        "Tillbaka" if fraga else "Fråga från rummet",
        key="mote_fraga_knapp",
        on_click=_vaxla_fraga,
        shortcut="F",
        help="Tillbaka till genomgången av variablerna" if fraga else "En fråga från rummet: två valfria variabler",
    )
    st.caption(
        f"Tangenter: → nästa, ← föregående, F fråga från rummet. Mätomgång {omgang_id}; urval: {urvalstext(urval)}."
    )
    if fraga:
        _rummets_fraga(omfang, omgang_id, urval, skyddat)
    else:
        _variabelbild(omfang, omgang_id, urval, BILDER[bild], skyddat)


def _variabelbild(omfang: Omfang, omgang_id: str, urval: Urval, variabel: str, skyddat: bool) -> None:
    p = las_profil(omfang, omgang_id, urval, (variabel,), export=skyddat)
    st.header(FRAGOR[variabel])
    if p.vagrad or p.n_skyddad:
        st.warning(f"{p.vagrad or 'Urvalet kan inte visas.'} Ändra urvalet i sidopanelen.")
        return
    df = _kon_plural(p.fordelningar[variabel], variabel)
    undertitel = [f"Andel av {text.antal_personer(p.n)} i urvalet."]
    if (notering := flervalstext(variabel)) is not None:
        undertitel.append(notering)
    chart = charts.fordelning(
        df, koder.VARIABLER[variabel].etikett, undertitel=undertitel, farger=KONSFARGER if variabel == "kon" else None
    )
    # Rows tall enough for the projector's 20 px labels (a fixed height left the rows of the
    # chart's own 26 px step, and Vega dropped the labels that overlapped: "Män" was missing).
    diagram(charts.storbild(chart, radhojd=RADHOJD))
    skyddsnot(p.skyddad)


# A distribution's row height on the projector, in pixels.
RADHOJD = 56


def _rummets_fraga(omfang: Omfang, omgang_id: str, urval: Urval, skyddat: bool) -> None:
    korsbara = list(korstabell_matt.KORSBARA)

    def etikett(v: str) -> str:
        return koder.VARIABLER[v].etikett

    k1, k2 = st.columns(2)
    rad = k1.selectbox("Rader", korsbara, index=korsbara.index("arbetshinder"), format_func=etikett, key=MOTE_RAD)
    kolumn = k2.selectbox("Kolumner", korsbara, index=korsbara.index("kon"), format_func=etikett, key=MOTE_KOLUMN)
    if rad == kolumn:
        st.warning("Välj två olika variabler.")
        return
    kt = las_korstabell(omfang, omgang_id, rad, kolumn, urval, export=skyddat)
    st.header(f"{etikett(rad)} efter {etikett(kolumn).lower()}")
    if kt.vagrad:
        st.warning(kt.vagrad)
        return
    celler = _kon_plural(_kon_plural(kt.celler, rad, "rad", "rad_etikett"), kolumn, "kolumn", "kolumn_etikett")
    rm, km = _kon_plural(kt.rader, rad), _kon_plural(kt.kolumner, kolumn)
    visade_r = [k for k, n, s in zip(rm["kod"], rm["n"], rm["skyddad"], strict=True) if s or n]
    visade_k = [k for k, n, s in zip(km["kod"], km["n"], km["skyddad"], strict=True) if s or n]
    celler = celler[celler["rad"].isin(visade_r) & celler["kolumn"].isin(visade_k)]
    diagram(
        charts.storbild(
            charts.korstabell_karta(
                celler,
                "kolumnandel",
                f"Andel av varje kolumn (personer i urvalet: {text.tal(kt.total, skyddad=kt.total_skyddad)})",
                rad_titel=etikett(rad),
                kolumn_titel=etikett(kolumn),
            ),
            radhojd=46,
        )
    )
    skyddsnot(kt.skyddad)
