"""Exchange format out (``datamodell.md``): CSV files and the ``.xlsx`` workbook.

The exchange-format export is exact and round-trips: importing it into an empty database
gives the same data. Texts are written as text (in the workbook: text cells, never formulas,
whatever they begin with). Downloads meant for reading are a different thing and live in
``core/nedladdning.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine, func, select

from core import koder, text
from core.models import DATATABELLER, MatningVal
from core.omfang import BehorighetsFel, Omfang

CSV_SEP = ";"
CSV_RADSLUT = "\r\n"

# Excel's limit: 1 048 576 rows per sheet, the header row included. A workbook whose sheet
# would need more is refused (ExportFel); the CSV files and the zip have no such limit.
EXCEL_MAX_RADER = 1_048_576


class ExportFel(ValueError):
    """An export that cannot be written as asked; Swedish message."""


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


def for_stora_blad(engine: Engine) -> dict[str, int]:
    """The entities with more rows than one Excel sheet holds, and their row counts.

    A sheet holds :data:`EXCEL_MAX_RADER` rows with the header, so at most 1 048 575 rows of
    data. Empty when the whole database fits in a workbook. Counts only (no scope needed:
    the caller has checked who may export).
    """
    ut = {}
    with engine.connect() as conn:
        for entitet in koder.ENTITETER:
            n = conn.execute(select(func.count()).select_from(DATATABELLER[entitet])).scalar_one()
            if n > EXCEL_MAX_RADER - 1:
                ut[entitet] = n
    return ut


def for_stor_text(for_stora: dict[str, int]) -> str:
    """Why the workbook cannot be written (Swedish), for :func:`for_stora_blad`'s answer."""
    blad = ", ".join(f"{e} ({text.tal(n)} rader)" for e, n in for_stora.items())
    return (
        f"Arbetsboken kan inte skapas: bladet {blad} får inte plats, Excel rymmer högst "
        f"{text.tal(EXCEL_MAX_RADER - 1)} rader under rubrikraden per blad. Exportera CSV-filer i stället "
        "(en zip-fil eller en mapp); de har ingen sådan gräns och kan importeras igen."
    )


def _kontrollera_storlek(engine: Engine) -> None:
    if for_stora := for_stora_blad(engine):
        raise ExportFel(for_stor_text(for_stora))


def xlsx_bytes(engine: Engine, omfang: Omfang) -> bytes:
    """The whole database as an exchange-format workbook (``.xlsx``), as bytes (see
    :func:`exportera_rader` for who may).

    Raises
    ------
    ExportFel
        When an entity has more rows than an Excel sheet holds (:func:`for_stora_blad`);
        checked before anything is read.
    """
    if not omfang.ser_alla_personer:
        raise BehorighetsFel("Din roll får inte exportera uppgifter på personnivå.")
    _kontrollera_storlek(engine)
    buf = io.BytesIO()
    _arbetsbok(exportera_rader(engine, omfang)).save(buf)
    return buf.getvalue()


def zip_bytes(engine: Engine, omfang: Omfang, encoding: str = "utf-8-sig") -> bytes:
    """The whole database as a ``.zip`` of exchange-format CSV files, one per entity (the
    form an import takes, with no limit on rows); see :func:`exportera_rader` for who may."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for entitet, rader in exportera_rader(engine, omfang).items():
            zf.writestr(f"{entitet}.csv", csv_bytes(entitet, rader, encoding=encoding))
    return buf.getvalue()


def _skriv_atomiskt(filer: dict[Path, bytes]) -> None:
    """Write every file to ``name.tmp`` first and rename them only when all are written, so
    a failure (a full disk) leaves the files as they were and no temporary file behind."""
    tmp = {fil: fil.with_name(fil.name + ".tmp") for fil in filer}
    try:
        for fil, data in filer.items():
            tmp[fil].write_bytes(data)
        for fil in filer:
            os.replace(tmp[fil], fil)
    except BaseException:
        for t in tmp.values():
            t.unlink(missing_ok=True)
        raise


def exportera_xlsx(engine: Engine, omfang: Omfang, sokvag: str | Path) -> Path:
    """Write the whole database as an exchange-format workbook to ``sokvag``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportFel
        When an entity has more rows than an Excel sheet holds; nothing is written.
    OSError
        When the file cannot be written (a full disk); no partial file is left.
    """
    sokvag = Path(sokvag)
    data = xlsx_bytes(engine, omfang)
    sokvag.parent.mkdir(parents=True, exist_ok=True)
    _skriv_atomiskt({sokvag: data})
    return sokvag


def exportera_zip(engine: Engine, omfang: Omfang, sokvag: str | Path, encoding: str = "utf-8-sig") -> Path:
    """Write the whole database as a ``.zip`` of exchange-format CSV files to ``sokvag``
    (:func:`zip_bytes`); returns the file written."""
    sokvag = Path(sokvag)
    data = zip_bytes(engine, omfang, encoding)
    sokvag.parent.mkdir(parents=True, exist_ok=True)
    _skriv_atomiskt({sokvag: data})
    return sokvag


def exportera_csv(engine: Engine, omfang: Omfang, katalog: str | Path, encoding: str = "utf-8-sig") -> list[Path]:
    """Write the whole database as one exchange-format CSV file per entity into ``katalog``.

    UTF-8 with BOM by default, so Excel shows å, ä and ö and no text is lost; see
    :func:`csv_bytes` for the rest of the format. ``katalog`` may have any name, dots
    included (``export.2024``). The files are renamed into place only when all are written.

    Returns
    -------
    list of Path
        The files written, in ``koder.ENTITETER`` order.
    """
    katalog = Path(katalog)
    rader = exportera_rader(engine, omfang)
    katalog.mkdir(parents=True, exist_ok=True)
    filer = {katalog / f"{e}.csv": csv_bytes(e, r, encoding=encoding) for e, r in rader.items()}
    _skriv_atomiskt(filer)
    return list(filer)
