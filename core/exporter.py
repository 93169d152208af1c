"""Exchange format out (``datamodell.md``): CSV files and the ``.xlsx`` workbook.

The exchange-format export is exact and round-trips: importing it into an empty database
gives the same data. Texts are written as text (in the workbook: text cells, never formulas,
whatever they begin with). Downloads meant for reading are a different thing and live in
``core/nedladdning.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine, select

from core import koder
from core.models import DATATABELLER, MatningVal
from core.omfang import BehorighetsFel, Omfang

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


# --- the whole database in the exchange format --------------------------------------------


def _flerval_ordning(variabel: str, kod: str) -> tuple[int, str]:
    """Codes in the code list's order; unit codes (``pagaende_insats``) after, alphabetically."""
    ordning = list(koder.VARIABLER[variabel].koder)
    return (ordning.index(kod), "") if kod in ordning else (len(ordning), kod)


def exportera_rader(engine: Engine, omfang: Omfang) -> dict[str, list[dict]]:
    """Every entity as rows of the exchange format.

    Parameters
    ----------
    engine : the database.
    omfang : the caller's scope; the exchange format holds person-level rows of every unit,
        so only processledning and admin may read it (``BehorighetsFel`` otherwise).

    Returns
    -------
    dict
        Entity name (in ``koder.ENTITETER`` order) -> rows ordered by key (Python's string
        order, the same on every database). A row maps each column of
        ``koder.KOLUMNER[entitet]``, in that order, to ``str``, ``int``, ``datetime.date``
        or None; a multi-valued column to a tuple of codes in code-list order (``()`` when
        blank).
    """
    if not omfang.ser_alla_personer:
        raise BehorighetsFel("Din roll får inte exportera uppgifter på personnivå.")
    ut: dict[str, list[dict]] = {}
    with engine.connect() as conn:
        val: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for o, p, v, k in conn.execute(
            select(MatningVal.omgang_id, MatningVal.person_id, MatningVal.variabel, MatningVal.kod)
        ):
            val[(o, p)][v].append(k)
        for entitet in koder.ENTITETER:
            tabell = DATATABELLER[entitet].__table__
            nycklar = koder.NYCKLAR[entitet]
            rader = [dict(r) for r in conn.execute(select(*tabell.columns)).mappings()]
            rader.sort(key=lambda r: tuple(r[k] for k in nycklar))
            if entitet == "matning":
                for r in rader:
                    per_var = val.get((r["omgang_id"], r["person_id"]), {})
                    for v in koder.FLERVAL:
                        r[v] = tuple(sorted(per_var.get(v, ()), key=lambda k, v=v: _flerval_ordning(v, k)))
            ut[entitet] = [{k: r[k] for k in koder.KOLUMNER[entitet]} for r in rader]
    return ut


def _arbetsbok(rader: Mapping[str, list[dict]]):
    """A write-only workbook: one sheet per entity, a header row, then the rows.

    Every text is a text cell (``data_type = "s"``), ids included. openpyxl types a plain
    ``str`` as text itself, except a text beginning with ``=`` (it would become a formula)
    and an Excel error word such as ``#N/A`` (an error cell): those get an explicit text
    cell. Dates are date cells shown as ``YYYY-MM-DD``; integers are number cells.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for entitet in koder.ENTITETER:
        ws = wb.create_sheet(entitet)
        kolumner = koder.KOLUMNER[entitet]
        for i, namn in enumerate(kolumner):
            ws.column_dimensions[get_column_letter(i + 1)].width = max(12, len(namn) + 2)
        ws.freeze_panes = "A2"

        def cell(varde, ws=ws):
            if isinstance(varde, (list, tuple)):
                varde = formatera_varde(varde)
            if varde == "":
                return None
            if isinstance(varde, str) and (varde.startswith("=") or varde in ERROR_CODES):
                c = WriteOnlyCell(ws, value=varde)
                c.data_type = "s"
                return c
            return varde

        ws.append([cell(k) for k in kolumner])
        for rad in rader.get(entitet, []):
            ws.append([cell(rad.get(k)) for k in kolumner])
    return wb


def xlsx_bytes(engine: Engine, omfang: Omfang) -> bytes:
    """The whole database as an exchange-format workbook (``.xlsx``), as bytes (see
    :func:`exportera_rader` for who may)."""
    buf = io.BytesIO()
    _arbetsbok(exportera_rader(engine, omfang)).save(buf)
    return buf.getvalue()


def exportera_xlsx(engine: Engine, omfang: Omfang, sokvag: str | Path) -> Path:
    """Write the whole database as an exchange-format workbook to ``sokvag``.

    Returns
    -------
    Path
        The file written.
    """
    sokvag = Path(sokvag)
    sokvag.parent.mkdir(parents=True, exist_ok=True)
    sokvag.write_bytes(xlsx_bytes(engine, omfang))
    return sokvag


def exportera_csv(engine: Engine, omfang: Omfang, katalog: str | Path, encoding: str = "utf-8-sig") -> list[Path]:
    """Write the whole database as one exchange-format CSV file per entity into ``katalog``.

    UTF-8 with BOM by default, so Excel shows å, ä and ö and no text is lost; see
    :func:`csv_bytes` for the rest of the format.

    Returns
    -------
    list of Path
        The files written, in ``koder.ENTITETER`` order.
    """
    katalog = Path(katalog)
    katalog.mkdir(parents=True, exist_ok=True)
    filer = []
    for entitet, rader in exportera_rader(engine, omfang).items():
        fil = katalog / f"{entitet}.csv"
        fil.write_bytes(csv_bytes(entitet, rader, encoding=encoding))
        filer.append(fil)
    return filer
