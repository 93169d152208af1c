"""Swedish to the last widget (issue 12): the formatting helpers the pages share.

Times in Swedish local time, file sizes, changes that read as zero, the one form of shares
in every download, readable audit details, column widths that show the longest text.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from core import nedladdning, text
from core.ui import granskning, oversikt, tabeller


@pytest.mark.parametrize(
    "utc, lokal",
    [
        (dt.datetime(2026, 1, 15, 12, 0), "2026-01-15 13:00"),  # winter time, UTC+1
        (dt.datetime(2026, 7, 1, 22, 30), "2026-07-02 00:30"),  # summer time, UTC+2, next day
        (dt.datetime(2026, 3, 29, 1, 0), "2026-03-29 03:00"),  # the hour summer time begins
        (dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC), "2026-07-01 12:00"),  # aware
        (None, ""),
    ],
)
def test_tid_i_svensk_lokal_tid(utc, lokal):
    assert text.tid(utc) == lokal


def test_tid_fran_pandas_och_klockslag():
    assert text.tid(pd.Timestamp("2026-12-02 17:05:09"), sekunder=True) == "2026-12-02 18:05:09"
    assert text.klockslag(dt.datetime(2026, 12, 2, 17, 5)) == "18:05"


@pytest.mark.parametrize(
    "n, ut", [(812, "812 byte"), (261_000, "261 kB"), (30_485, "30 kB"), (1_234_567, "1,2 MB"), (30_485_000, "30,5 MB")]
)
def test_filstorlek(n, ut):
    # Not Streamlit's "261.0KB": a decimal comma, a space and kB.
    assert text.filstorlek(n) == ut


@pytest.mark.parametrize(
    "diff, typ, ut, pil",
    [
        (-0.004, "andel", "±0 procentenheter", "off"),  # rounds to 0: no arrow, no minus
        (0.0, "andel", "±0 procentenheter", "off"),
        (0.05, "andel", "+5 procentenheter", "up"),
        (-0.05, "andel", "−5 procentenheter", "down"),
        (0, "antal", "±0", "off"),
        (-7, "antal", "−7", "down"),
        (0.04, "manader", "±0 mån", "off"),
    ],
)
def test_ingen_pil_for_en_forandring_som_lases_som_noll(diff, typ, ut, pil):
    assert text.matt_forandring(diff, typ) == ut
    assert oversikt._pil(diff, typ) == pil


def test_andel_i_fil_en_form_i_varje_nedladdning():
    assert tabeller.andel_i_fil(0.52139) == 52.1
    assert tabeller.andel_i_fil(0.5, skyddad=True) is None
    assert tabeller.andel_i_fil(float("nan")) is None
    df = tabeller.andelskolumner(pd.DataFrame({"Svar": ["Ja", "Nej"], "Andel": [0.25, 0.75]}), ["Andel"])
    assert list(df.columns) == ["Svar", "Andel (%)"]
    # In the CSV: a number with a decimal comma, in the column that says it is a share.
    assert nedladdning.csv_for_lasning(df).decode("utf-8-sig").splitlines() == ["Svar;Andel (%)", "Ja;25", "Nej;75"]
    assert nedladdning.csv_for_lasning(pd.DataFrame({"Andel (%)": [52.1]})).decode("utf-8-sig").endswith("52,1\r\n")


def test_textbredd_ryms_den_langsta_texten():
    kort = tabeller.textbredd(pd.Series(["Kön"], name="Variabel"))
    lang = tabeller.textbredd(pd.Series(["Inskriven på Arbetsförmedlingen", "Kön"], name="Variabel"))
    assert lang >= len("Inskriven på Arbetsförmedlingen") * 7
    assert kort < lang
    assert tabeller.textbredd(["x" * 1000]) == 1000  # capped


def test_granskningsdetaljer_som_lasbar_text():
    import_detalj = json.dumps(
        {
            "filer": ["matning.csv"],
            "antal": {"matning": {"insatta": 12, "uppdaterade": 0, "oforandrade": 1200}},
            "fel": 0,
            "varningar": 0,
        }
    )
    assert granskning.detaljtext(import_detalj) == (
        "filer: matning.csv · rader: mätningar 12 nya, 0 ändrade, 1\u00a0200 oförändrade · fel: 0 · varningar: 0"
    )
    assert granskning.detaljtext('{"format": "csv", "fil": "a.csv", "rojandeskydd": true}') == (
        "format: CSV · fil: a.csv · röjandeskydd: ja"
    )
    assert granskning.detaljtext('{"orsak": "fel_losenord", "last_minuter": 15}') == (
        "orsak: fel lösenord · låst i minuter: 15"
    )
    assert granskning.detaljtext('{"ny_nyckel": "x"}') == "ny_nyckel: x"  # nothing the log holds is hidden
    assert granskning.detaljtext(None) == "" and granskning.detaljtext("inte json") == "inte json"
    for rad in (import_detalj, '{"atgard": "skapad", "anvandare": "a", "roll": "admin", "enhet": null}'):
        assert "{" not in granskning.detaljtext(rad) and '"' not in granskning.detaljtext(rad)


def test_definitioner_med_svenska_etiketter_inte_faltnamn():
    # "af_inskriven = ja" was the database's words; a reader gets the question's (issue 12).
    from core import koder
    from core.matt.oversikt import MATT

    for rad in MATT:
        definition = rad[-1]
        assert "=" not in definition, definition
        assert not any(v in definition for v in koder.VARIABLER if "_" in v), definition


def test_granskningens_perioder():
    idag = dt.date(2026, 12, 2)
    assert granskning.period_datum(1, idag) == (idag, idag)
    assert granskning.period_datum(30, idag) == (dt.date(2026, 11, 3), idag)
    assert granskning.period_datum(None, idag) == (None, None)
