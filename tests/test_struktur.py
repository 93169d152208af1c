"""The shape of the app (stil.md), kept by scanning the source.

- ``core/`` never imports Streamlit, except the UI package ``core/ui/`` (one module per
  concern: session, sidebar filter, loaders, tables and downloads, charts, one per page);
- pages hold no queries and build no charts (no ``select(``, ``text(``, ``.groupby(``,
  ``alt.Chart(``), and import no database or chart library directly;
- nothing uses Material icons (``:material/...:`` loads an icon font from a CDN, and the
  app must make no request outside its own server).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parent.parent
CORE = sorted((ROT / "core").rglob("*.py"))
SIDOR = sorted((ROT / "pages").glob("*.py"))
APP = ROT / "app.py"
UI = ROT / "core" / "ui"
UI_MODULER = sorted(UI.glob("*.py"))


def _importer(fil: Path) -> set[str]:
    """Top-level module names imported anywhere in ``fil`` (also inside functions)."""
    namn: set[str] = set()
    for nod in ast.walk(ast.parse(fil.read_text(encoding="utf-8"), filename=str(fil))):
        if isinstance(nod, ast.Import):
            namn.update(a.name.split(".")[0] for a in nod.names)
        elif isinstance(nod, ast.ImportFrom) and nod.module and nod.level == 0:
            namn.add(nod.module.split(".")[0])
    return namn


def _kod(fil: Path) -> str:
    """The source without comments and docstrings, so prose may mention what code may not do."""
    trad = ast.parse(fil.read_text(encoding="utf-8"))
    for nod in ast.walk(trad):
        if isinstance(nod, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and nod.body:
            forsta = nod.body[0]
            if (
                isinstance(forsta, ast.Expr)
                and isinstance(forsta.value, ast.Constant)
                and isinstance(forsta.value.value, str)
            ):
                nod.body[0] = ast.Pass()
    return ast.unparse(trad)


def test_filerna_finns():
    assert not (ROT / "core" / "ui.py").exists()  # the UI layer is a package
    assert {p.name for p in UI_MODULER} >= {"__init__.py", "inloggning.py", "tabeller.py", "malgrupp.py"}
    assert {p.name for p in SIDOR} >= {"oversikt.py", "data.py"}
    assert APP.is_file()


@pytest.mark.parametrize("fil", CORE, ids=lambda p: str(p.relative_to(ROT)))
def test_core_importerar_inte_streamlit(fil):
    if fil.parent == UI:
        return  # the UI layer may import Streamlit
    otillatna = _importer(fil) & {"streamlit", "streamlit_authenticator", "extra_streamlit_components"}
    assert not otillatna, f"{fil.name} importerar {otillatna}; bara core/ui/ får importera Streamlit"


def test_ui_paketet_ar_inget_grabbsack():
    # stil.md warns of a grab-bag module: no module of the UI layer passes 900 lines, and the
    # page modules do not import each other (shared widgets live in the shared modules).
    sidmoduler = {"oversikt", "malgrupp", "data", "granskning", "anvandarsida", "mote"}
    for fil in UI_MODULER:
        rader = len(fil.read_text(encoding="utf-8").splitlines())
        assert rader <= 900, f"{fil.name} har {rader} rader: dela upp den"
        if fil.stem in sidmoduler:
            importerade = set(re.findall(r"from core\.ui\.(\w+) import", fil.read_text(encoding="utf-8")))
            assert not importerade & (sidmoduler - {fil.stem}), f"{fil.name} importerar en annan sidas modul"


@pytest.mark.parametrize("fil", [*SIDOR, APP], ids=lambda p: str(p.relative_to(ROT)))
def test_sidor_utan_fragor_och_diagram(fil):
    kod = _kod(fil)
    # select( and text( as SQLAlchemy calls (bare or through the module), not as methods
    # such as an import result's .text().
    for monster in (r"(?<![\w.])select\(", r"(?<![\w.])text\(", r"\b(sa|sqlalchemy)\.(select|text)\("):
        assert not re.search(monster, kod), f"{fil.name} innehåller en SQL-fråga ({monster}): flytta den till core/"
    for forbjudet in (".groupby(", "alt.Chart(", ".execute(", ".connect("):
        assert forbjudet not in kod, f"{fil.name} innehåller {forbjudet!r}: flytta det till core/"
    otillatna = _importer(fil) & {"sqlalchemy", "altair", "pandas", "psycopg", "sqlite3"}
    assert not otillatna, f"{fil.name} importerar {otillatna}; sidor anropar core/ui/"


@pytest.mark.parametrize("fil", [*CORE, *SIDOR, APP], ids=lambda p: str(p.relative_to(ROT)))
def test_inga_material_ikoner(fil):
    assert ":material/" not in fil.read_text(encoding="utf-8")


def test_sidor_registreras_med_filnamn_utan_ikoner():
    sidor = re.findall(r'"(pages/[^"]+\.py)"', APP.read_text(encoding="utf-8"))
    assert sidor
    for sida in sidor:
        assert (ROT / sida).is_file(), sida
        assert re.fullmatch(r"pages/[a-z][a-z0-9_]*\.py", sida), f"{sida}: snake_case, utan nummer eller emoji"
    # No page icons at all: an emoji is allowed, but a page list without icons cannot
    # slip a Material icon in later.
    for nod in ast.walk(ast.parse(APP.read_text(encoding="utf-8"))):
        if isinstance(nod, ast.Call) and getattr(nod.func, "attr", None) in ("Page", "navigation"):
            assert "icon" not in {k.arg for k in nod.keywords}
        if isinstance(nod, ast.Call) and getattr(nod.func, "id", None) == "dict":
            assert "icon" not in {k.arg for k in nod.keywords}


def test_ingen_dataframe_i_session_state():
    # stil.md: never a DataFrame in st.session_state. Writes to session_state in the app,
    # the pages and core/ui/ may only store plain values.
    for fil in [APP, *SIDOR, *UI_MODULER]:
        for rad in _kod(fil).splitlines():
            if re.search(r"session_state\[[^\]]+\]\s*=", rad):
                assert not re.search(r"=\s*(pd\.|ui\.las_|.*DataFrame)", rad), f"{fil.name}: {rad.strip()}"
