"""The benchmark's AppTest worker (``core/bench.py`` runs it in a fresh process): each page of
``core.bench.SIDOR`` that has a file, rendered through Streamlit's AppTest from ``app.py``,
logged in the way ``tests/test_pages.py`` logs in. Here, not in ``core``: only ``core/ui.py``
of ``core`` imports Streamlit.

``python -m tests.bench_apptest apptest JSON`` prints ``{page: {"apptest_ms": …, "fel": […]}}``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from core.bench import ANVANDARE, APP, SIDOR, Lage


def rendera(spec: dict) -> dict:
    """Render each page of SIDOR that has a file through AppTest from app.py, logged in."""
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from core import auth, db, ui

    # As a server does once st.navigation has run, and as tests/test_pages.py does: every run
    # goes through app.py (AppTest would otherwise start each run in the pages-folder mode).
    init = PagesManager.__init__

    def ny_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = ny_init
    eng = db.get_engine(spec["url"])
    lage = Lage(spec["omgang"])
    anvandare = ANVANDARE[spec["roll"]]
    ut = {}
    for sida in SIDOR:
        if sida.sida is None or sida.namn not in spec["sidor"]:
            continue
        auth.registrera_aktivitet(eng, anvandare)
        at = AppTest.from_file(str(APP), default_timeout=900)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = anvandare
        at.session_state["name"] = anvandare
        at.session_state["roles"] = [spec["roll"]]
        at.session_state[ui.OMGANG_NYCKEL] = lage.omgang
        for k, v in sida.session(lage).items():
            at.session_state[k] = v
        at.run()
        at.switch_page(sida.sida).run()  # the first render: modules loaded, caches filled
        tider = []
        for _ in range(spec["upprepningar"]):
            st.cache_data.clear()
            t0 = time.perf_counter()
            at.run()
            tider.append((time.perf_counter() - t0) * 1000)
        fel = [str(e.value)[:300] for e in at.exception]
        ut[sida.namn] = {"apptest_ms": statistics.median(tider), "fel": fel}
    return ut


if __name__ == "__main__":
    print(json.dumps(rendera(json.loads(sys.argv[2])), default=str))
