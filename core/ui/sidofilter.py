"""The sidebar's shared widgets: the round selector and the filter (Urval), kept across page switches."""

from __future__ import annotations

import streamlit as st

from core import config, koder, text
from core.matt import profil as profil_matt
from core.matt.profil import ALLA, Urval
from core.omfang import Omfang
from core.ui.laddare import las_omgangar
from core.ui.motor import TTL_DATA, _engine, _som_datum, dataversion, enheter_i_ordning, kort_enhetsnamn
from core.ui.widgetar import flerval

# Widget keys of the shared sidebar filters (kept across page switches, see bevara_filter).
OMGANG_NYCKEL = "vagen_omgang"


# The Målgrupp filter (core.matt.profil.Urval): one multiselect per field, codes as values.
URVALSNYCKLAR = {
    "enhet": "vagen_urval_enhet",
    "kon": "vagen_urval_kon",
    "aldersgrupp": "vagen_urval_aldersgrupp",
    "fodelseregion": "vagen_urval_fodelseregion",
    "inskrivningstid": "vagen_urval_inskrivningstid",
}


FILTERNYCKLAR = (OMGANG_NYCKEL, *URVALSNYCKLAR.values())


def bevara_filter() -> None:
    """Keep the shared filters' values while a page without them is shown.

    Streamlit forgets a widget's value when a run does not draw it; writing the value back
    at the start of the run keeps it (the documented way to carry widget state across pages).
    """
    for nyckel in FILTERNYCKLAR:
        if nyckel in st.session_state:
            st.session_state[nyckel] = st.session_state[nyckel]


def omgangsetikett(rad) -> str:
    """``2019-09 (2019-09-15)``, or the round's name with its date."""
    namn = rad["benamning"] or rad["omgang_id"]
    return f"{namn} ({text.datum(_som_datum(rad['datum']))})"


def korta_omgangsetiketter(omgangar) -> dict[str, str]:
    """Each round's name for a narrow select field (``Mätning september 2019``), with its
    date only where two rounds share a name: a select field cannot wrap, and the sidebar's
    cut off ``Mätning september 2019 (2019-0``."""
    namn = {r["omgang_id"]: (r["benamning"] or r["omgang_id"]) for _, r in omgangar.iterrows()}
    dubbla = {n for n in namn.values() if list(namn.values()).count(n) > 1}
    return {
        r["omgang_id"]: omgangsetikett(r) if namn[r["omgang_id"]] in dubbla else namn[r["omgang_id"]]
        for _, r in omgangar.iterrows()
    }


def omgangsval(omfang: Omfang) -> str | None:
    """The round selector in the sidebar (newest first, the latest preselected).

    Returns
    -------
    str or None
        The chosen ``omgang_id``; None when the database has no rounds.
    """
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.session_state.pop(OMGANG_NYCKEL, None)
        return None
    etiketter = korta_omgangsetiketter(omgangar)
    if st.session_state.get(OMGANG_NYCKEL) not in etiketter:
        # A round that no longer exists (or another database): start from the latest.
        st.session_state.pop(OMGANG_NYCKEL, None)
    vald = st.sidebar.selectbox(
        "Mätomgång",
        list(etiketter),
        format_func=etiketter.get,
        key=OMGANG_NYCKEL,
        help="Den senaste mätomgången står först.",
    )
    rad = omgangar[omgangar["omgang_id"] == vald]
    if not rad.empty:
        # The date under the choice: a select field cannot wrap, so the name alone is in it.
        st.sidebar.caption(f"Mätdag {text.datum(_som_datum(rad.iloc[0]['datum']))}")
    return vald


def vald_omgang() -> str | None:
    """The round chosen in the sidebar (None: the latest)."""
    return st.session_state.get(OMGANG_NYCKEL)


URVAL_ETIKETTER = {
    "enhet": "Enhet",
    "kon": "Kön",
    "aldersgrupp": "Åldersgrupp",
    "fodelseregion": "Födelseregion",
    "inskrivningstid": "Tid med försörjningsstöd",
}


URVAL_RENSA_NYCKEL = "vagen_urval_rensa"


def _urvalsalternativ(falt: str) -> dict[str, str]:
    saknas = {koder.SAKNAS: koder.SAKNAS_ETIKETT}
    if falt == "enhet":
        return enheter_i_ordning()
    if falt == "kon":
        return {**koder.KON_PLURAL, **saknas}
    if falt == "aldersgrupp":
        return {**koder.ALDERSGRUPP, **saknas}
    if falt == "fodelseregion":
        return {**koder.FODELSEREGION, **saknas}
    return {**koder.INSKRIVNINGSTID, **saknas}


def _rensa_urval() -> None:
    for nyckel in URVALSNYCKLAR.values():
        st.session_state[nyckel] = []


def urvalsval(omfang: Omfang | None = None, omgang_id: str | None = None) -> Urval:
    """The Målgrupp filter in the sidebar: unit, sex, age band, birth region, time on
    assistance (drawn once by ``app.py`` on the pages that use it; empty means all).

    Returns
    -------
    core.matt.profil.Urval
        Frozen and hashable, so it is part of every cache key.
    """
    st.sidebar.markdown("**Urval**")
    spärrade = las_sparrade_val(omfang, omgang_id) if omfang is not None and omgang_id else {}
    for falt, nyckel in URVALSNYCKLAR.items():
        alternativ = _urvalsalternativ(falt)
        dolda = spärrade.get(falt, set())
        # A group whose size is hidden cannot be chosen (rule 7): it is not offered, and the
        # caption under the list says which and why.
        valbara = {k: v for k, v in alternativ.items() if k not in dolda}
        vald = st.session_state.get(nyckel)
        if vald and any(v not in valbara for v in vald):
            # A unit removed since it was chosen, another database, or a group that may not
            # be chosen in this round: drop it.
            st.session_state[nyckel] = [v for v in vald if v in valbara]
        flerval(
            URVAL_ETIKETTER[falt],
            list(valbara),
            # Units by their short names: the sidebar is narrow, and a list row holds two lines.
            format_func=(lambda k, a=alternativ: kort_enhetsnamn(a.get(k, k)))
            if falt == "enhet"
            else (lambda k, a=alternativ: a.get(k, k)),
            key=nyckel,
            behallare=st.sidebar,
            max_selections=1 if (falt == "enhet" and omfang is not None and omfang.skyddad_skarm) else None,
        )
        if dolda:
            st.sidebar.caption(
                "Kan inte väljas i den här mätomgången (för få personer, röjandeskydd): "
                + ", ".join(alternativ[k] for k in alternativ if k in dolda)
                + "."
            )
    urval = valt_urval()
    if urval != ALLA:
        st.sidebar.button("Rensa urvalet", key=URVAL_RENSA_NYCKEL, on_click=_rensa_urval)
    return urval


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=100)
def _sparrade_val(url: str, omgang_id: str, troskel: int, version: str) -> dict[str, set[str]]:
    return profil_matt.sparrade_val(_engine(url), omgang_id)


def las_sparrade_val(omfang: Omfang, omgang_id: str) -> dict[str, set[str]]:
    """The filter values a suppressed scope may not choose in the round (empty otherwise)."""
    if not omfang.skyddad_skarm:
        return {}
    return _sparrade_val(config.databas_url(), omgang_id, config.skydd_troskel(), dataversion())


def valt_urval() -> Urval:
    """The filter chosen in the sidebar, codes in code-list order (one cache key per filter)."""
    varden = {}
    for falt, nyckel in URVALSNYCKLAR.items():
        vald = set(st.session_state.get(nyckel) or ())
        varden[falt] = tuple(k for k in _urvalsalternativ(falt) if k in vald)
    return Urval(**varden)


def urvalstext(urval: Urval) -> str:
    """The filter in words: ``Kön: Kvinnor; Åldersgrupp: 16–24 år`` (or "alla personer …")."""
    delar = []
    for falt in URVALSNYCKLAR:
        valda = getattr(urval, falt)
        if valda:
            alternativ = _urvalsalternativ(falt)
            delar.append(f"{URVAL_ETIKETTER[falt]}: {', '.join(alternativ.get(k, k) for k in valda)}")
    return "; ".join(delar) if delar else "alla personer i mätomgången"
