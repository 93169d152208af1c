"""The session: login through our lockout layer, idle logout, the user's scope, access to pages, the frame's sidebar box and the operations banner."""

from __future__ import annotations

import datetime as dt

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitAPIException
from streamlit_authenticator.utilities import LoginError

from core import audit, auth, config, db, koder, text, uppskjutet
from core.omfang import BehorighetsFel, Omfang
from core.ui.motor import DEMO_TEXT, TTL_ANVANDARE, _engine, ar_demolage, engine, enhetsnamn
from core.ui.widgetar import svenska_widgetar

COOKIE_NAMN = "vagen_inloggning"


COOKIE_TIMMAR = auth.COOKIE_TIMMAR


FEL_INLOGGNING = "Fel användarnamn eller lösenord."


# Shown for a locked name whether it exists or not (core.auth counts unknown names alike).
FEL_LAST = (
    f"För många misslyckade inloggningsförsök. Vänta {auth.LAS_MINUTER} minuter och försök igen, "
    "eller be en administratör låsa upp kontot."
)


_INLOGGNING_LAST = "vagen_inloggning_last"


_INLOGGNING_LAST_TILL = "vagen_inloggning_last_till"


def last_meddelande(last_till: dt.datetime | None) -> str:
    """The lockout message, with the time the lock ends in Swedish local time when known
    (stored in UTC: ``core.auth``)."""
    if last_till is None:
        return FEL_LAST
    return (
        f"För många misslyckade inloggningsförsök. Försök igen efter klockan {text.klockslag(last_till)}, "
        "eller be en administratör låsa upp kontot."
    )


_SENAST_AKTIV = "vagen_senast_aktiv"


_AKTIVITET_SKRIVEN = "vagen_aktivitet_skriven"


_UTLOGGAD_MEDDELANDE = "vagen_utloggad_meddelande"


UTLOGGNING_NYCKEL = "vagen_logga_ut"  # never "logout": the authenticator owns that key


_UTLOGGNING_BEGARD = "vagen_utloggning_begard"


@st.cache_data(ttl=TTL_ANVANDARE, show_spinner=False)
def _credentials(url: str) -> dict:
    # st.cache_data hands out a fresh copy on every call, which matters: the authenticator
    # changes the dict it is given.
    return auth.credentials(_engine(url))


def _begar_utloggning() -> None:
    # A button callback runs before the script, so the next run logs out before it draws
    # anything and then shows the login page with a clean sidebar.
    st.session_state[_UTLOGGNING_BEGARD] = True


def _lagg_in_sparr(autent: stauth.Authenticate) -> None:
    """Put our lockout layer (core.auth.logga_in) where the authenticator checks a password.

    The authenticator's own ``max_login_attempts`` counts per process and only for known
    names; ours counts in the database, for every entered name, across app instances, and
    audits every attempt. The outcome is kept for the login page's message.
    """
    modell = autent.authentication_controller.authentication_model
    url = config.databas_url()

    def kontrollera(anvandarnamn: str, losenord: str) -> bool:
        utfall = auth.logga_in(_engine(url), anvandarnamn, losenord)
        st.session_state[_INLOGGNING_LAST] = utfall.last
        st.session_state[_INLOGGNING_LAST_TILL] = utfall.last_till
        st.session_state[_INLOGGNING_UPPTAGEN] = utfall.upptagen
        return utfall.ok and anvandarnamn in modell.credentials["usernames"]

    modell.check_credentials = kontrollera


def _kaka_i_utc(autent: stauth.Authenticate) -> None:
    """Write the login cookie so that it lasts 8 hours in every browser.

    The authenticator writes the cookie's expiry as the server's local time without a time
    zone, which the browser reads as its own local time: on a server in UTC a browser in
    Swedish time dropped the cookie after 7 hours (6 in summer). Ours gives the expiry in
    UTC with its zone and a relative ``max-age`` as well, which browsers prefer.
    """
    modell = autent.cookie_controller.cookie_model

    def satt_kaka() -> None:
        if modell.cookie_expiry_days == 0:
            return
        modell.exp_date = modell._set_exp_date()  # the token's own expiry (a Unix time)
        token = modell._token_encode()
        slut = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=COOKIE_TIMMAR)
        modell.cookie_manager.set(modell.cookie_name, token, expires_at=slut, max_age=COOKIE_TIMMAR * 3600)

    modell.set_cookie = satt_kaka


def _logga_ut(autent: stauth.Authenticate, meddelande: str | None = None) -> None:
    autent.logout(location="unrendered")  # clears the session and deletes the cookie
    st.session_state.pop(_SENAST_AKTIV, None)
    if meddelande:
        st.session_state[_UTLOGGAD_MEDDELANDE] = meddelande


def _kontrollera_inaktivitet(autent: stauth.Authenticate) -> None:
    """Log out after 60 idle minutes, also for a new browser session with a valid cookie.

    The session remembers its last click; a session that starts from the login cookie asks
    the database when the user last did anything in any session (``core.auth``), so closing
    the tab and coming back later does not get round the limit. The shared record is
    written at most once a minute.
    """
    anv = st.session_state.get("username")
    nu = auth._nu()
    senast = st.session_state.get(_SENAST_AKTIV)
    if senast is None:
        senast = auth.senast_aktiv(engine(), anv)
    if auth.ar_inaktiv(senast, nu=nu):
        audit.logga(engine(), anv, "utloggning", detalj={"orsak": "inaktiv"})
        _logga_ut(autent, f"Du har loggats ut efter {auth.INAKTIV_MINUTER} minuter utan aktivitet. Logga in igen.")
        return
    if nu - st.session_state.get(_AKTIVITET_SKRIVEN, dt.datetime.min) >= dt.timedelta(minutes=1):
        auth.registrera_aktivitet(engine(), anv, nu=nu)
        st.session_state[_AKTIVITET_SKRIVEN] = nu
    st.session_state[_SENAST_AKTIV] = nu


def kontrollera_installningar() -> None:
    """Stop the app with a Swedish message when a setting is unusable (the disclosure
    threshold must be an integer of at least 3, rule 6)."""
    try:
        config.skydd_troskel()
    except config.KonfigFel as e:
        st.error(str(e))
        st.stop()


# Streamlit's own element toolbars (a table's "Download as CSV" and search, a chart's menu
# and its table view) would hand out a table around the disclosure engine and the audit log;
# every download goes through nedladdning_med_skydd instead. config.toml sets
# client.disableDataExport as well, which also stops copying cells to the clipboard.
_DOLJ_VERKTYG = """<style>
[data-testid="stElementToolbar"] { display: none !important; }
</style>"""


def dolj_verktygsrader() -> None:
    """Hide the element toolbars of every table and chart, for every role, and Streamlit's
    English widget texts (:func:`core.ui.widgetar.svenska_widgetar`)."""
    st.html(_DOLJ_VERKTYG)
    svenska_widgetar()


def kontrollera_cookie_nyckel() -> None:
    """Refuse to start (a Swedish error, nothing else drawn) with the example or a short
    cookie key outside demo mode (``core.auth.cookie_nyckel_fel``)."""
    fel = auth.cookie_nyckel_fel(config.cookie_nyckel(), ar_demolage())
    if fel:
        st.error(fel)
        st.stop()


def autentisering() -> stauth.Authenticate:
    """The login widget for this run, with credentials built from the database.

    Call once per run, in ``app.py`` before the navigation. It logs a returning user in
    from the login cookie (so a deep link keeps its page), logs out when the logout button
    was pressed, after 60 idle minutes, and when the user is no longer active.
    """
    creds = _credentials(config.databas_url())
    autent = stauth.Authenticate(
        creds,
        cookie_name=COOKIE_NAMN,
        cookie_key=config.cookie_nyckel(),
        cookie_expiry_days=COOKIE_TIMMAR / 24,
        auto_hash=False,
        # The authenticator sleeps before reading the cookie by default; the sleep plus its
        # cookie rerun loses the page a deep link asked for.
        login_sleep_time=0,
    )
    _lagg_in_sparr(autent)
    _kaka_i_utc(autent)
    begard = st.session_state.pop(_UTLOGGNING_BEGARD, False)
    if st.session_state.get("authentication_status"):
        if begard:
            audit.logga(engine(), st.session_state.get("username"), "utloggning")
            _logga_ut(autent)
        elif st.session_state.get("username") not in creds["usernames"] or aktuellt_omfang() is None:
            _logga_ut(autent)
        else:
            _kontrollera_inaktivitet(autent)
    else:
        try:
            autent.login(location="unrendered")
        except LoginError:
            # A valid cookie of a user who has since been deactivated or removed.
            autent.cookie_controller.delete_cookie()
            st.session_state["authentication_status"] = None
        if st.session_state.get("authentication_status"):
            _kontrollera_inaktivitet(autent)  # a new session from the cookie
    return autent


def inloggad() -> bool:
    """True when this session has a logged-in user."""
    return bool(st.session_state.get("authentication_status")) and bool(st.session_state.get("username"))


def inloggningssida(autent: stauth.Authenticate) -> None:
    """The login page: the only page a logged-out visitor gets."""
    st.title("Vägen")
    if meddelande := st.session_state.pop(_UTLOGGAD_MEDDELANDE, None):
        st.warning(meddelande)
    st.caption("Uppföljning av Vägen till hållbar egen försörjning")
    if ar_demolage():
        st.info(
            f"{DEMO_TEXT}. Alla personer och siffror är påhittade. Demoanvändarna och deras "
            "lösenord skrevs ut i terminalen när appen startades (`make run`)."
        )
    try:
        autent.login(
            location="main",
            fields={"Form name": "Logga in", "Username": "Användarnamn", "Password": "Lösenord", "Login": "Logga in"},
            key="vagen_inloggningsformular",
            # Empty the fields after each attempt: a password must not stay in the form,
            # e.g. on a shared screen after logout.
            clear_on_submit=True,
        )
    except LoginError:
        st.error(FEL_INLOGGNING)
        return
    status = st.session_state.get("authentication_status")
    if status is False:
        if st.session_state.get(_INLOGGNING_UPPTAGEN):
            st.error(auth.FEL_UPPTAGEN)
        elif st.session_state.get(_INLOGGNING_LAST):
            st.error(last_meddelande(st.session_state.get(_INLOGGNING_LAST_TILL)))
        else:
            st.error(FEL_INLOGGNING)
    elif status:
        # Setting the login cookie makes the browser rerun the app with the user's pages;
        # the button is there should that rerun not come.
        st.success("Du är inloggad.")
        st.button("Fortsätt", key="vagen_fortsatt")


@st.cache_data(ttl=TTL_ANVANDARE, show_spinner=False)
def _omfang(url: str, anvandarnamn: str) -> Omfang | None:
    try:
        return auth.omfang_for(_engine(url), anvandarnamn)
    except BehorighetsFel:
        return None


def aktuellt_omfang() -> Omfang | None:
    """The logged-in user's scope, read from the database (None when nobody is logged in
    or the user is no longer active)."""
    if not inloggad():
        return None
    return _omfang(config.databas_url(), st.session_state["username"])


def anvandarnamn() -> str | None:
    """The logged-in user's user name."""
    return st.session_state.get("username") if inloggad() else None


def kraver_sida(omfang: Omfang | None, sida: str) -> Omfang:
    """Stop the page with a Swedish message unless ``omfang`` may see ``sida``.

    The navigation already leaves such pages out; this check keeps a page closed even if
    it is reached some other way. A page file run without ``app.py`` and nobody logged in
    hands over to the app (and so to the login): Streamlit runs a page file directly when
    a fresh server's first request asks for it by address (its older ``pages/`` folder mode,
    which ends when ``st.navigation`` has run once). It then leaves that mode and reruns at
    the same address, so the first visitor's deep link is kept.
    """
    try:
        if omfang is None:
            from streamlit.runtime.pages_manager import PagesManager

            if PagesManager.uses_pages_directory:
                # A fresh server's first run (issue 12): leave the pages-folder mode, as
                # st.navigation would, and run again. The rerun keeps this page's hash, which
                # is that of its address ("data"), so app.py's navigation opens the login at
                # that address and, once logged in, the page asked for (not Översikt).
                PagesManager.uses_pages_directory = False
                st.rerun()
            try:
                st.switch_page("app.py")
            except StreamlitAPIException:
                pass  # app.py is not a page here: this is the app's own run, so stop below
            raise BehorighetsFel("Du är inte inloggad.")
        omfang.kontrollera_sida(sida)
    except BehorighetsFel as e:
        st.error(str(e))
        st.stop()
    return omfang


def ingen_behorighet() -> None:
    """What a page the role may not see shows at its address."""
    st.title("Ingen behörighet")
    st.error("Din roll har inte behörighet till den här sidan.")
    st.page_link("pages/oversikt.py", label="Till Översikt")


def sidopanel(omfang: Omfang) -> None:
    """The frame's sidebar: who is logged in, the role, logout, and the demo notice."""
    with st.sidebar:
        roll = koder.ROLLER.get(omfang.roll, omfang.roll)
        if omfang.enhet:
            roll = f"{roll}, {enhetsnamn(omfang.enhet)}"
        st.markdown(f"**{st.session_state.get('name') or anvandarnamn()}**  \n{roll}")
        st.button("Logga ut", key=UTLOGGNING_NYCKEL, on_click=_begar_utloggning)
        if ar_demolage():
            # The one demo notice, on every page (a second one on the page said it twice).
            st.warning(f"{DEMO_TEXT}: alla personer och siffror är påhittade.", icon="⚠️")


def demobanner() -> None:
    """Nothing: the demo notice is the sidebar's, on every page (:func:`sidopanel`).

    Kept so that a page written when each page drew its own banner still runs; new pages
    need not call it."""


IMPORT_PAGAR_TEXT = "En import pågår – sidorna visar uppgifterna som de var före importen."


_INLOGGNING_UPPTAGEN = "vagen_inloggning_upptagen"


def driftlage() -> None:
    """Once per run, before the page: write what earlier runs had to defer, and say so when
    an import holds the database (the page then shows the data as they were before it).

    Never waits more than a moment (``core.db.import_pagar``, ``core.uppskjutet``).
    """
    eng = engine()
    if db.import_pagar(eng):
        st.info(IMPORT_PAGAR_TEXT)
    else:
        uppskjutet.skriv_vantande(eng)
