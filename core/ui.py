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

from core import audit, auth, charts, config, db, exporter, importer, koder, nedladdning, text
from core.matt import oversikt as oversikt_matt
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
        if st.session_state.get(_INLOGGNING_LAST):
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
def _oversikt(url: str, omfang: Omfang, omgang_id: str | None, version: str):
    return oversikt_matt.oversikt(_engine(url), omfang, omgang_id)


def las_oversikt(omfang: Omfang, omgang_id: str | None = None):
    """Översikt for the scope and round (None: the latest), cached per data version.

    Returns
    -------
    core.matt.oversikt.Oversikt
    """
    if omgang_id is not None and omgang_id not in set(las_omgangar(omfang)["omgang_id"]):
        omgang_id = None  # a round chosen before it was removed or replaced: show the latest
    return _oversikt(config.databas_url(), omfang, omgang_id, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=100)
def _omgangar(url: str, omfang: Omfang, version: str) -> pd.DataFrame:
    return oversikt_matt.omgangar(_engine(url), omfang)


def las_omgangar(omfang: Omfang) -> pd.DataFrame:
    """The rounds with their sizes, newest first (columns ``omgang_id``, ``datum``,
    ``benamning``, ``personer``, ``personer_skyddad``)."""
    return _omgangar(config.databas_url(), omfang, dataversion())


# --- shared blocks ----------------------------------------------------------------------------


def demobanner() -> None:
    """Say plainly, on the page itself, that demo data are fictitious."""
    if ar_demolage():
        st.info(f"{DEMO_TEXT}: alla personer och siffror är påhittade.", icon="ℹ️")


def nyckeltal(ov, kolumner: int = 3) -> None:
    """The key figures of Översikt as metrics, with the change since the previous round.

    A share reads ``52 %`` and changes in percentage points; a suppressed figure reads
    "färre än 5"; each figure's definition is its help text.
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
        "färre än 5", undefined ones "–".
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


def kvinnor_och_man(ov) -> None:
    """The kvinnor/män block of Översikt: the chart of the shares, then the table of every
    key figure by sex with its download."""
    diagram(charts.nyckeltal_kon(ov.tabell))
    omgang = ov.omgang.omgang_id if ov.omgang else "omgang"
    tabell_med_nedladdning(tabell_kon(ov.tabell), f"oversikt-kon-{omgang}.csv", nyckel="oversikt_kon_csv")


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
    ut["Enhet"] = ut["Enhet"].map(lambda e: enhetsnamn(e) if e else "")
    ut["Aktiv"] = ut["Aktiv"].map({True: "Ja", False: "Nej"})
    ut["Låst till (UTC)"] = [t.strftime("%Y-%m-%d %H:%M") if t is not None and not pd.isna(t) else "" for t in ut["Låst till (UTC)"]]
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
