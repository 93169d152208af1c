"""Översikt: the key figures of a round, the change since the previous one, kvinnor/män."""

import streamlit as st

from core import text, ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "oversikt")
ov = ui.las_oversikt(omfang, ui.vald_omgang())

st.title("Översikt")

if ov.omgang is None:
    ui.inga_omgangar(omfang)

jamfort = (
    f" jämfört med föregående omgång {ov.foregaende.omgang_id} ({text.datum(ov.foregaende.datum)})"
    if ov.foregaende
    else " – den första mätomgången, så det finns inget att jämföra med"
)
st.caption(f"Mätomgång {ov.omgang.omgang_id} ({text.datum(ov.omgang.datum)}){jamfort}.")
ui.skyddsnot(ov.skyddad)

ui.nyckeltal(ov)

st.subheader("Sammanfattning")
st.write(ov.sammanfattning)

st.subheader("Kvinnor och män")
ui.kvinnor_och_man(omfang, ov)

with st.expander("Definitioner"):
    st.dataframe(ui.tabell_definitioner(ov.tabell), hide_index=True, width="stretch")
