"""The app in a real browser: ``streamlit run`` on 127.0.0.1 and Debian's Chromium via Playwright.

The session starts one server against a temporary SQLite database with the demo
municipality, one demo user per role and one user kept for the lockout test (all with
passwords the fixture knows), and one headless Chromium. Every test gets its own browser
context, so no login cookie leaks from one test to the next, and every request the pages
make is recorded: a test fails when anything went elsewhere than 127.0.0.1.

Where Chromium (``/usr/bin/chromium``) or Playwright is missing the browser tests are
skipped with a message; with ``VAGEN_KRAV_CHROMIUM`` set (``.ci/run`` sets it) they fail
instead, so CI never skips them silently.

Artefacts (screenshots ``<roll>-<sida>.png``, the server's log) go to
``tests/artefakter/e2e/``, which git ignores.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core import auth, db, demo
from tests.conftest import snabba_hashar

ROT = Path(__file__).resolve().parents[2]
ARTEFAKTER = ROT / "tests" / "artefakter" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: a 2-core CI machine runs the server, Chromium and pytest at once, and the first
# script run of a fresh server imports pandas and altair.
TIMEOUT_MS = 30_000
SERVER_START_S = 90

# The user the lockout test locks (processledning; nobody else logs in as it).
LAST_ANVANDARE = ("e2e-last", "E2E Låstestare", "processledning")
LAST_LOSENORD = "ratt-losenord-for-lastestet"
# Only this test suite's server ever sees this key.
COOKIE_NYCKEL = "e2e-testnyckel-bara-for-webblasartesterna-0123456789abcdef"

# Where a page may send requests: its own server, and things that never leave the browser.
TILLATNA_VARDAR = {"127.0.0.1"}
TILLATNA_SCHEMAN_LOKALA = {"data", "blob", "about"}


def _saknas(meddelande: str) -> None:
    """Skip, or fail when CI requires the browser tests (``VAGEN_KRAV_CHROMIUM``)."""
    if os.environ.get("VAGEN_KRAV_CHROMIUM"):
        pytest.fail(f"VAGEN_KRAV_CHROMIUM är satt men {meddelande}", pytrace=False)
    pytest.skip(f"Webbläsartesterna hoppas över / browser tests skipped: {meddelande}")


def _fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ar_lokal(url: str) -> bool:
    """True when a request to ``url`` stays on this machine (the app's own server on
    127.0.0.1, or a ``data:``, ``blob:`` or ``about:`` URL that never leaves the browser)."""
    delar = urlsplit(url)
    if delar.scheme in TILLATNA_SCHEMAN_LOKALA:
        return True
    return delar.scheme in ("http", "https", "ws", "wss") and delar.hostname in TILLATNA_VARDAR


# --- the server -------------------------------------------------------------------------------


@dataclass
class Server:
    """The running app: its address, database and the users the tests log in as."""

    bas: str
    db_url: str
    losenord: dict[str, tuple[str, str]] = field(default_factory=dict)  # roll -> (anv, lösen)
    logg: Path | None = None

    def url(self, sokvag: str = "") -> str:
        return f"{self.bas}/{sokvag.lstrip('/')}"


def _bygg_databas(katalog: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """A SQLite file with the demo, the demo users and the lockout user."""
    url = f"sqlite:///{katalog / 'vagen.db'}"
    with pytest.MonkeyPatch.context() as mp:
        # bcrypt cost 4 for the users made here (as tests/test_pages.py does): the server
        # only checks these hashes, and a check costs what the hash's own cost says.
        snabba_hashar(mp)  # fast hashes
        eng = db.get_engine(url)
        db.skapa_schema(eng)
        resultat = demo.ladda(eng)
        assert resultat.ok, resultat.felrapport()
        losenord = auth.skapa_demoanvandare(eng, fil=katalog / "demo-anvandare.txt")
        anv, namn, roll = LAST_ANVANDARE
        auth.skapa_anvandare(eng, anv, namn, roll, None, LAST_LOSENORD)
    eng.dispose()
    db._ENGINES.pop(url, None)
    return url, losenord


def _vanta_pa_halsa(proc: subprocess.Popen, bas: str, logg: Path) -> None:
    slut = time.monotonic() + SERVER_START_S
    while time.monotonic() < slut:
        if proc.poll() is not None:
            pytest.fail(f"streamlit run avslutades direkt (kod {proc.returncode}):\n{logg.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{bas}/_stcore/health", timeout=2) as svar:
                if svar.status == 200 and svar.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit run svarade inte inom {SERVER_START_S} s:\n{logg.read_text()[-3000:]}")


def _stoppa(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def _vardma_upp(chromium, bas: str) -> None:
    """Open the app once before the tests.

    Until ``st.navigation`` has run once, a fresh server is in Streamlit's older
    ``pages/``-folder mode (a first request for ``/data`` runs ``pages/data.py`` by itself;
    ``core.ui.kraver_sida`` then leaves that mode and keeps the address, which
    ``test_farsk_server.py`` tries on a server of its own). This pays the first run's
    imports (pandas, altair) outside any test's time.
    """
    ctx = chromium.new_context()
    urler: list[str] = []
    ctx.on("request", lambda r: urler.append(r.url))
    try:
        sida = ctx.new_page()
        sida.goto(bas, timeout=SERVER_START_S * 1000)
        sida.get_by_role("button", name="Logga in").wait_for(timeout=SERVER_START_S * 1000)
    finally:
        ctx.close()
    externa = sorted({u for u in urler if not ar_lokal(u)})
    assert not externa, f"förfrågningar utanför 127.0.0.1: {externa}"


@pytest.fixture(scope="session")
def chromium():
    """Playwright's Chromium driving Debian's ``/usr/bin/chromium`` (skipped where missing)."""
    if not Path(CHROMIUM).exists():
        _saknas(f"Chromium saknas ({CHROMIUM}); installera med `apt-get install chromium`.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _saknas("Playwright saknas i miljön (pip install -r requirements.txt).")
    pw = sync_playwright().start()
    try:
        webblasare = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as e:
        pw.stop()
        _saknas(f"Chromium ({CHROMIUM}) kunde inte startas: {e}")
    yield webblasare
    webblasare.close()
    pw.stop()


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory) -> Server:
    """``streamlit run app.py`` on a free port of 127.0.0.1, stopped at the end of the session.

    Asks for ``chromium`` first, so where the browser is missing no server is started.
    """
    ARTEFAKTER.mkdir(parents=True, exist_ok=True)
    for gammal in ARTEFAKTER.glob("*.png"):  # of a page that no longer exists, or a fixed failure
        gammal.unlink()
    katalog = tmp_path_factory.mktemp("e2e")
    url, losenord = _bygg_databas(katalog)
    port = _fri_port()
    bas = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VAGEN_DATABASE_URL": url,
        "VAGEN_COOKIE_KEY": COOKIE_NYCKEL,
        "VAGEN_DEMO_ANVANDARE": str(katalog / "demo-anvandare.txt"),
        # A developer's own .streamlit/secrets.toml must not change what the tests see.
        "VAGEN_SECRETS": str(katalog / "inga-secrets.toml"),
        "PYTHONUNBUFFERED": "1",
        # The server in UTC and the browser in Swedish time (the login cookie must last 8 h anyway).
        "TZ": "UTC",
    }
    logg = ARTEFAKTER / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        # Others edit files in the checkout while the tests run; a file watcher would only
        # cost CPU (runOnSave is off anyway).
        "--server.fileWatcherType",
        "none",
    ]
    with open(logg, "wb") as ut:
        proc = subprocess.Popen(cmd, cwd=ROT, env=env, stdout=ut, stderr=subprocess.STDOUT)
    try:
        _vanta_pa_halsa(proc, bas, logg)
        _vardma_upp(chromium, bas)
        yield Server(bas=bas, db_url=url, losenord=losenord, logg=logg)
    finally:
        _stoppa(proc)
        eng = db._ENGINES.pop(url, None)
        if eng is not None:
            eng.dispose()


# --- one browser context per test, with every request recorded ----------------------------------


@dataclass
class Forfragningar:
    """Every URL the test's pages asked for (requests, websockets, popups)."""

    urler: list[str] = field(default_factory=list)

    def externa(self) -> list[str]:
        return sorted({u for u in self.urler if not ar_lokal(u)})


@pytest.fixture(scope="session", autouse=True)
def _playwright_tider():
    """Generous waits for every ``expect`` (see TIMEOUT_MS)."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        yield
        return
    expect.set_options(timeout=TIMEOUT_MS)
    yield


@pytest.fixture
def forfragningar() -> Forfragningar:
    return Forfragningar()


@pytest.fixture
def kontext(chromium, server, forfragningar):
    """A fresh browser context (no cookies) whose every request is recorded; at the end of
    the test, any request that left 127.0.0.1 fails it."""
    ctx = chromium.new_context(
        viewport={"width": 1400, "height": 1000},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        accept_downloads=True,
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.on("request", lambda r: forfragningar.urler.append(r.url))

    def ny_sida(p):
        p.on("websocket", lambda ws: forfragningar.urler.append(ws.url))

    ctx.on("page", ny_sida)
    yield ctx
    ctx.close()
    assert forfragningar.urler, "inga förfrågningar registrerades: kontrollen av externa förfrågningar vore tom"
    externa = forfragningar.externa()
    assert not externa, f"förfrågningar utanför 127.0.0.1: {externa}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's outcome on the test, for the screenshot of a failed test below.
    rapport = yield
    setattr(item, f"rapport_{rapport.when}", rapport)
    return rapport


@pytest.fixture
def sida(kontext, request):
    """A page in the test's own context; when the test fails, its last view is saved as
    ``tests/artefakter/e2e/fel-<test>.png``."""
    page = kontext.new_page()
    yield page
    rapport = getattr(request.node, "rapport_call", None)
    if rapport is not None and rapport.failed and not page.is_closed():
        namn = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTEFAKTER / f"fel-{namn}.png"), full_page=True, timeout=10_000)
        except Exception as e:  # the failure itself matters more than its picture
            print(f"skärmbild av felet misslyckades: {e}")
