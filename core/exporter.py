"""Exchange format out (``datamodell.md``): CSV files and the ``.xlsx`` workbook.

The exchange-format export is exact and round-trips: importing it into an empty database
gives the same data. Texts are written as text (in the workbook: text cells, never formulas,
whatever they begin with). Downloads meant for reading are a different thing and live in
``core/nedladdning.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from core import koder

CSV_SEP = ";"
CSV_RADSLUT = "\r\n"


def formatera_varde(varde) -> str:
    """One cell of the exchange format as text.

    None -> "" (blank); dates -> ``YYYY-MM-DD``; multi-valued (list/tuple) -> codes joined
    by ``|``; integers as digits without separators; everything else ``str``.
    """
    if varde is None:
        return ""
    if isinstance(varde, dt.datetime):
        return varde.date().isoformat()
    if isinstance(varde, dt.date):
        return varde.isoformat()
    if isinstance(varde, (list, tuple)):
        return "|".join(str(v) for v in varde)
    if isinstance(varde, bool):
        return "ja" if varde else "nej"
    return str(varde)


def _csv_falt(text: str) -> str:
    """Quote a field when it holds the separator, a quote or a line break (RFC 4180)."""
    if any(c in text for c in (CSV_SEP, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(entitet: str, rader: Iterable[Mapping], encoding: str = "cp1252") -> bytes:
    """One entity as a CSV file the way Swedish municipalities produce them.

    Semicolon-separated, CRLF line endings, header row with the column names of
    ``koder.KOLUMNER[entitet]`` in that order, Windows-1252 by default (``"utf-8-sig"`` for
    UTF-8 with BOM). Rows are mappings from column name to a Python value (see
    :func:`formatera_varde`); rows are written in the order given.
    """
    kolumner = koder.KOLUMNER[entitet]
    rader_text = [CSV_SEP.join(kolumner)]
    for rad in rader:
        rader_text.append(CSV_SEP.join(_csv_falt(formatera_varde(rad.get(k))) for k in kolumner))
    return (CSV_RADSLUT.join(rader_text) + CSV_RADSLUT).encode(encoding)
