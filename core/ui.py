"""The one module of ``core`` that imports Streamlit: cached loaders, login and shared widgets.

Caching follows one rule per kind (stil.md): the engine is a ``st.cache_resource``; every
query result is a ``st.cache_data`` keyed by the database URL, the user's scope (a frozen,
hashable :class:`~core.omfang.Omfang`), the filter and the data version that every import
changes, so one scope's result is never served to another and an import is seen at once.
Nothing but widget values and the login's own keys live in ``st.session_state``; never a
DataFrame.

Pages call the functions here and render; they hold no queries and build no charts.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import Engine, select
from streamlit.errors import StreamlitAPIException
from streamlit_authenticator.utilities import LoginError

from core import audit, auth, charts, config, db, exporter, importer, koder, nedladdning, text, uppskjutet
from core.matt import datakvalitet as datakvalitet_matt
from core.matt import jamforelse as jamforelse_matt
from core.matt import korstabell as korstabell_matt
from core.matt import oversikt as oversikt_matt
from core.matt import profil as profil_matt
from core.matt.profil import ALLA, Urval
from core.models import Enhet
from core.omfang import BehorighetsFel, Omfang

COOKIE_NAMN = "vagen_inloggning"
COOKIE_TIMMAR = auth.COOKIE_TIMMAR
FEL_INLOGGNING = "Fel användarnamn eller lösenord."
# Shown for a locked name whether it exists or not (core.auth counts unknown names alike).
FEL_LAST = (
    f"För många misslyckade inloggningsförsök. Vänta {auth.LAS_MINUTER} minuter och försök igen, "
    "eller be en administratör låsa upp kontot."
)
_INLOGGNING_LAST = "vagen_inloggning_last"
_SENAST_AKTIV = "vagen_senast_aktiv"
_AKTIVITET_SKRIVEN = "vagen_aktivitet_skriven"
_UTLOGGAD_MEDDELANDE = "vagen_utloggad_meddelande"

# Cache lifetimes in seconds. Query results are also keyed by the data version, so the
# ttl only bounds memory; users and roles are re-read often so that a deactivated user or
# a changed role takes effect within half a minute.
TTL_DATA = 15 * 60
TTL_ANVANDARE = 30

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
UTLOGGNING_NYCKEL = "vagen_logga_ut"  # never "logout": the authenticator owns that key
_UTLOGGNING_BEGARD = "vagen_utloggning_begard"

DEMO_TEXT = "Demodata – fiktiv kommun"


# --- engine and data version ------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    eng = db.get_engine(url)
    db.skapa_schema(eng)  # idempotent: a fresh database gets its tables and default units
    return eng


def engine() -> Engine:
    """The engine of the configured database (one per URL, shared by all sessions)."""
    return _engine(config.databas_url())


def dataversion() -> str:
    """The current data version, read on every run: another app instance may have imported."""
    return db.dataversion(engine())


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _demolage(url: str, version: str) -> bool:
    return db.ar_demolage(_engine(url))


def ar_demolage() -> bool:
    """True when the database holds the fictitious demo municipality."""
    return _demolage(config.databas_url(), dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _enhetsnamn(url: str, version: str) -> dict[str, str]:
    with _engine(url).connect() as conn:
        return dict(conn.execute(select(Enhet.enhet, Enhet.namn)).all())


def enhetsnamn(enhet: str | None) -> str:
    """The name of a unit as stored (units are renameable), or the code if unknown."""
    if not enhet:
        return ""
    return _enhetsnamn(config.databas_url(), dataversion()).get(enhet, enhet)


def rensa_cacher() -> None:
    """Forget every cached result (after an import: its data version changed anyway, this
    frees the memory of the old results at once)."""
    st.cache_data.clear()
    st.cache_resource.clear()


# --- login ------------------------------------------------------------------------------------


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
        st.session_state[_INLOGGNING_UPPTAGEN] = utfall.upptagen
        return utfall.ok and anvandarnamn in modell.credentials["usernames"]

    modell.check_credentials = kontrollera


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
    """Hide the element toolbars of every table and chart, for every role."""
    st.html(_DOLJ_VERKTYG)


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
            st.error(FEL_LAST)
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
    which ends when ``st.navigation`` has run once).
    """
    try:
        if omfang is None:
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
            st.warning(DEMO_TEXT, icon="⚠️")


# --- shared filters ---------------------------------------------------------------------------


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
    etiketter = {r["omgang_id"]: omgangsetikett(r) for _, r in omgangar.iterrows()}
    if st.session_state.get(OMGANG_NYCKEL) not in etiketter:
        # A round that no longer exists (or another database): start from the latest.
        st.session_state.pop(OMGANG_NYCKEL, None)
    return st.sidebar.selectbox(
        "Mätomgång",
        list(etiketter),
        format_func=etiketter.get,
        key=OMGANG_NYCKEL,
        help="Den senaste mätomgången står först.",
    )


def vald_omgang() -> str | None:
    """The round chosen in the sidebar (None: the latest)."""
    return st.session_state.get(OMGANG_NYCKEL)


# --- cached loaders ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=500)
def _oversikt(url: str, omfang: Omfang, omgang_id: str | None, export: bool, version: str):
    return oversikt_matt.oversikt(_engine(url), omfang, omgang_id, export=export)


def las_oversikt(omfang: Omfang, omgang_id: str | None = None, *, export: bool = False):
    """Översikt for the scope and round (None: the latest), cached per data version.

    Returns
    -------
    core.matt.oversikt.Oversikt
    """
    if omgang_id is not None and omgang_id not in set(las_omgangar(omfang)["omgang_id"]):
        omgang_id = None  # a round chosen before it was removed or replaced: show the latest
    return _oversikt(config.databas_url(), omfang, omgang_id, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=100)
def _omgangar(url: str, omfang: Omfang, export: bool, version: str) -> pd.DataFrame:
    return oversikt_matt.omgangar(_engine(url), omfang, export=export)


def las_omgangar(omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """The rounds with their sizes, newest first (columns ``omgang_id``, ``datum``,
    ``benamning``, ``personer``, ``personer_skyddad``)."""
    return _omgangar(config.databas_url(), omfang, export, dataversion())


def omgangar_block(omfang: Omfang) -> None:
    """The Data page's list of rounds with its (protected by default) download."""
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Inga mätomgångar är inlästa ännu.")
        return
    st.dataframe(omgangstabell(omgangar), hide_index=True, width="stretch")

    def fil(df: pd.DataFrame, skyddad: bool) -> pd.DataFrame:
        ut = omgangstabell(df)
        ut.insert(0, "Röjandeskydd", SKYDD_PA if skyddad else SKYDD_AV)
        return ut

    nedladdning_med_skydd(
        omfang,
        "matomgangar.csv",
        nyckel="data_omgangar_csv",
        skyddad=lambda: fil(las_omgangar(omfang, export=True), True),
        oskyddad=lambda eng: fil(oversikt_matt.omgangar(eng, omfang.med_skydd(False), export=True), False),
    )


# --- shared blocks ----------------------------------------------------------------------------


def inga_omgangar(omfang: Omfang) -> None:
    """What a page that needs a round says when there is none, then stop the page."""
    if omfang.far_se_sida("data"):
        st.info("Det finns inga mätomgångar ännu. Importera en mätomgång på sidan Data.")
    else:
        st.info("Det finns inga mätomgångar ännu. Fråga processledningen när nästa mätomgång är inläst.")
    st.stop()


def demobanner() -> None:
    """Say plainly, on the page itself, that demo data are fictitious."""
    if ar_demolage():
        st.info(f"{DEMO_TEXT}: alla personer och siffror är påhittade.", icon="ℹ️")


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
                    delta_arrow=_pil(diff),
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


def kon_fil(ov) -> pd.DataFrame:
    """The key figures by sex as a download: the round, the protection, and the legend."""
    df = tabell_kon(ov.tabell)
    df.insert(0, "Röjandeskydd", SKYDD_PA if ov.skyddad else SKYDD_AV)
    df.insert(0, "Mätomgång", ov.omgang.omgang_id if ov.omgang else "")
    return _med_forklaring(df)


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


def tabell_definitioner(tabell: pd.DataFrame) -> pd.DataFrame:
    """Each key figure with its definition (columns ``Nyckeltal``, ``Definition``)."""
    return pd.DataFrame({"Nyckeltal": tabell["etikett"], "Definition": tabell["definition"]})


def diagram(chart: alt.TopLevelMixin) -> None:
    """Draw a chart from :mod:`core.charts` (its theme and Swedish locale travel in the spec)."""
    st.altair_chart(chart, width="stretch")


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


# --- Data page --------------------------------------------------------------------------------

FEL_KOLUMNER = {"fil": "Fil", "rad": "Rad", "kolumn": "Kolumn", "varde": "Värde", "meddelande": "Meddelande"}
ENTITETSNAMN = {
    "enhet": "Enheter",
    "person": "Personer",
    "matomgang": "Mätomgångar",
    "matning": "Mätningar",
    "insats": "Insatser",
    "avslut": "Avslut",
    "utbetalning": "Utbetalningar",
}


def uppladdade_filer(filer) -> list[tuple[str, bytes]]:
    """The uploader's files as ``(filnamn, bytes)``, the form :func:`core.importer.importera`
    takes."""
    return [(f.name, f.getvalue()) for f in (filer or [])]


@st.cache_data(ttl=TTL_DATA, show_spinner="Granskar filerna …", max_entries=4)
def _forhandsgranska(url: str, kalla: tuple[tuple[str, bytes], ...], version: str):
    return importer.importera(_engine(url), list(kalla), provkor=True)


def forhandsgranska(kalla: list[tuple[str, bytes]]):
    """Validate an upload without storing anything (cached per files and data version,
    so pressing the import button does not validate twice).

    Returns
    -------
    core.importer.Importresultat
    """
    return _forhandsgranska(config.databas_url(), tuple(kalla), dataversion())


def importerat_meddelande(resultat) -> str:
    """The success message after an import: the counts per entity in Swedish."""
    return "Importen är klar: " + resultat.text()


def importera(kalla: list[tuple[str, bytes]], anvandare: str | None):
    """Import an upload for real (one transaction, audited by the importer) and clear the
    caches when it was stored."""
    resultat = importer.importera(engine(), kalla, anvandare=anvandare)
    if resultat.ok:
        rensa_cacher()
    return resultat


def antal_tabell(resultat) -> pd.DataFrame:
    """Rows per entity of an import or preview (columns ``Uppgifter``, ``Nya``, ``Ändrade``,
    ``Oförändrade``), in load order, only entities the files held."""
    rader = []
    for entitet in koder.ENTITETER:
        antal = resultat.antal.get(entitet)
        if antal is None:
            continue
        rader.append(
            {
                "Uppgifter": ENTITETSNAMN.get(entitet, entitet),
                "Nya": antal.insatta,
                "Ändrade": antal.uppdaterade,
                "Oförändrade": antal.oforandrade,
            }
        )
    return pd.DataFrame(rader, columns=["Uppgifter", "Nya", "Ändrade", "Oförändrade"])


def fel_tabell(resultat) -> pd.DataFrame:
    """Every error of an import with Swedish headers ``Fil``, ``Rad``, ``Kolumn``, ``Värde``,
    ``Meddelande``."""
    df = resultat.fel_tabell()
    return df.rename(columns=FEL_KOLUMNER)[list(FEL_KOLUMNER.values())]


def omgangstabell(omgangar: pd.DataFrame) -> pd.DataFrame:
    """The rounds for reading (columns ``Mätomgång``, ``Datum``, ``Benämning``, ``Personer``)."""
    return pd.DataFrame(
        {
            "Mätomgång": omgangar["omgang_id"],
            "Datum": [text.datum(_som_datum(d)) for d in omgangar["datum"]],
            "Benämning": omgangar["benamning"].fillna(""),
            "Personer": [
                text.tal(_tal_eller_none(n), skyddad=bool(s))
                for n, s in zip(omgangar["personer"], omgangar["personer_skyddad"], strict=True)
            ],
        }
    )


def exportfil(omfang: Omfang, anvandare: str | None):
    """A callable for ``st.download_button`` that writes the exchange-format workbook when
    the user clicks, and logs the export in the audit log then."""
    url = config.databas_url()

    def skapa() -> bytes:
        data = exporter.xlsx_bytes(db.get_engine(url), omfang)
        audit.logga(db.get_engine(url), anvandare, "export", detalj={"format": "utbytesformat", "fil": exportnamn()})
        return data

    return skapa


def exportnamn() -> str:
    return f"vagen-export-{dt.date.today().isoformat()}.xlsx"


# --- Målgrupp ---------------------------------------------------------------------------------

# The views of Målgrupp (tabs that run only when open, so the page computes what it shows).
MALGRUPP_VYER = ("Fördelning", "En enhet mot resten", "Analysseminariet")

# Every variable of Målgrupp once, in groups a unit head recognises.
OMRADEN: dict[str, tuple[str, ...]] = {
    "Bakgrund": ("kon", "aldersgrupp", "alder", "fodelseregion"),
    "Boende och familj": ("hushallstyp", "hemmavarande_barn", "boende", "hyra_over_skalig"),
    "Utbildning och arbete": (
        "utbildning",
        "pagaende_studier",
        "arbetshistorik",
        "pagaende_arbete",
        "af_inskriven",
        "arbetshinder",
    ),
    "Hälsa": ("halsa", "sjukintyg", "sjukersattning_avslag", "missbruk"),
    "Försörjning": ("inskrivningstid", "huvudsaklig_forsorjning", "andra_ersattningar", "a_kassa"),
    "Process": ("pagaende_insats", "handlingsplan", "sip", "forandringspotential"),
}

# The question each variable's chart answers (its title).
FRAGOR: dict[str, str] = {
    "kon": "Hur många är kvinnor och hur många män?",
    "aldersgrupp": "Hur gamla är personerna?",
    "alder": "Hur många är under 25 år, och hur många 55 år eller äldre?",
    "fodelseregion": "Var är personerna födda?",
    "hushallstyp": "I vilka hushåll lever personerna?",
    "hemmavarande_barn": "Hur många har hemmavarande barn?",
    "boende": "Hur bor personerna?",
    "hyra_over_skalig": "Hur många har en hyra över skälig nivå?",
    "utbildning": "Vilken utbildning har personerna?",
    "pagaende_studier": "Studerar personerna just nu, och i så fall vad?",
    "arbetshistorik": "Har personerna arbetat tidigare?",
    "pagaende_arbete": "Hur många arbetar just nu?",
    "af_inskriven": "Hur många är inskrivna på Arbetsförmedlingen?",
    "arbetshinder": "Vad hindrar personerna från att arbeta?",
    "halsa": "Hur många har psykisk eller fysisk ohälsa?",
    "sjukintyg": "Hur många har sjukintyg?",
    "sjukersattning_avslag": "Hur många har fått avslag på sjukersättning?",
    "missbruk": "Hur många har ett känt missbruk eller beroende?",
    "inskrivningstid": "Hur länge har personerna haft försörjningsstöd?",
    "huvudsaklig_forsorjning": "Vad lever personerna huvudsakligen på?",
    "andra_ersattningar": "Vilka andra ersättningar har personerna?",
    "a_kassa": "Hur många har rätt till a-kassa?",
    "pagaende_insats": "Har personerna en pågående arbetsmarknadsinsats, och hos vem?",
    "handlingsplan": "Hur många har en handlingsplan?",
    "sip": "Hur många har en samordnad individuell plan (SIP)?",
    "forandringspotential": "Hur stor bedöms personernas förändringspotential vara?",
}

URVAL_ETIKETTER = {
    "enhet": "Enhet",
    "kon": "Kön",
    "aldersgrupp": "Åldersgrupp",
    "fodelseregion": "Födelseregion",
    "inskrivningstid": "Tid med försörjningsstöd",
}
URVAL_RENSA_NYCKEL = "vagen_urval_rensa"
RESTEN_NAMN = "Resten av processen"
SKYDD_AV = "av – får inte spridas"
SKYDD_PA = "på"
UTAN_SKYDD_ETIKETT = "Ladda ner utan röjandeskydd"
KONSFARGER = {"K": charts.KVINNOR_FARG, "M": charts.MAN_FARG, koder.SAKNAS: charts.RESTEN_FARG}
OKAND_OCH_SAKNAS = (
    "”Okänt” betyder att handläggaren svarade att uppgiften inte är känd; ”Uppgift saknas” att frågan inte besvarades."
)


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _enheter(url: str, version: str) -> dict[str, str]:
    with _engine(url).connect() as conn:
        rader = conn.execute(select(Enhet.enhet, Enhet.namn, Enhet.typ)).all()
    typer = list(koder.ENHETSTYP)
    rader = sorted(rader, key=lambda r: (typer.index(r.typ) if r.typ in typer else len(typer), r.namn))
    return {r.enhet: r.namn for r in rader}


def enheter_i_ordning() -> dict[str, str]:
    """Every unit, code -> name: the process units first, each kind by name."""
    return _enheter(config.databas_url(), dataversion())


def kort_enhetsnamn(namn: str) -> str:
    """A unit's name without its parenthesis (``Ekonomiskt bistånd``), for column heads."""
    return namn.split(" (")[0]


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
        st.sidebar.multiselect(
            URVAL_ETIKETTER[falt],
            list(valbara),
            format_func=lambda k, a=alternativ: a.get(k, k),
            key=nyckel,
            placeholder="Alla",
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


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=500)
def _profil(url: str, omfang: Omfang, omgang_id: str, urval: Urval, variabler: tuple, export: bool, version: str):
    return profil_matt.profil(_engine(url), omfang, omgang_id, urval, list(variabler), export=export)


def las_profil(
    omfang: Omfang, omgang_id: str, urval: Urval = ALLA, variabler: tuple[str, ...] = ("kon",), *, export: bool = False
):
    """The profile of the filtered round for the scope (only the variables asked for),
    cached per data version.

    Returns
    -------
    core.matt.profil.Profil
    """
    return _profil(config.databas_url(), omfang, omgang_id, urval, tuple(variabler), export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=300)
def _jamforelse(
    url: str, omfang: Omfang, omgang_id: str, enhet: str, variabel: str, urval: Urval, export: bool, version: str
):
    return jamforelse_matt.enhet_mot_resten(_engine(url), omfang, omgang_id, enhet, variabel, urval, export=export)


def las_jamforelse(omfang: Omfang, omgang_id: str, enhet: str, variabel: str, urval: Urval, *, export: bool = False):
    """One unit against the rest of the filtered round, cached per data version.

    Returns
    -------
    core.matt.jamforelse.Jamforelse
    """
    return _jamforelse(config.databas_url(), omfang, omgang_id, enhet, variabel, urval, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=300)
def _korstabell(
    url: str, omfang: Omfang, omgang_id: str, rad: str, kolumn: str, urval: Urval, export: bool, version: str
):
    return korstabell_matt.korstabell(_engine(url), omfang, omgang_id, rad, kolumn, urval, export=export)


def las_korstabell(omfang: Omfang, omgang_id: str, rad: str, kolumn: str, urval: Urval, *, export: bool = False):
    """The cross-tab of two variables in the filtered round, cached per data version.

    Returns
    -------
    core.matt.korstabell.Korstabell
    """
    return _korstabell(config.databas_url(), omfang, omgang_id, rad, kolumn, urval, export, dataversion())


def urvalets_storlek(p) -> bool:
    """The round, the filter in words and the number of persons it leaves.

    Returns False, after saying why, when nothing more may be shown: nobody matches, or the
    group is 1–4 persons for a scope whose output is suppressed (then the group shows
    nothing but "dolt").
    """
    siffra, beskrivning = st.columns([1, 4], vertical_alignment="center")
    siffra.metric("Personer i urvalet", text.tal(p.n, skyddad=p.n_skyddad))
    beskrivning.caption(
        f"Mätomgång {p.omgang.omgang_id} ({text.datum(p.omgang.datum)}).  \nUrval: {urvalstext(p.urval)}."
        + (f"  \n{text.skyddsforklaring()}" if p.skyddad else "")
    )
    if p.vagrad or p.n_skyddad:
        st.warning(
            f"{p.vagrad or 'Urvalet kan inte visas.'} Av röjandeskäl visas inget mer; ändra urvalet i sidopanelen."
        )
        return False
    if not p.n:
        st.info("Ingen person i mätomgången matchar urvalet. Vidga urvalet i sidopanelen.")
        return False
    return True


def variabelval(nyckel: str, variabler: tuple[str, ...] | None = None) -> str:
    """Choose a variable: an area (Bakgrund, Hälsa, …), then a variable of it.

    ``nyckel`` prefixes the widget keys; ``variabler`` limits the choice (None: all).
    """
    omraden = {o: tuple(v for v in vs if variabler is None or v in variabler) for o, vs in OMRADEN.items()}
    omraden = {o: vs for o, vs in omraden.items() if vs}
    namn = list(omraden)
    omrade = st.segmented_control(
        "Område", namn, key=f"{nyckel}_omrade", default=namn[0], required=True, label_visibility="collapsed"
    )
    omrade = omrade if omrade in omraden else namn[0]
    val = omraden[omrade]
    variabel = st.pills(
        "Variabel",
        list(val),
        format_func=lambda v: koder.VARIABLER[v].etikett,
        key=f"{nyckel}_variabel_{namn.index(omrade)}",
        default=val[0],
        required=True,
    )
    return variabel if variabel in val else val[0]


def flervalstext(variabel: str) -> str | None:
    """Why a variable's shares do not add up to 100 % (None when they do)."""
    if variabel == "arbetshinder":
        return "En person kan ha flera hinder; andelarna summerar inte till 100 %."
    if variabel == "alder":
        return "Bara de under 25 och de som är 55 år eller äldre visas; andelarna summerar inte till 100 %."
    if koder.VARIABLER[variabel].flerval:
        return "En person kan ha flera svar; andelarna summerar inte till 100 %."
    return None


def _kon_plural(df: pd.DataFrame, variabel: str, kod: str = "kod", etikett: str = "etikett") -> pd.DataFrame:
    """A distribution of ``kon`` reads "Kvinnor" and "Män" (the code list's labels are singular)."""
    if variabel != "kon":
        return df
    return df.assign(**{etikett: [koder.KON_PLURAL.get(k, e) for k, e in zip(df[kod], df[etikett], strict=True)]})


def _korstabell_for_visning(kt):
    """The cross-tab's cells and margins with "Kvinnor"/"Män" for ``kon``."""
    celler = _kon_plural(kt.celler, kt.radvariabel, "rad", "rad_etikett")
    celler = _kon_plural(celler, kt.kolumnvariabel, "kolumn", "kolumn_etikett")
    return celler, _kon_plural(kt.rader, kt.radvariabel), _kon_plural(kt.kolumner, kt.kolumnvariabel)


def _antal_eller_farre(n, skyddad: bool):
    """A count for a download: the number, or "dolt"."""
    if skyddad:
        return text.dolt()
    return None if n is None or pd.isna(n) else int(n)


def _andel_eller_tom(andel, skyddad: bool = False):
    if skyddad or andel is None or pd.isna(andel):
        return None
    return float(andel)


def fordelningstabell(df: pd.DataFrame) -> pd.DataFrame:
    """A distribution for reading: ``Svar``, ``Antal``, ``Andel`` as Swedish text
    (suppressed: "dolt" and a blank share)."""
    return pd.DataFrame(
        {
            "Svar": df["etikett"],
            "Antal": [
                text.tal(_tal_eller_none(n), skyddad=bool(s)) for n, s in zip(df["n"], df["skyddad"], strict=True)
            ],
            "Andel": [
                "" if s else charts.andeltext(_tal_eller_none(a))
                for a, s in zip(df["andel"], df["skyddad"], strict=True)
            ],
        }
    )


def fordelning_fil(p, variabel: str) -> pd.DataFrame:
    """A distribution as a download (long, Swedish headers, the protection stated in a column)."""
    df = _kon_plural(p.fordelningar[variabel], variabel)
    return pd.DataFrame(
        {
            "Mätomgång": p.omgang.omgang_id,
            "Urval": urvalstext(p.urval),
            "Röjandeskydd": SKYDD_PA if p.skyddad else SKYDD_AV,
            "Personer i urvalet": _antal_eller_farre(p.n, p.n_skyddad),
            "Variabel": koder.VARIABLER[variabel].etikett,
            "Svar": df["etikett"],
            "Antal": [_antal_eller_farre(n, bool(s)) for n, s in zip(df["n"], df["skyddad"], strict=True)],
            "Andel": [_andel_eller_tom(a, bool(s)) for a, s in zip(df["andel"], df["skyddad"], strict=True)],
        }
    )


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


def fordelning_block(omfang: Omfang, omgang_id: str, urval: Urval, variabel: str) -> None:
    """One variable's distribution: the chart, the table and the download."""
    p = las_profil(omfang, omgang_id, urval, (variabel,))
    df = _kon_plural(p.fordelningar[variabel], variabel)
    undertitel = [f"Andel av {text.antal_personer(p.n, skyddad=p.n_skyddad)} i urvalet."]
    if (notering := flervalstext(variabel)) is not None:
        undertitel.append(notering)
    diagram(
        charts.fordelning(df, FRAGOR[variabel], undertitel=undertitel, farger=KONSFARGER if variabel == "kon" else None)
    )
    tabell(fordelningstabell(df))
    nedladdning_med_skydd(
        omfang,
        _filnamn("malgrupp", variabel, omgang_id),
        nyckel="malgrupp_fordelning_csv",
        skyddad=lambda: fordelning_fil(las_profil(omfang, omgang_id, urval, (variabel,), export=True), variabel),
        oskyddad=lambda eng: fordelning_fil(
            profil_matt.profil(eng, omfang.med_skydd(False), omgang_id, urval, [variabel], export=True), variabel
        ),
    )


def jamforelsetabell(j, enhetsnamn: str) -> pd.DataFrame:
    """A unit against the rest as Swedish text: ``Svar``, then count and share per group."""
    f = _kon_plural(j.fordelning, j.variabel)
    ut = pd.DataFrame({"Svar": f.loc[f["grupp"] == "enhet", "etikett"].to_numpy()})
    for grupp, namn in (("enhet", enhetsnamn), ("resten", RESTEN_NAMN)):
        d = f[f["grupp"] == grupp]
        ut[f"{namn}, antal"] = [
            text.tal(_tal_eller_none(n), skyddad=bool(s)) for n, s in zip(d["n"], d["skyddad"], strict=True)
        ]
        ut[f"{namn}, andel"] = [
            "" if s else charts.andeltext(_tal_eller_none(a)) for a, s in zip(d["andel"], d["skyddad"], strict=True)
        ]
    return ut


def jamforelse_fil(j, enhetsnamn: str) -> pd.DataFrame:
    """A unit against the rest as a download (long, one row per group and answer)."""
    storlek = j.storlek.set_index("grupp")
    f = _kon_plural(j.fordelning, j.variabel)
    return pd.DataFrame(
        {
            "Mätomgång": j.omgang.omgang_id,
            "Urval": urvalstext(j.urval),
            "Röjandeskydd": SKYDD_PA if j.skyddad else SKYDD_AV,
            "Variabel": koder.VARIABLER[j.variabel].etikett,
            "Grupp": f["grupp"].map({"enhet": enhetsnamn, "resten": RESTEN_NAMN}),
            "Personer i gruppen": [
                _antal_eller_farre(storlek.loc[g, "n"], bool(storlek.loc[g, "skyddad"])) for g in f["grupp"]
            ],
            "Svar": f["etikett"],
            "Antal": [_antal_eller_farre(n, bool(s)) for n, s in zip(f["n"], f["skyddad"], strict=True)],
            "Andel": [_andel_eller_tom(a, bool(s)) for a, s in zip(f["andel"], f["skyddad"], strict=True)],
        }
    )


def enhet_mot_resten_block(omfang: Omfang, omgang_id: str, urval: Urval) -> None:
    """Choose a unit and a variable; the unit's distribution next to the rest of the process."""
    alla = enheter_i_ordning()
    koder_ = list(alla)
    standard = koder_.index(omfang.enhet) if omfang.enhet in alla else 0
    enhet = st.columns([3, 2])[0].selectbox(
        "Enhet", koder_, index=standard, format_func=lambda k: alla.get(k, k), key="malgrupp_jamfor_enhet"
    )
    variabel = variabelval("malgrupp_jamfor", jamforelse_matt.JAMFORBARA)
    if urval.enhet or urval.ej_enhet:
        st.caption("Enhetsvalet i sidopanelen används inte här: enheten jämförs med alla andra i urvalet.")
    j = las_jamforelse(omfang, omgang_id, enhet, variabel, urval)
    namn = kort_enhetsnamn(alla.get(enhet, enhet))
    if j.vagrad:
        st.warning(f"{namn}: {j.vagrad}")
        return
    storlek = {
        g: text.antal_personer(_tal_eller_none(n), skyddad=bool(s))
        for g, n, s in zip(j.storlek["grupp"], j.storlek["n"], j.storlek["skyddad"], strict=True)
    }
    st.caption(
        f"{namn}: {storlek['enhet']}. {RESTEN_NAMN}: {storlek['resten']}. En person hör till enheten om "
        "mätningen gjordes där, eller om hen har en insats från eller hos enheten som pågår eller "
        "avslutades under de senaste tolv månaderna."
    )
    if (j.storlek["grupp"].eq("enhet") & j.storlek["n"].eq(0)).any():
        st.info(f"Ingen person i urvalet hör till {namn} i den här mätomgången.")
        return
    undertitel = ["Andel av personerna i varje grupp."]
    if (notering := flervalstext(variabel)) is not None:
        undertitel.append(notering)
    diagram(
        charts.jamforelse(
            _kon_plural(j.fordelning, variabel),
            f"{koder.VARIABLER[variabel].etikett}: skiljer sig {namn} från resten av processen?",
            {"enhet": namn, "resten": RESTEN_NAMN},
            undertitel=undertitel,
        )
    )
    tabell(jamforelsetabell(j, namn), bred=True)
    nedladdning_med_skydd(
        omfang,
        _filnamn("malgrupp", enhet, "mot-resten", variabel, omgang_id),
        nyckel="malgrupp_jamfor_csv",
        skyddad=lambda: jamforelse_fil(las_jamforelse(omfang, omgang_id, enhet, variabel, urval, export=True), namn),
        oskyddad=lambda eng: jamforelse_fil(
            jamforelse_matt.enhet_mot_resten(
                eng, omfang.med_skydd(False), omgang_id, enhet, variabel, urval, export=True
            ),
            namn,
        ),
    )


KORS_RAD_NYCKEL = "malgrupp_kors_rad"
KORS_KOLUMN_NYCKEL = "malgrupp_kors_kolumn"


def _byt_rader_och_kolumner() -> None:
    rad, kol = st.session_state.get(KORS_RAD_NYCKEL), st.session_state.get(KORS_KOLUMN_NYCKEL)
    st.session_state[KORS_RAD_NYCKEL], st.session_state[KORS_KOLUMN_NYCKEL] = kol, rad


def _visade(marginal: pd.DataFrame) -> list[str]:
    """Codes of a cross-tab dimension worth a row or column: anyone has them (or hidden)."""
    return [k for k, n, s in zip(marginal["kod"], marginal["n"], marginal["skyddad"], strict=True) if s or n]


def _marginalandel(n, skyddad: bool, total, total_skyddad: bool):
    if skyddad or total_skyddad or n is None or pd.isna(n) or not total:
        return None
    return int(n) / int(total)


def korstabell_tabell(kt, matt: str) -> pd.DataFrame:
    """A cross-tab for reading: rows × columns in the chosen measure, with its margins.

    ``matt`` ``"n"``: counts with a ``Totalt`` column and row. ``"radandel"``: each row's
    shares, the ``Totalt`` row the column codes' shares of everyone, and the row's persons
    in ``Antal personer``. ``"kolumnandel"``: the mirror image. Suppressed cells read
    "dolt"; rows and columns that nobody has are left out.
    """
    celler, rm, km = _korstabell_for_visning(kt)
    rader, kolumner = _visade(rm), _visade(km)
    celler = celler.set_index(["rad", "kolumn"])
    rm = rm.set_index("kod")
    km = km.set_index("kod")
    rubrik = koder.VARIABLER[kt.radvariabel].etikett

    def cell(r, k) -> str:
        c = celler.loc[(r, k)]
        if c["skyddad"]:
            return text.dolt()
        if matt == "n":
            return text.tal(_tal_eller_none(c["n"]))
        return text.procent(_tal_eller_none(c[matt]))

    def antal(m, kod) -> str:
        return text.tal(_tal_eller_none(m.loc[kod, "n"]), skyddad=bool(m.loc[kod, "skyddad"]))

    def andel(m, kod) -> str:
        a = _marginalandel(m.loc[kod, "n"], bool(m.loc[kod, "skyddad"]), kt.total, kt.total_skyddad)
        return text.dolt() if m.loc[kod, "skyddad"] else text.procent(a)

    total = text.tal(kt.total, skyddad=kt.total_skyddad)
    ut = []
    for r in rader:
        rad = {rubrik: rm.loc[r, "etikett"]} | {km.loc[k, "etikett"]: cell(r, k) for k in kolumner}
        if matt == "n":
            rad["Totalt"] = antal(rm, r)
        elif matt == "radandel":
            rad["Antal personer"] = antal(rm, r)
        else:
            rad["Totalt"] = andel(rm, r)
        ut.append(rad)
    if matt == "n":
        ut.append({rubrik: "Totalt"} | {km.loc[k, "etikett"]: antal(km, k) for k in kolumner} | {"Totalt": total})
    elif matt == "radandel":
        ut.append(
            {rubrik: "Totalt"} | {km.loc[k, "etikett"]: andel(km, k) for k in kolumner} | {"Antal personer": total}
        )
    else:
        ut.append(
            {rubrik: "Antal personer"} | {km.loc[k, "etikett"]: antal(km, k) for k in kolumner} | {"Totalt": total}
        )
    return pd.DataFrame(ut)


def korstabell_fil(kt, omgang_id: str, urval: Urval) -> pd.DataFrame:
    """A cross-tab as a download: one row per cell and margin (``Totalt``), with the count,
    the share of the row and the share of the column."""
    rad_namn = koder.VARIABLER[kt.radvariabel].etikett
    kol_namn = koder.VARIABLER[kt.kolumnvariabel].etikett
    if rad_namn == kol_namn:  # pragma: no cover - two different variables never share a label
        kol_namn += " (kolumn)"
    celler, rm, km = _korstabell_for_visning(kt)
    rader = []
    for c in celler.itertuples(index=False):
        rader.append(
            {
                rad_namn: c.rad_etikett,
                kol_namn: c.kolumn_etikett,
                "Antal": _antal_eller_farre(c.n, bool(c.skyddad)),
                "Andel av raden": _andel_eller_tom(c.radandel, bool(c.skyddad)),
                "Andel av kolumnen": _andel_eller_tom(c.kolumnandel, bool(c.skyddad)),
            }
        )
    for m in rm.itertuples(index=False):
        rader.append(
            {
                rad_namn: m.etikett,
                kol_namn: "Totalt",
                "Antal": _antal_eller_farre(m.n, bool(m.skyddad)),
                "Andel av raden": None,
                "Andel av kolumnen": _marginalandel(m.n, bool(m.skyddad), kt.total, kt.total_skyddad),
            }
        )
    for m in km.itertuples(index=False):
        rader.append(
            {
                rad_namn: "Totalt",
                kol_namn: m.etikett,
                "Antal": _antal_eller_farre(m.n, bool(m.skyddad)),
                "Andel av raden": _marginalandel(m.n, bool(m.skyddad), kt.total, kt.total_skyddad),
                "Andel av kolumnen": None,
            }
        )
    rader.append(
        {
            rad_namn: "Totalt",
            kol_namn: "Totalt",
            "Antal": _antal_eller_farre(kt.total, kt.total_skyddad),
            "Andel av raden": None,
            "Andel av kolumnen": None,
        }
    )
    df = pd.DataFrame(rader)
    df.insert(0, "Röjandeskydd", SKYDD_PA if kt.skyddad else SKYDD_AV)
    df.insert(0, "Urval", urvalstext(urval))
    df.insert(0, "Mätomgång", omgang_id)
    return df


def analysseminariet(omfang: Omfang, omgang_id: str, urval: Urval) -> None:
    """The analysis seminar: a free cross-tab of two variables, filtered as the page."""
    st.write("En fråga från rummet: välj två variabler och se hur de hänger ihop i urvalet.")
    korsbara = list(korstabell_matt.KORSBARA)

    def etikett(v: str) -> str:
        return koder.VARIABLER[v].etikett

    k1, k2, k3 = st.columns([3, 3, 4], vertical_alignment="bottom")
    rad = k1.selectbox(
        "Rader", korsbara, index=korsbara.index("arbetshinder"), format_func=etikett, key=KORS_RAD_NYCKEL
    )
    kolumn = k2.selectbox(
        "Kolumner", korsbara, index=korsbara.index("kon"), format_func=etikett, key=KORS_KOLUMN_NYCKEL
    )
    k3.button("Byt rader och kolumner", key="malgrupp_kors_byt", on_click=_byt_rader_och_kolumner)
    matt = st.segmented_control(
        "Visa",
        list(charts.KORSMATT),
        format_func=charts.KORSMATT.get,
        key="malgrupp_kors_matt",
        default="n",
        required=True,
    )
    matt = matt if matt in charts.KORSMATT else "n"
    if rad == kolumn:
        st.warning("Välj två olika variabler.")
        return
    kt = las_korstabell(omfang, omgang_id, rad, kolumn, urval)
    if kt.vagrad:
        st.warning(kt.vagrad)
        return
    noteringar = [
        f"{etikett(v)}: {flervalstext(v)[0].lower()}{flervalstext(v)[1:]}"
        for v in (rad, kolumn)
        if flervalstext(v) is not None
    ]
    for n in noteringar:
        st.caption(n)
    celler, rm, km = _korstabell_for_visning(kt)
    visade = celler[celler["rad"].isin(_visade(rm)) & celler["kolumn"].isin(_visade(km))]
    forklaring = {
        "n": "Antal personer.",
        "radandel": f"Andel av raden: hur personerna i varje rad fördelar sig på {etikett(kolumn).lower()}.",
        "kolumnandel": f"Andel av kolumnen: hur personerna i varje kolumn fördelar sig på {etikett(rad).lower()}.",
    }[matt]
    diagram(
        charts.korstabell_karta(
            visade,
            matt,
            f"{etikett(rad)} efter {etikett(kolumn).lower()}",
            rad_titel=etikett(rad),
            kolumn_titel=etikett(kolumn),
            undertitel=[forklaring, "Svar som ingen i urvalet har visas inte."],
        )
    )
    tabell(korstabell_tabell(kt, matt), bred=True)
    nedladdning_med_skydd(
        omfang,
        _filnamn("korstabell", rad, kolumn, omgang_id),
        nyckel="malgrupp_kors_csv",
        skyddad=lambda: korstabell_fil(
            las_korstabell(omfang, omgang_id, rad, kolumn, urval, export=True), omgang_id, urval
        ),
        oskyddad=lambda eng: korstabell_fil(
            korstabell_matt.korstabell(eng, omfang.med_skydd(False), omgang_id, rad, kolumn, urval, export=True),
            omgang_id,
            urval,
        ),
    )


# --- Data quality (Data page) -----------------------------------------------------------------

KVALITETSMATT = {"andel_saknas": "Uppgift saknas (tomt svar)", "andel_okand": "Okänt"}


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=50)
def _datakvalitet(url: str, omfang: Omfang, omgang_id: str, export: bool, version: str) -> pd.DataFrame:
    if export:
        return datakvalitet_matt.datakvalitet_export(_engine(url), omfang, omgang_id)
    return datakvalitet_matt.datakvalitet(_engine(url), omfang, omgang_id)


def las_datakvalitet(omfang: Omfang, omgang_id: str, *, export: bool = False) -> pd.DataFrame:
    """Unknown and missing answers per variable and unit of a round (admin, processledning).

    Returns
    -------
    DataFrame
        See :func:`core.matt.datakvalitet.datakvalitet` (``export=True``:
        :func:`~core.matt.datakvalitet.datakvalitet_export`).
    """
    return _datakvalitet(config.databas_url(), omfang, omgang_id, export, dataversion())


def _kvalitetsnamn(dq: pd.DataFrame, *, med_antal: bool = False) -> dict[str, str]:
    """Column names of the units: ``alla`` first, then the units' short names; ``med_antal``
    adds each unit's persons (on screen only: admin and processledning see them unsuppressed)."""
    namn = {"alla": "Hela omgången"}
    finns = set(dq["enhet"])
    alla = enheter_i_ordning()
    namn |= {e: kort_enhetsnamn(n) for e, n in alla.items() if e in finns}
    namn |= {e: e for e in sorted(finns) if e not in namn}
    if med_antal:
        personer = dict(zip(dq["enhet"], dq["personer"], strict=False))
        namn = {e: f"{n} ({text.tal(_tal_eller_none(personer.get(e)))})" for e, n in namn.items()}
    return namn


def datakvalitet_tabell(dq: pd.DataFrame) -> pd.DataFrame:
    """The whole round: ``Variabel``, ``Okänt``, ``Andel okänt``, ``Uppgift saknas``,
    ``Andel saknas`` (Swedish text; "–" where a variable has no unknown code)."""
    a = dq[dq["enhet"] == "alla"]
    return pd.DataFrame(
        {
            "Variabel": a["etikett"].to_numpy(),
            "Okänt": [text.tal(_tal_eller_none(n)) for n in a["okand"]],
            "Andel okänt": [charts.andeltext(_tal_eller_none(x)) for x in a["andel_okand"]],
            "Uppgift saknas": [text.tal(_tal_eller_none(n)) for n in a["saknas"]],
            "Andel saknas": [charts.andeltext(_tal_eller_none(x)) for x in a["andel_saknas"]],
        }
    )


def datakvalitet_per_enhet(dq: pd.DataFrame, matt: str) -> pd.DataFrame:
    """One share per variable (rows) and unit (columns, the whole round first, each with its
    number of persons), as text."""
    namn = _kvalitetsnamn(dq, med_antal=True)
    bred = dq.pivot(index="variabel", columns="enhet", values=matt)
    etiketter = dict(zip(dq["variabel"], dq["etikett"], strict=False))
    variabler = list(dict.fromkeys(dq["variabel"]))
    ut = pd.DataFrame({"Variabel": [etiketter[v] for v in variabler]})
    for e, n in namn.items():
        ut[n] = [charts.andeltext(_tal_eller_none(bred.loc[v, e])) for v in variabler]
    return ut


def datakvalitet_fil(dq: pd.DataFrame, omgang_id: str, *, skyddad: bool) -> pd.DataFrame:
    """The data-quality table as a download (``dq`` from
    :func:`~core.matt.datakvalitet.datakvalitet_export`; ``skyddad`` says which it was)."""
    namn = _kvalitetsnamn(dq)
    return pd.DataFrame(
        {
            "Mätomgång": omgang_id,
            "Röjandeskydd": SKYDD_PA if skyddad else SKYDD_AV,
            "Enhet": dq["enhet"].map(namn),
            "Variabel": dq["etikett"],
            "Personer": [
                _antal_eller_farre(n, bool(s)) for n, s in zip(dq["personer"], dq["personer_skyddad"], strict=True)
            ],
            "Okänt": [_antal_eller_farre(n, bool(s)) for n, s in zip(dq["okand"], dq["okand_skyddad"], strict=True)],
            "Andel okänt": [_andel_eller_tom(a) for a in dq["andel_okand"]],
            "Uppgift saknas": [
                _antal_eller_farre(n, bool(s)) for n, s in zip(dq["saknas"], dq["saknas_skyddad"], strict=True)
            ],
            "Andel saknas": [_andel_eller_tom(a) for a in dq["andel_saknas"]],
        }
    )


def datakvalitet_block(omfang: Omfang) -> None:
    """The data-quality panel: per round, the share unknown and missing per variable and unit."""
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Inga mätomgångar är inlästa ännu.")
        return
    etiketter = {r["omgang_id"]: omgangsetikett(r) for _, r in omgangar.iterrows()}
    if st.session_state.get("data_kvalitet_omgang") not in etiketter:
        st.session_state.pop("data_kvalitet_omgang", None)
    val, matt_val = st.columns([3, 2], vertical_alignment="bottom")
    omgang_id = val.selectbox("Mätomgång", list(etiketter), format_func=etiketter.get, key="data_kvalitet_omgang")
    dq = las_datakvalitet(omfang, omgang_id)
    if dq.empty:
        st.info("Mätomgången har inga mätningar.")
        return
    matt = matt_val.segmented_control(
        "Visa",
        list(KVALITETSMATT),
        format_func=KVALITETSMATT.get,
        key="data_kvalitet_matt",
        default="andel_saknas",
        required=True,
    )
    matt = matt if matt in KVALITETSMATT else "andel_saknas"
    st.caption(OKAND_OCH_SAKNAS + " Andelarna är av alla personer i omgången, eller i enheten där mätningen gjordes.")
    fraga = {
        "andel_saknas": "Var lämnas frågorna obesvarade?",
        "andel_okand": "Var svarar handläggarna ”okänt”?",
    }[matt]
    diagram(
        charts.datakvalitet_karta(
            dq,
            matt,
            fraga,
            _kvalitetsnamn(dq, med_antal=True),
            undertitel=f"{KVALITETSMATT[matt]}: andel av personerna per variabel och enhet, mätomgång {omgang_id}.",
        )
    )
    tabell(datakvalitet_per_enhet(dq, matt), bred=True)
    with st.expander("Antal för hela omgången"):
        tabell(datakvalitet_tabell(dq))

    nedladdning_med_skydd(
        omfang,
        _filnamn("datakvalitet", omgang_id),
        nyckel="data_kvalitet_csv",
        skyddad=lambda: datakvalitet_fil(las_datakvalitet(omfang, omgang_id, export=True), omgang_id, skyddad=True),
        oskyddad=lambda eng: datakvalitet_fil(
            datakvalitet_matt.datakvalitet_export(eng, omfang.med_skydd(False), omgang_id), omgang_id, skyddad=False
        ),
    )


# --- helpers ----------------------------------------------------------------------------------


def _tal_eller_none(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return float(v)


def _pil(diff) -> str:
    if diff is None or round(diff, 6) == 0:
        return "off"
    return "up" if diff > 0 else "down"


def _som_datum(d):
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, str):
        return dt.date.fromisoformat(d[:10])
    return d


# --- Granskningslogg and Användare (admin pages, issue 5) ---------------------------------------

GRANSKNING_KOLUMNER = {
    "tid": "Tid (UTC)",
    "anvandare": "Användare",
    "handelse_text": "Händelse",
    "lyckad": "Lyckad",
    "detalj": "Detaljer",
}


def las_granskning(omfang: Omfang, **filter) -> pd.DataFrame:
    """The audit log for the audit page, fresh on every run (never cached: it is the record
    of what just happened), with Swedish headers."""
    df = audit.lista(engine(), omfang, **filter)
    ut = df[list(GRANSKNING_KOLUMNER)].rename(columns=GRANSKNING_KOLUMNER)
    ut["Användare"] = ut["Användare"].fillna("(okänt användarnamn)")
    ut["Lyckad"] = ut["Lyckad"].map({True: "Ja", False: "Nej"})
    ut["Tid (UTC)"] = [t.strftime("%Y-%m-%d %H:%M:%S") for t in ut["Tid (UTC)"]]
    ut["Detaljer"] = ut["Detaljer"].fillna("")
    return ut


def granskningsfilter() -> dict:
    """The audit page's filter widgets; returns the keyword arguments of ``audit.lista``."""
    kol1, kol2, kol3 = st.columns(3)
    vem = kol1.selectbox("Användare", ["(alla)", *anvandarnamn_i_loggen()], key="granskning_anvandare")
    vad = kol2.multiselect(
        "Händelse",
        list(audit.HANDELSER),
        format_func=audit.HANDELSER.get,
        key="granskning_handelse",
        placeholder="Alla",
    )
    idag = dt.date.today()
    period = kol3.date_input(
        "Period", (idag - dt.timedelta(days=30), idag), key="granskning_period", format="YYYY-MM-DD"
    )
    bara_fel = st.checkbox("Bara misslyckade", key="granskning_fel")
    fran, till = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
    return {
        "anvandare": None if vem == "(alla)" else vem,
        "handelser": tuple(vad),
        "fran": fran,
        "till": till,
        "bara_misslyckade": bara_fel,
    }


def anvandarnamn_i_loggen() -> list[str]:
    """User names to filter the audit log by (every user of the database)."""
    with engine().connect() as conn:
        from core.models import Anvandare

        return list(conn.execute(select(Anvandare.anvandarnamn).order_by(Anvandare.anvandarnamn)).scalars())


ANVANDAR_KOLUMNER = {
    "anvandarnamn": "Användarnamn",
    "namn": "Namn",
    "roll": "Roll",
    "enhet": "Enhet",
    "aktiv": "Aktiv",
    "last_till": "Låst till (UTC)",
}


def anvandare(omfang: Omfang) -> pd.DataFrame:
    """Every user (admin only) as the raw frame of ``core.auth.lista_anvandare``."""
    return auth.lista_anvandare(engine(), omfang)


def anvandartabell(df: pd.DataFrame) -> pd.DataFrame:
    """The users with Swedish headers and labels, for the table on the page."""
    ut = df[list(ANVANDAR_KOLUMNER)].rename(columns=ANVANDAR_KOLUMNER)
    ut["Roll"] = ut["Roll"].map(lambda r: koder.ROLLER.get(r, r))
    ut["Enhet"] = [enhetsnamn(e) if isinstance(e, str) and e else "" for e in ut["Enhet"]]
    ut["Aktiv"] = ut["Aktiv"].map({True: "Ja", False: "Nej"})
    ut["Låst till (UTC)"] = [
        t.strftime("%Y-%m-%d %H:%M") if t is not None and not pd.isna(t) else "" for t in ut["Låst till (UTC)"]
    ]
    return ut


def enheter() -> dict[str, str]:
    """Unit code -> name, for choosing a medarbetare's unit."""
    return dict(sorted(_enhetsnamn(config.databas_url(), dataversion()).items(), key=lambda kv: kv[1]))


def administrera(atgard: str, omfang: Omfang, *args, **kwargs):
    """Run one user-administration action of ``core.auth`` as the logged-in admin.

    ``atgard`` is one of ``skapa``, ``andra``, ``losenord``, ``las_upp``. Returns what the
    action returns; the credentials cache is cleared so the login sees the change at once.
    """
    funktioner = {
        "skapa": auth.skapa_anvandare_som_admin,
        "andra": auth.andra_anvandare,
        "losenord": auth.aterstall_losenord,
        "las_upp": auth.las_upp,
    }
    svar = funktioner[atgard](engine(), omfang, anvandarnamn(), *args, **kwargs)
    _credentials.clear()
    _omfang.clear()
    return svar


# --- Operations: an import in progress, deferred writes (issue 19) -----------------------------

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


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _for_stora_blad(url: str, version: str) -> dict[str, int]:
    return exporter.for_stora_blad(_engine(url))


def export_for_stor(omfang: Omfang) -> str | None:
    """Why the exchange-format workbook cannot be made (an entity has more rows than an Excel
    sheet holds), in Swedish; None when it can (cached per data version)."""
    omfang.kontrollera_sida("data")
    for_stora = _for_stora_blad(config.databas_url(), dataversion())
    return exporter.for_stor_text(for_stora) if for_stora else None


def export_zip(omfang: Omfang, anvandare: str | None, meddelande: str) -> None:
    """Say why there is no workbook and offer the CSV files in a zip instead (written when
    clicked, audited then)."""
    st.warning(meddelande)
    url = config.databas_url()
    namn = f"vagen-export-{dt.date.today().isoformat()}.zip"

    def skapa() -> bytes:
        data = exporter.zip_bytes(db.get_engine(url), omfang)
        audit.logga(db.get_engine(url), anvandare, "export", detalj={"format": "utbytesformat", "fil": namn})
        return data

    st.download_button(
        "Ladda ner CSV-filer (.zip)",
        data=skapa,
        file_name=namn,
        mime="application/zip",
        key="data_export_zip",
        on_click="ignore",
    )


# --- Deleting a round (Data page, issue 19) -----------------------------------------------------

_RADERAT = "data_raderat"
_RADERA_NUMMER = "data_radera_nummer"


def radera_omgang_block(omfang: Omfang, anvandare: str | None) -> None:
    """Delete a round: choose it, read how many measurements go, confirm, delete.

    The deletion itself (``core.forvaltning.radera_omgang``) keeps a safety copy of the
    database first, is audited, and changes the data version; the caches are cleared.
    """
    from core import forvaltning

    st.write(
        "En ny import av en rättad fil slår ihop raderna efter nyckel: en rad som tagits bort ur filen ligger "
        "kvar i databasen. För att ersätta en mätomgång helt, ta bort den här och importera den rättade filen. "
        "Personer, insatser, avslut och utbetalningar ligger kvar. En säkerhetskopia av hela databasen sparas "
        "först, och borttagningen loggas."
    )
    if meddelande := st.session_state.pop(_RADERAT, None):
        st.success(meddelande)
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Det finns inga mätomgångar att ta bort.")
        return
    etiketter = {
        r["omgang_id"]: f"{r['benamning'] if isinstance(r['benamning'], str) and r['benamning'] else r['omgang_id']}"
        f" ({text.datum(_som_datum(r['datum']))})"
        for _, r in omgangar.iterrows()
    }
    nummer = st.session_state.get(_RADERA_NUMMER, 0)  # a new key after a deletion empties the choice
    vald = st.selectbox(
        "Mätomgång att ta bort",
        list(etiketter),
        index=None,
        format_func=etiketter.get,
        placeholder="Välj en mätomgång",
        key=f"data_radera_val_{nummer}",
    )
    if vald is None:
        return
    try:
        inn = forvaltning.omgangens_innehall(engine(), omfang, vald)
    except forvaltning.ForvaltningsFel as e:
        st.error(str(e))
        return
    antal = text.tal(inn.matningar)
    st.warning(
        f"{antal} mätningar i mätomgång {inn.etikett()} tas bort, med deras flervalssvar. "
        "Det går inte att ångra här; säkerhetskopian kan återställas av den som driftar Vägen."
    )
    bekraftat = st.checkbox(f"Ja, ta bort mätomgång {vald} och dess {antal} mätningar", key=f"data_radera_ja_{vald}")
    if st.button(f"Ta bort {antal} mätningar", type="primary", disabled=not bekraftat, key="data_radera"):
        try:
            r = forvaltning.radera_omgang(engine(), omfang, vald, anvandare, matningar=inn.matningar)
        except forvaltning.ForvaltningsFel as e:
            st.error(str(e))
            return
        rensa_cacher()
        st.session_state[_RADERAT] = r.text()
        st.session_state[_RADERA_NUMMER] = nummer + 1
        st.rerun()
