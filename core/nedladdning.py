"""Downloads meant for reading (CSV and Excel opened by a person, not re-imported).

produkt.md: UTF-8 with BOM, semicolon-separated, decimal comma, so that Swedish Excel opens
them as they are; a text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return
is prefixed with ``'`` so a spreadsheet never runs it as a formula (formula injection). The
exchange-format export (``core/exporter.py``) is different: it must round-trip, and is exact.
"""

from __future__ import annotations

import io
import math
import numbers

import pandas as pd

FARLIGA_BORJAN = ("=", "+", "-", "@", "\t", "\r")


def neutralisera(text):
    """Prefix a text that a spreadsheet would read as a formula with ``'``; others unchanged."""
    if isinstance(text, str) and text.startswith(FARLIGA_BORJAN):
        return "'" + text
    return text


def _cell(v) -> str:
    if (
        v is None
        or v is pd.NA
        or (isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral) and math.isnan(v))
    ):
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f).replace(".", ",")
    return neutralisera(str(v))


def csv_for_lasning(df: pd.DataFrame) -> bytes:
    """A frame as a CSV download for reading: UTF-8 with BOM, ``;``, decimal comma, CRLF.

    Column headers are written as they are in ``df`` (give it Swedish headers). Floats are
    written unrounded with a decimal comma; missing values are blank; texts are neutralised
    against formula injection.
    """
    ut = io.StringIO()
    ut.write(";".join(_falt(neutralisera(str(c))) for c in df.columns) + "\r\n")
    for rad in df.itertuples(index=False, name=None):
        ut.write(";".join(_falt(_cell(v)) for v in rad) + "\r\n")
    return ut.getvalue().encode("utf-8-sig")


def _falt(text: str) -> str:
    if any(c in text for c in (";", '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text
