"""Sammanfattning: the indicators that matter across rounds, kvinnor and män, in plain Swedish,
and the review pack (issue 17). Disclosure control is always on here."""

import streamlit as st

from core import text, ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "sammanfattning")
s = ui.las_sammanfattning(omfang)

st.title("Sammanfattning")

if s.senaste is None:
    ui.inga_omgangar(omfang)

datum = s.serie.loc[s.serie["omgang_id"] == s.senaste, "datum"].iloc[0]
st.caption(
    f"Den senaste mätomgången, {s.senaste} ({text.datum(datum)}), och utvecklingen över alla mätomgångar. "
    "Röjandeskyddet är alltid på här: små tal och tal som de kan räknas fram ur visas som ”dolt”."
)

st.subheader("Det viktigaste")
st.markdown("\n".join(f"- {m}" for m in s.meningar))

st.subheader("Nyckeltal över tid")
ui.indikatorer(s)

st.subheader("Rapport till uppföljningsmötet")
ui.rapportpaket_block(omfang, s.senaste)

with st.expander("Definitioner"):
    st.write(
        "Varje nyckeltal är samma som på Översikt för respektive mätomgång. Förändringen är mot "
        "föregående mätomgång; en andel i procentenheter. Avslut till arbete eller studier är en "
        "andel av avsluten sedan föregående mätomgång, inte av personerna."
    )
