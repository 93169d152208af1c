"""Vägen: the router and frame (page config, login, sidebar, navigation by role).

No queries and no charts here: the pages do that through ``core.ui``.
"""

import streamlit as st

from core import ui
from core.omfang import SIDOR_PER_ROLL

st.set_page_config(page_title="Vägen", page_icon="🧭", layout="wide")
ui.kontrollera_installningar()  # a bad disclosure threshold stops the app (rule 6)
ui.kontrollera_cookie_nyckel()  # outside demo mode, never with the example key
ui.dolj_verktygsrader()  # no table or chart menu hands out data around the engine and the log

# Every page the app has; a role gets only those SIDOR_PER_ROLL lists for it.
SIDOR = {
    "oversikt": dict(page="pages/oversikt.py", title="Översikt", url_path="oversikt"),
    "malgrupp": dict(page="pages/malgrupp.py", title="Målgrupp", url_path="malgrupp"),
    "data": dict(page="pages/data.py", title="Data", url_path="data"),
    "granskning": dict(page="pages/granskning.py", title="Granskningslogg", url_path="granskning"),
    "admin": dict(page="pages/admin.py", title="Användare", url_path="admin"),
    "mote": dict(page="pages/mote.py", title="Möte", url_path="mote"),
    # issue 14
    "floden": dict(page="pages/floden.py", title="Insatsflöden", url_path="floden"),
    "sammanfattning": dict(page="pages/sammanfattning.py", title="Sammanfattning", url_path="sammanfattning"),
    # --- Jämställdhet (issue 13) ---
    "jamstalldhet": dict(page="pages/jamstalldhet.py", title="Jämställdhet", url_path="jamstalldhet"),
    # --- Trender (issue 15) ---
    "trender": dict(page="pages/trender.py", title="Trender", url_path="trender"),
}
# Pages that read the round chosen in the sidebar, and those that read the Målgrupp filter.
MED_OMGANGSVAL = {"oversikt", "malgrupp", "mote", "trender"}  # trender: issue 15
MED_URVAL = {"malgrupp", "mote"}
MED_OMGANGSVAL |= {"floden"}  # issue 14: the period is the twelve months up to the round

# --- issue 16: Prioritering and Min enhet (both read the round chosen in the sidebar) --------
SIDOR["prioritering"] = dict(page="pages/prioritering.py", title="Prioritering", url_path="prioritering")
SIDOR["min_enhet"] = dict(page="pages/min_enhet.py", title="Min enhet", url_path="min_enhet")
MED_OMGANGSVAL |= {"prioritering", "min_enhet"}
MED_OMGANGSVAL |= {"jamstalldhet"}  # Jämställdhet (issue 13)
MED_URVAL |= {"jamstalldhet"}

ui.bevara_filter()
autentisering = ui.autentisering()
omfang = ui.aktuellt_omfang()
ui.driftlage()  # an import in progress is said on every page; deferred writes are written

if omfang is None:
    # Logged out (or a user who is no longer active): the login form is the only page. It
    # also answers at every page's address, so a link to a page shows the login instead of
    # "page not found", and opens that page once the user has logged in.
    def inloggning():
        ui.inloggningssida(autentisering)

    sidor = [st.Page(inloggning, title="Logga in", url_path="logga_in", default=True)]
    sidor += [
        st.Page(inloggning, title="Logga in", url_path=s["url_path"], visibility="hidden") for s in SIDOR.values()
    ]
    st.navigation(sidor, position="hidden").run()
    st.stop()

tillatna = SIDOR_PER_ROLL[omfang.roll]
registrerade = {namn: st.Page(**SIDOR[namn], default=(i == 0)) for i, namn in enumerate(tillatna)}
# Another role's page answers at its address with a Swedish "no access"; its file is never run.
ovriga = [
    st.Page(ui.ingen_behorighet, title="Ingen behörighet", url_path=s["url_path"], visibility="hidden")
    for namn, s in SIDOR.items()
    if namn not in registrerade
]
sida = st.navigation([*registrerade.values(), *ovriga])
ui.sidopanel(omfang)
if any(sida is registrerade.get(namn) for namn in MED_OMGANGSVAL):
    ui.omgangsval(omfang)
if any(sida is registrerade.get(namn) for namn in MED_URVAL):
    ui.urvalsval(omfang, ui.vald_omgang())
sida.run()
