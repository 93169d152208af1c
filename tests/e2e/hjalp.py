"""Helpers for the browser tests: the app's pages, waiting for Streamlit, logging in, screenshots.

Streamlit draws over a websocket, so a page is "ready" when the expected content is there
and the app reports that no script run is in progress (``data-test-script-state`` on the
``stApp`` element, which Streamlit's own browser tests wait for). Fixed sleeps are used only
to prove that something does NOT happen.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

from core.ui import COOKIE_NAMN

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # the ``chromium`` fixture skips (or, in CI, fails) with a message
    Locator = Page = expect = None

ROT = Path(__file__).resolve().parents[2]
ARTEFAKTER = ROT / "tests" / "artefakter" / "e2e"
KAKA = COOKIE_NAMN


def appens_sidor() -> dict[str, dict[str, str]]:
    """The ``SIDOR`` dict of ``app.py`` (page key -> ``page``, ``title``, ``url_path``), read
    from its source: importing ``app.py`` would run the Streamlit app. New pages are covered
    by the browser tests as soon as they are registered there."""
    trad = ast.parse((ROT / "app.py").read_text(encoding="utf-8"))
    for nod in trad.body:
        if isinstance(nod, ast.Assign) and any(isinstance(m, ast.Name) and m.id == "SIDOR" for m in nod.targets):
            if not isinstance(nod.value, ast.Dict):
                break
            sidor = {}
            for nyckel, varde in zip(nod.value.keys, nod.value.values, strict=True):
                if isinstance(varde, ast.Call) and isinstance(varde.func, ast.Name) and varde.func.id == "dict":
                    sidor[ast.literal_eval(nyckel)] = {k.arg: ast.literal_eval(k.value) for k in varde.keywords}
                else:
                    sidor[ast.literal_eval(nyckel)] = ast.literal_eval(varde)
            # pages added later in their own section: SIDOR["nyckel"] = dict(...)
            for senare in trad.body:
                if (
                    isinstance(senare, ast.Assign)
                    and isinstance(senare.targets[0], ast.Subscript)
                    and isinstance(senare.targets[0].value, ast.Name)
                    and senare.targets[0].value.id == "SIDOR"
                    and isinstance(senare.value, ast.Call)
                ):
                    nyckel = ast.literal_eval(senare.targets[0].slice)
                    sidor[nyckel] = {k.arg: ast.literal_eval(k.value) for k in senare.value.keywords}
            return sidor
    raise AssertionError("app.py: hittar inte SIDOR = {...} med literala värden (läses av webbläsartesterna)")


SIDOR = appens_sidor()


# --- waiting for Streamlit ----------------------------------------------------------------------


def vanta_klar(page: Page) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.locator(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
    ).wait_for(state="attached")
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)


def vanta_pa_ritning(page: Page) -> None:
    """Wait until every element is drawn (before a screenshot): no placeholder of an element
    whose code is still loading, charts drawn, fonts loaded."""
    expect(page.locator('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]')).to_have_count(0)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .every(e => e.querySelector('canvas, svg'))"""
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")


def inloggningsformular(page: Page) -> Locator:
    """The login form's user-name field (only inside the form with the Logga in button: the
    user administration page has fields of the same names)."""
    return _formular(page).get_by_label("Användarnamn")


def _formular(page: Page) -> Locator:
    return page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Logga in", exact=True))


def navigeringslankar(page: Page) -> Locator:
    """The links of the sidebar navigation (all of them: a long list is expanded first)."""
    visa_fler = page.locator('[data-testid="stSidebarNavViewButton"]')
    if visa_fler.count() and "more" in visa_fler.inner_text():
        visa_fler.click()
    return page.locator('[data-testid="stSidebarNavLink"]')


def navigeringslank(page: Page, titel: str) -> Locator:
    navigeringslankar(page)  # expands a long list
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=titel, exact=True)


def aktuell_lank(page: Page) -> Locator:
    """The navigation link of the page shown now."""
    return page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')


class Websocketvakt:
    """Watches a page's websocket with the server: what was sent and received, and when."""

    def __init__(self, page: Page):
        self.page = page
        self.t0 = time.monotonic()
        self.senast = self.t0
        self.skickade = 0
        self.handelser: list[str] = []
        page.on("websocket", self._websocket)
        page.on("request", lambda r: self.notera(f"GET {r.url}") if "/component/" in r.url else None)

    def notera(self, vad: str) -> None:
        self.senast = time.monotonic()
        self.handelser.append(f"{self.senast - self.t0:6.2f} {vad}")

    def _websocket(self, ws) -> None:
        def skickat(f) -> None:
            self.skickade += 1
            self.notera(f"ws skickat {len(f)} B")

        ws.on("framesent", skickat)
        ws.on("framereceived", lambda f: self.notera(f"ws mottaget {len(f)} B"))

    def vanta_lugn(self, minst_skickade: int = 0, tyst_s: float = 0.4, timeout_s: float = 30) -> None:
        """Wait until at least ``minst_skickade`` messages went to the server and nothing
        has passed either way for ``tyst_s`` seconds."""
        slut = time.monotonic() + timeout_s
        while self.skickade < minst_skickade or time.monotonic() - self.senast < tyst_s:
            if time.monotonic() > slut:
                raise AssertionError("sidan blev aldrig lugn:\n" + self.logg())
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frame events

    def logg(self) -> str:
        return "\n".join(self.handelser[-80:])


def oppna_inloggning(page: Page, url: str) -> Websocketvakt:
    """Open ``url`` logged out and wait until the login form is ready for a person to use.

    The login's cookie component reports the browser's cookies once it has loaded, and
    that report reruns the app. A form sent before it arrives can be overtaken by that
    rerun (the session then ends up logged in without a cookie, or not at all; seen on
    a freshly started server). A person takes longer than that to type; the test waits
    for the report (the browser's second message: the first asks for the page) and for
    the rerun it causes to finish.
    """
    vakt = Websocketvakt(page)
    page.goto(url)
    expect(inloggningsformular(page)).to_be_visible()
    vakt.vanta_lugn(minst_skickade=2)
    vanta_klar(page)
    return vakt


def logga_in(page: Page, bas: str, anvandarnamn: str, losenord: str, sokvag: str = "") -> None:
    """Open ``sokvag`` logged out, log in through the form and wait for the logged-in app
    and its login cookie."""
    vakt = oppna_inloggning(page, f"{bas}/{sokvag}")
    skicka_inloggning(page, anvandarnamn, losenord)
    vakt.notera("inloggning skickad")
    try:
        expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    except AssertionError as e:
        raise AssertionError(f"{e}\n\nWebsocket:\n{vakt.logg()}") from None
    vakt.notera("inloggad")
    vanta_klar(page)
    slut = time.monotonic() + 15
    while inloggningskaka(page) is None:
        if time.monotonic() > slut:
            raise AssertionError(
                "Inloggad, men inloggningskakan sattes aldrig (en omladdning skulle logga ut):\n" + vakt.logg()
            )
        page.wait_for_timeout(100)


def inloggningskaka(page: Page) -> dict | None:
    """The login cookie of the page's browser context, or None."""
    return next((c for c in page.context.cookies() if c["name"] == KAKA and c["value"]), None)


def skicka_inloggning(page: Page, anvandarnamn: str, losenord: str) -> None:
    """Fill in the login form and press Logga in (waits for the form, not for the outcome)."""
    falt = inloggningsformular(page)
    expect(falt).to_be_visible()
    falt.fill(anvandarnamn)
    _formular(page).get_by_label("Lösenord", exact=True).fill(losenord)
    _formular(page).get_by_role("button", name="Logga in", exact=True).click()


def rubrik(page: Page) -> Locator:
    """The page's title (``st.title``)."""
    return page.locator('[data-testid="stMain"] h1')


def inga_undantag(page: Page) -> None:
    """No Python exception was drawn on the page."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


# --- tables (st.dataframe draws on a canvas; its cells are also in an accessible grid) ---------


def dataram(page: Page, kolumn: str) -> Locator:
    """The ``st.dataframe`` that has a column headed ``kolumn``.

    The grid's cells are an accessible table hidden from view, so CSS finds them where
    ``get_by_role`` (which skips hidden elements) does not.
    """
    rubrik = page.locator('[role="columnheader"]', has_text=re.compile(rf"^\s*{re.escape(kolumn)}\s*$"))
    return page.locator('[data-testid="stDataFrame"]').filter(has=rubrik)


def tabellrader(df: Locator) -> list[list[str]]:
    """The body rows of an ``st.dataframe`` as cell texts (small tables: all rows are drawn)."""
    expect(df).to_be_visible()
    expect(df.locator('[role="gridcell"]').first).to_be_attached()
    rader = []
    for rad in df.locator('[role="row"]').all():
        celler = [c.strip() for c in rad.locator('[role="gridcell"]').all_inner_texts()]
        if celler:
            rader.append(celler)
    return rader


def kolumnrubriker(df: Locator) -> list[str]:
    expect(df).to_be_visible()
    expect(df.locator('[role="columnheader"]').first).to_be_attached()
    return [c.strip() for c in df.locator('[role="columnheader"]').all_inner_texts()]


# --- screenshots --------------------------------------------------------------------------------


def skarmbild(page: Page, namn: str) -> Path:
    """A full-page screenshot ``tests/artefakter/e2e/<namn>.png``.

    Streamlit scrolls inside its main area, not the document, so a plain full-page shot
    would stop at the window's height: the window is made as tall as the content first.
    """
    vanta_klar(page)
    vanta_pa_ritning(page)
    fore = page.viewport_size
    hojd = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
                          ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
                              .map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": fore["width"], "height": min(max(int(hojd), fore["height"]), 12_000)})
    try:
        vanta_pa_ritning(page)
        ARTEFAKTER.mkdir(parents=True, exist_ok=True)
        fil = ARTEFAKTER / f"{namn}.png"
        page.screenshot(path=str(fil), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(fore)
    return fil
