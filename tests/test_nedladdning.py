"""Downloads for reading: BOM, semicolon, decimal comma, formula injection neutralised."""

import pandas as pd
import pytest

from core import nedladdning


@pytest.mark.parametrize(
    "text, ut",
    [
        ("=SUMMA(A1:A2)", "'=SUMMA(A1:A2)"),
        ("+46701234567", "'+46701234567"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tflik", "'\tflik"),
        ("\rretur", "'\rretur"),
        ("Eget kontrakt", "Eget kontrakt"),
        ("16-24", "16-24"),
    ],
)
def test_neutralisera(text, ut):
    assert nedladdning.neutralisera(text) == ut


def test_csv_for_lasning():
    df = pd.DataFrame({"Kod": ["=1+1", "K"], "Antal": [3, -2], "Andel": [0.5, float("nan")], "Text": ["a;b", None]})
    data = nedladdning.csv_for_lasning(df)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Swedish Excel reads å ä ö
    rader = data.decode("utf-8-sig").split("\r\n")
    assert rader[0] == "Kod;Antal;Andel;Text"
    assert rader[1] == '\'=1+1;3;0,5;"a;b"'  # formula neutralised, decimal comma, quoted separator
    assert rader[2] == "K;-2;;"  # numbers are not prefixed; missing values blank
