"""Swedish to the last widget, nothing cut off (issue 12): every page of every role in
Chromium, at 1280×720 and 1440×900.

For each view (every page of the role, and each tab of Målgrupp) the test

- fails on English words of Streamlit's own widgets in what a person reads: the text on
  the page, tooltips (``title``) and placeholders, and the options of every multiselect
  and selectbox once opened ("Select all", "No results", "Upload", "Drag and drop files
  here", "200MB per file", "261.0KB" …);
- fails on text that is cut off where the browser can tell: an element with text of its
  own whose content is wider than its box (``scrollWidth > clientWidth``) while it hides
  the overflow (``overflow: hidden``/``clip`` or ``text-overflow: ellipsis``). Tables and
  charts draw on a canvas, so their cells are not measured here; their label columns are
  sized to their longest text (``core.ui.tabeller.textbredd``) instead;
- saves a screenshot ``tests/artefakter/e2e/svenska-<bredd>x<höjd>-<roll>-<sida>.png``.

What is still English is read only by screen readers (aria labels such as "Clear all"),
which the test does not read: Streamlit offers no way to set them.
"""

from __future__ import annotations

import re

import pytest

from core.omfang import ROLLER, SIDOR_PER_ROLL
from tests.e2e.hjalp import (
    SIDOR,
    inga_undantag,
    logga_in,
    navigeringslank,
    rubrik,
    skarmbild,
    vanta_klar,
    vanta_pa_ritning,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips (or fails in CI) with a message
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

STORLEKAR = [(1280, 720), (1440, 900)]

# Streamlit's own English, as its widgets write it (streamlit 1.67's frontend).
ENGELSKA = re.compile(
    r"\b(Select all|Select \d+ matches|No results|Add: |Upload|Browse files|Drag and drop|per file|"
    r"Choose an option|Choose options|Clear all|Add files|Remove|Press Enter|Deploy|Rerun|Running|Stop|"
    r"Download as CSV|Search|Fullscreen|Show data|View source|Save as|Show more|Show less|View more|"
    r"View less|Made with|Page not found|Please wait|Copy to clipboard|Close|Open)\b"
    r"|\b\d+(\.\d+)?(KB|MB|GB)\b|\b\d+\.\d+\s?B\b"
)

# Text of the page and of its tooltips and placeholders (what a sighted person reads).
LAS_TEXT = """() => {
  const delar = [document.body.innerText];
  for (const e of document.querySelectorAll('[title], [placeholder]')) {
    if (e.closest('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]')) continue;
    if (e.getAttribute('title')) delar.push(e.getAttribute('title'));
    // A placeholder is read only while its field is empty.
    if (e.getAttribute('placeholder') && !e.value) delar.push(e.getAttribute('placeholder'));
  }
  return delar.join('\\n');
}"""

# Elements whose own text is wider than their box while the box hides the rest.
AVSKURET = """() => {
  const ut = [];
  const rot = document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *');
  for (const e of rot) {
    if (e.closest('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], [data-testid="stCode"]')) continue;
    const egen = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!egen) continue;
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    // The element itself, or one of its three nearest ancestors (a button around a label),
    // hides what does not fit, and its content is wider than its box.
    let a = e;
    for (let steg = 0; a && steg < 4; steg++, a = a.parentElement) {
      const as = getComputedStyle(a);
      const doljer = ['hidden', 'clip'].includes(as.overflowX) || as.textOverflow === 'ellipsis';
      if (doljer && a.clientWidth > 0 && a.scrollWidth > a.clientWidth + 1) {
        ut.push(`${egen.slice(0, 80)} (${a.scrollWidth} > ${a.clientWidth} px, ${a.tagName.toLowerCase()})`);
        break;
      }
    }
  }
  // A chosen value in a select field cannot wrap: it must fit.
  for (const e of document.querySelectorAll('input[role="combobox"]')) {
    if (e.value && e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1) {
      ut.push(`${e.value.slice(0, 80)} (${e.scrollWidth} > ${e.clientWidth} px, valt värde)`);
    }
  }
  return ut;
}"""


def _engelska(texter: str) -> list[str]:
    return sorted({m.group(0) for m in ENGELSKA.finditer(texter)})


# An option of an open list that does not fit its row (the rows have a fixed height).
AVSKURET_I_LISTAN = """() => [...document.querySelectorAll('[role="listbox"] [role="option"]')]
  .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1
            || [...e.querySelectorAll('*')].some(c => c.scrollWidth > c.clientWidth + 1))
  .map(e => e.innerText.slice(0, 80))"""


def _oppna_listor(sida, avskurna: list[str]) -> str:
    """Open every multiselect and selectbox of the view in turn and read its options
    (and note those cut off)."""
    texter = []
    for lista in sida.locator('[data-testid="stMultiSelect"], [data-testid="stSelectbox"]').all():
        if not lista.is_visible():
            continue
        etikett = lista.locator('[data-testid="stWidgetLabel"]').inner_text().strip()
        knapp = lista.locator('button[aria-haspopup="listbox"]').first
        if not knapp.count() or knapp.is_disabled():
            continue  # nothing to open (a disabled field, or one whose choices are used up)
        try:
            alternativ = sida.locator('[role="listbox"]')
            for _forsok in range(3):  # a rerun of the script may close a list as it opens
                vanta_klar(sida)
                knapp.scroll_into_view_if_needed()
                knapp.click(timeout=5_000)
                try:
                    alternativ.first.wait_for(state="visible", timeout=3_000)
                    break
                except Exception:
                    sida.keyboard.press("Escape")
            else:
                avskurna.append(f"listan {etikett!r} gick inte att öppna")
                continue
            texter.append(
                sida.evaluate(
                    """() => [...document.querySelectorAll('[role="listbox"]')].map(e => e.innerText).join('\\n')"""
                )
            )
            texter.append(sida.evaluate(LAS_TEXT))
            avskurna.extend(f"i listan {etikett!r}: {a}" for a in sida.evaluate(AVSKURET_I_LISTAN))
        finally:
            sida.keyboard.press("Escape")
            sida.wait_for_timeout(300)
    return "\n".join(texter)


def _granska(sida, namn: str, fel: list[str]) -> None:
    vanta_klar(sida)
    vanta_pa_ritning(sida)
    inga_undantag(sida)
    avskuret: list[str] = []
    engelska = _engelska(sida.evaluate(LAS_TEXT) + "\n" + _oppna_listor(sida, avskuret))
    if engelska:
        fel.append(f"{namn}: engelska ord {engelska}")
    avskuret += sida.evaluate(AVSKURET)
    if avskuret:
        fel.append(f"{namn}: avskuren text {avskuret}")
    skarmbild(sida, f"svenska-{namn}")


def _vyer(sida, nyckel: str):
    """The views of a page: the page itself, and for Målgrupp each of its tabs."""
    yield nyckel
    if nyckel == "malgrupp":
        flikar = sida.locator('[data-testid="stTab"]')
        for i in range(1, flikar.count()):
            flik = flikar.nth(i)
            namn = re.sub(r"\W+", "_", flik.inner_text().strip().lower())
            flik.click()
            vanta_klar(sida)
            yield f"{nyckel}-{namn}"
        flikar.first.click()
        vanta_klar(sida)


@pytest.mark.parametrize("roll", ROLLER)
def test_varje_sida_pa_svenska_och_hel(server, sida, roll):
    anv, losen = server.losenord[roll]
    sida.set_viewport_size({"width": STORLEKAR[0][0], "height": STORLEKAR[0][1]})
    logga_in(sida, server.bas, anv, losen)
    fel: list[str] = []
    for bredd, hojd in STORLEKAR:
        sida.set_viewport_size({"width": bredd, "height": hojd})
        for i, nyckel in enumerate(SIDOR_PER_ROLL[roll]):
            if i > 0 or bredd != STORLEKAR[0][0]:
                navigeringslank(sida, SIDOR[nyckel]["title"]).click()
            expect(rubrik(sida)).to_have_text(SIDOR[nyckel]["title"])
            for vy in _vyer(sida, nyckel):
                _granska(sida, f"{bredd}x{hojd}-{roll}-{vy}", fel)
    assert not fel, "\n".join(fel)


def test_kontrollerna_kan_falla(chromium):
    # The checks themselves: they find English widget words and text cut off, and leave
    # Swedish alone (so the walk above can fail).
    assert _engelska("Select all\nLimit 200MB per file • XLSX\nrapport.xlsx 261.0KB\nUpload") == [
        "200MB",
        "261.0KB",
        "Select all",
        "Upload",
        "per file",
    ]
    assert _engelska("Högst 200 MB per fil. Välj filer. Valda filer: a.csv (261 kB). Alla") == []
    ctx = chromium.new_context()
    try:
        sida = ctx.new_page()
        sida.set_content(
            '<div data-testid="stMain">'
            '<div style="width:60px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">Mätning september 2019</div>'
            '<button style="width:60px;overflow:hidden;white-space:nowrap"><p>← Föregående</p></button>'
            '<div style="width:600px;overflow:hidden;white-space:nowrap">Ryms gott</div>'
            '<input role="combobox" style="width:60px" value="Mätning september 2019 (2019-09-16)">'
            "</div>"
        )
        avskurna = sida.evaluate(AVSKURET)
        assert [a.split(" (")[0] for a in avskurna] == [
            "Mätning september 2019",
            "← Föregående",
            "Mätning september 2019",
        ]
    finally:
        ctx.close()
