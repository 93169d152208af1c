"""The first visitor of a freshly started server (issue 12): a deep link opens the page it
asks for once the visitor has logged in, not Översikt.

Its own server, started for this module and never warmed up (the shared one in
``conftest.py`` is opened once before the tests, which hides exactly this).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import (
    ARTEFAKTER,
    COOKIE_NYCKEL,
    ROT,
    Server,
    _bygg_databas,
    _fri_port,
    _stoppa,
    _vanta_pa_halsa,
)
from tests.e2e.hjalp import aktuell_lank, logga_in, rubrik, vanta_klar

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def farsk_server(chromium, tmp_path_factory):
    katalog = tmp_path_factory.mktemp("e2e-farsk")
    url, losenord = _bygg_databas(katalog)
    port = _fri_port()
    bas = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VAGEN_DATABASE_URL": url,
        "VAGEN_COOKIE_KEY": COOKIE_NYCKEL,
        "VAGEN_DEMO_ANVANDARE": str(katalog / "demo-anvandare.txt"),
        "VAGEN_SECRETS": str(katalog / "inga-secrets.toml"),
        "PYTHONUNBUFFERED": "1",
    }
    ARTEFAKTER.mkdir(parents=True, exist_ok=True)
    logg = ARTEFAKTER / "server-farsk.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1"]
    cmd += ["--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none"]
    with open(logg, "wb") as ut:
        proc = subprocess.Popen(cmd, cwd=ROT, env=env, stdout=ut, stderr=subprocess.STDOUT)
    try:
        _vanta_pa_halsa(proc, bas, logg)  # only /_stcore/health: no page has been run yet
        yield Server(bas=bas, db_url=url, losenord=losenord, logg=logg)
    finally:
        _stoppa(proc)


def test_djuplank_hos_forsta_besokaren(farsk_server, chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE", timezone_id="Europe/Stockholm")
    try:
        sida = ctx.new_page()
        anv, losen = farsk_server.losenord["processledning"]
        logga_in(sida, farsk_server.bas, anv, losen, sokvag="data")
        expect(rubrik(sida)).to_have_text("Data", timeout=60_000)
        expect(aktuell_lank(sida)).to_have_text("Data")
        assert sida.url.rstrip("/").endswith("/data"), sida.url
        vanta_klar(sida)
    finally:
        ctx.close()
