"""Användare: add users, set role and unit, deactivate, reset a password, lift a lock."""

import streamlit as st

from core import auth, koder, text, ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "admin")

st.title("Användare")
if meddelande := st.session_state.pop("admin_meddelande", None):
    st.success(meddelande)
if nytt := st.session_state.pop("admin_nytt_losenord", None):
    st.warning(
        f"Nytt lösenord för **{nytt[0]}**: `{nytt[1]}`  \n"
        "Lämna det till användaren på ett säkert sätt. Det visas bara nu och sparas bara som ett hashvärde."
    )

lista = ui.anvandare(omfang)
st.dataframe(ui.anvandartabell(lista), hide_index=True, width="stretch")

enheter = ui.enheter()
roller = list(koder.ROLLER)


def _klart(text: str) -> None:
    st.session_state["admin_meddelande"] = text
    st.rerun()


st.subheader("Lägg till användare")
with st.form("admin_ny", clear_on_submit=True):
    k1, k2 = st.columns(2)
    ny_namn = k1.text_input("Användarnamn", key="admin_ny_anvandarnamn")
    ny_fullt = k2.text_input("Namn", key="admin_ny_namn")
    ny_roll = k1.selectbox("Roll", roller, format_func=koder.ROLLER.get, key="admin_ny_roll")
    ny_enhet = k2.selectbox(
        "Enhet (bara medarbetare)", ["", *enheter], format_func=lambda e: enheter.get(e, "–"), key="admin_ny_enhet"
    )
    ny_losen = st.text_input(
        f"Lösenord (minst {auth.MIN_LANGD} tecken; lämna tomt för ett slumpat)", type="password", key="admin_ny_losen"
    )
    if st.form_submit_button("Lägg till"):
        losen = ny_losen or auth.slumpa_losenord()
        try:
            skapad = ui.administrera("skapa", omfang, ny_namn, ny_fullt, ny_roll, ny_enhet or None, losen)
        except ValueError as e:
            st.error(str(e))
        else:
            if not ny_losen:
                st.session_state["admin_nytt_losenord"] = (skapad, losen)
            _klart(f"Användaren {skapad} är tillagd.")

if not lista.empty:
    st.subheader("Ändra användare")
    # Nobody is chosen until the admin chooses: a form that opened on the logged-in admin
    # invited changing one's own account by mistake.
    vald = st.selectbox(
        "Användare",
        list(lista["anvandarnamn"]),
        index=None,
        placeholder="Välj en användare",
        format_func=lambda a: ui.anvandaretikett(lista, a),
        key="admin_vald",
    )
    if vald is not None:
        rad = lista.set_index("anvandarnamn").loc[vald]
        with st.form(f"admin_andra_{vald}"):
            k1, k2 = st.columns(2)
            namn = k1.text_input("Namn", value=rad["namn"], key=f"admin_namn_{vald}")
            roll = k2.selectbox(
                "Roll", roller, index=roller.index(rad["roll"]), format_func=koder.ROLLER.get, key=f"admin_roll_{vald}"
            )
            enhetskoder = ["", *enheter]
            enhet = k1.selectbox(
                "Enhet (bara medarbetare)",
                enhetskoder,
                index=enhetskoder.index(rad["enhet"]) if rad["enhet"] in enhetskoder else 0,
                format_func=lambda e: enheter.get(e, "–"),
                key=f"admin_enhet_{vald}",
            )
            aktiv = k2.checkbox("Aktiv", value=bool(rad["aktiv"]), key=f"admin_aktiv_{vald}")
            if st.form_submit_button("Spara ändringar"):
                try:
                    ui.administrera("andra", omfang, vald, namn=namn, roll=roll, enhet=enhet or None, aktiv=aktiv)
                except ValueError as e:
                    st.error(str(e))
                else:
                    _klart(f"Användaren {vald} är ändrad.")
        k1, k2 = st.columns(2)
        # A new random password ends the old one at once: asked for twice.
        bekraftat = k1.checkbox(
            f"Ja, ge {vald} ett nytt slumpat lösenord (det gamla slutar gälla)", key=f"admin_losenord_ja_{vald}"
        )
        if k1.button("Nytt slumpat lösenord", key="admin_losenord", disabled=not bekraftat):
            st.session_state["admin_nytt_losenord"] = (vald, ui.administrera("losenord", omfang, vald))
            _klart(f"{vald} har fått ett nytt lösenord.")
        if rad["last_till"] is not None and not (rad["last_till"] != rad["last_till"]):
            k2.caption(f"Låst till {text.tid(rad['last_till'])}.")
            if k2.button("Lås upp", key="admin_las_upp"):
                ui.administrera("las_upp", omfang, vald)
                _klart(f"{vald} är upplåst.")
