"""The files of an import, read as streams: CSV in every encoding municipalities use, Excel
workbooks, zip files and folders (the first step of ``core.importer``).

Nothing here holds a whole file in memory. :func:`oppna` looks at every file of the source
(names, sheets, zip members and their sizes) and returns one :class:`Kalla` per recognised
table; a table's rows are read only when the importer asks for them (:attr:`Kalla.rader`),
one row at a time, in the order the importer validates them. So an import's memory does not
grow with its files.

What a file may be (datamodell.md, "Exchange format"):

- **CSV**: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode-text") or
  Windows-1252, one encoding per file; comma, semicolon or tab separated (the header line
  tells which); any line ending (CRLF, LF, CR). A file that mixes encodings (a Windows-1252
  line in a UTF-8 file, or UTF-8 in a Windows-1252 file), a quote that is never closed (it
  would swallow the rows after it), a quote inside an unquoted field or text after a closing
  quote, a line longer than :data:`MAX_RADLANGD`, NUL bytes: each refused with the row where
  the file stops making sense.
- **Excel** (``.xlsx``, ``.xlsm``): one sheet per table. A formula cell without a stored value
  (openpyxl and some other tools write those) is read as :data:`FORMEL_UTAN_VARDE`, which the
  importer refuses: nobody typed a blank there.
- **zip**: CSV files (in folders too); every member's size and compression ratio is checked
  *before* it is read (:func:`kontrollera_zip`), so a zip bomb is refused without unpacking it.
  A workbook is a zip too and gets the same check.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core import koder
from core.personnummer import maskera

# A physical line longer than this (characters) is no row of the exchange format; reading it
# would hold it whole in memory (a file of NUL bytes is one such line).
MAX_RADLANGD = 1 << 20
# A zip member (or workbook part) may unpack to at most this many bytes, and one over
# ZIP_KVOT_FRAN bytes to at most ZIP_MAX_KVOT times its packed size (CSV and sheet XML pack
# 5-30 times; a bomb of NUL bytes about a thousand).
ZIP_MAX_STORLEK = 4 << 30
ZIP_MAX_TOTALT = 8 << 30
ZIP_MAX_KVOT = 200
ZIP_KVOT_FRAN = 1 << 20

TOM_FIL = "Filen är tom: rubrikraden med kolumnnamnen saknas."
PACKFEL = "Filen kunde inte packas upp ur zip-filen (skadad eller lösenordsskyddad)."
BLANDAD_KODNING = (
    "Filen blandar teckenkodningar (UTF-8 och Windows-1252) och skulle lagras med fel tecken. "
    "Spara hela filen med en och samma kodning (helst UTF-8) och importera igen."
)
OLASBAR_KODNING = "Filen kunde inte läsas som UTF-8 eller Windows-1252."
OLASBAR_UTF16 = "Filen är sparad som UTF-16 men innehåller tecken som inte är giltig UTF-16."
FOR_LANG_RAD = (
    "En rad i filen är orimligt lång (över en miljon tecken utan radslut); filen är inte en CSV-fil i utbytesformatet."
)
OSTANGT_CITAT = (
    'Ett citattecken (") öppnas på den här raden men stängs aldrig, så raderna efter skulle läsas som ett '
    "enda fält. Kontrollera citattecknen på raden."
)
CITAT_I_FALT = (
    'Raden har ett citattecken (") mitt i ett fält. Ett fält som innehåller citattecken ska stå inom '
    'citattecken, med citattecknet dubblerat ("").'
)
EFTER_CITAT = 'Raden har tecken efter ett avslutande citattecken (") i samma fält. Kontrollera citattecknen.'
SKADAT_BLAD = "Bladet kunde inte läsas: arbetsboken är skadad."


class Lasfel(Exception):
    """A file (or sheet) that cannot be read; ``rad`` is the row where it stops making sense
    (header = 1), or None for the file as a whole."""

    def __init__(self, meddelande: str, rad: int | None = None):
        super().__init__(meddelande)
        self.meddelande = meddelande
        self.rad = rad


class _FormelUtanVarde:
    """The value of a workbook cell that holds a formula but no stored result."""

    _instans = None

    def __new__(cls):
        if cls._instans is None:
            cls._instans = super().__new__(cls)
        return cls._instans

    def __repr__(self) -> str:
        return "FORMEL_UTAN_VARDE"

    def __reduce__(self):
        return (_FormelUtanVarde, ())


FORMEL_UTAN_VARDE = _FormelUtanVarde()


@dataclass
class Kalla:
    """One recognised table of the source: a CSV file or a sheet.

    Attributes
    ----------
    nr : its place among the files of the source (errors of reading are listed in this order).
    entitet : the entity it holds.
    fil : its name as errors show it (``person.csv``, ``bok.xlsx, blad person``,
        ``data.zip/person.csv``), identity numbers masked.
    rader : yields ``(row number as the spreadsheet shows it, cells)`` for the header (row 1)
        and every row after it, blank rows included; raises :class:`Lasfel`. Each call reads
        the table again from its start.
    text : every cell is a ``str`` (a CSV file).
    """

    nr: int
    entitet: str
    fil: str
    rader: Callable[[], Iterator[tuple[int, list]]]
    text: bool = False


@dataclass
class Inlast:
    """What :func:`oppna` found: the tables, every file name, errors and warnings."""

    kallor: list[Kalla] = field(default_factory=list)
    filer: list[str] = field(default_factory=list)
    fel: list[tuple[int, str, int | None, str]] = field(default_factory=list)  # (nr, file, row, message)
    varningar: list[str] = field(default_factory=list)
    _nr: int = 0

    def nasta(self) -> int:
        self._nr += 1
        return self._nr


def entitet_for(namn: str) -> str | None:
    """The entity a sheet name or file stem stands for (case and spaces ignored), or None."""
    namn = namn.strip().lower()
    return namn if namn in koder.ENTITETER else None


# --- CSV -------------------------------------------------------------------------------------

_BOM16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A well-formed UTF-8 multi-byte sequence: in a Windows-1252 file it means the file mixes
# encodings (Swedish Windows-1252 text puts a letter, not 0x80-0xBF bytes, after å, ä, ö).
_UTF8_SEKVENS = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class _Plats:
    """The number of the CSV record being read (the header is 1), shared by the layers."""

    __slots__ = ("nr",)

    def __init__(self):
        self.nr = 1


def _radslut(rad: str) -> bool:
    return rad.endswith(("\n", "\r"))


def _textrader(f, plats: _Plats, packfel: str) -> Iterator[str]:
    """Decoded physical lines (terminators kept) of a binary CSV stream.

    The encoding is found as the file is read: a UTF-16 BOM means UTF-16; otherwise UTF-8
    (strictly, after a UTF-8 BOM or once a non-ASCII UTF-8 line has been seen), falling back
    to Windows-1252 at the first line that is not UTF-8 when every line before it was ASCII.
    """

    def las(text) -> str:
        try:
            return text.readline(MAX_RADLANGD)
        except UnicodeDecodeError:
            raise Lasfel(OLASBAR_UTF16, plats.nr) from None
        except Exception:  # noqa: BLE001 - a damaged zip member fails in zlib, zipfile, EOF and others
            raise Lasfel(packfel) from None

    try:
        kopf = f.peek(4)[:4]
    except Exception:  # noqa: BLE001
        raise Lasfel(packfel) from None
    if kopf.startswith(_BOM16):
        text = io.TextIOWrapper(f, encoding="utf-16", errors="strict", newline="")
        while rad := las(text):
            if len(rad) >= MAX_RADLANGD and not _radslut(rad):
                raise Lasfel(FOR_LANG_RAD, plats.nr)
            yield rad
        return
    bom8 = kopf.startswith(codecs.BOM_UTF8)
    if bom8:
        f.read(len(codecs.BOM_UTF8))
    # Latin-1 maps every byte to one character, so the lines split exactly where the bytes do
    # and encode back to the bytes they were.
    text = io.TextIOWrapper(f, encoding="latin-1", newline="")
    utf8, sett_utf8 = True, False
    while rad := las(text):
        if len(rad) >= MAX_RADLANGD and not _radslut(rad):
            raise Lasfel(FOR_LANG_RAD, plats.nr)
        if rad.isascii():
            yield rad
            continue
        data = rad.encode("latin-1")
        if utf8:
            try:
                rad = data.decode("utf-8")
            except UnicodeDecodeError:
                if bom8 or sett_utf8:
                    raise Lasfel(BLANDAD_KODNING, plats.nr) from None
                utf8 = False
            else:
                sett_utf8 = True
                yield rad
                continue
        if _UTF8_SEKVENS.search(data):
            raise Lasfel(BLANDAD_KODNING, plats.nr)
        try:
            yield data.decode("cp1252")
        except UnicodeDecodeError:
            raise Lasfel(OLASBAR_KODNING, plats.nr) from None


def avgransare(rubrikrad: str) -> str:
    """The separator the header line uses: the most frequent of ``;``, ``,`` and tab (header
    names hold none of them); a tie goes to ``;``, then ``,``."""
    antal = [(rubrikrad.count(s), -i, s) for i, s in enumerate((";", ",", "\t"))]
    return max(antal)[2]


class _Citat:
    """Checks the quoting of every line before the csv module reads it (RFC 4180, as Excel and
    LibreOffice write it): a field is either unquoted and holds no quote, or quoted with its
    inner quotes doubled. A quoted field may span lines (a cell with a line break), but one
    whose continued lines hold the separator is a quote that was never closed."""

    _START, _OCITERAD, _CITERAD, _CITAT_I_CITERAD = range(4)

    def __init__(self, sep: str, plats: _Plats):
        s = re.escape(sep)
        falt = rf'(?:"(?:[^"]|"")*"|[^"{s}\r\n]*)'
        self.hel_rad = re.compile(rf"{falt}(?:{s}{falt})*(?:\r\n|\r|\n)?")
        self.sep = sep
        self.plats = plats
        self.tillstand = self._START
        self.oppnad = 1

    def filtrera(self, rader: Iterator[str]) -> Iterator[str]:
        for rad in rader:
            if self.tillstand == self._START and ('"' not in rad or self.hel_rad.fullmatch(rad)):
                yield rad
                continue
            self._kontrollera(rad)
            yield rad
        if self.tillstand in (self._CITERAD,):
            raise Lasfel(OSTANGT_CITAT, self.oppnad)

    def _kontrollera(self, rad: str) -> None:
        t = self.tillstand
        fortsatt = t == self._CITERAD  # this line continues a quoted field of a line before
        start, ociterad, citerad, citat = self._START, self._OCITERAD, self._CITERAD, self._CITAT_I_CITERAD
        for tecken in rad:
            if t == citerad:
                if tecken == '"':
                    t = citat
                elif fortsatt and tecken == self.sep:
                    raise Lasfel(OSTANGT_CITAT, self.oppnad)
            elif t == start:
                if tecken == '"':
                    t, self.oppnad = citerad, self.plats.nr
                elif tecken not in (self.sep, "\r", "\n"):
                    t = ociterad
            elif t == ociterad:
                if tecken == '"':
                    raise Lasfel(CITAT_I_FALT, self.plats.nr)
                if tecken in (self.sep, "\r", "\n"):
                    t = start
            else:  # a quote inside a quoted field: doubled, or the end of the field
                if tecken == '"':
                    t = citerad
                elif tecken in (self.sep, "\r", "\n"):
                    t, fortsatt = start, False
                else:
                    raise Lasfel(EFTER_CITAT, self.plats.nr)
        if t in (ociterad, citat):
            t = start
        self.tillstand = t


def las_csv(oppna: Callable[[], object], packfel: str = "Filen kunde inte öppnas.") -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file as ``(row number, cells)``, the header first (row 1)."""
    plats = _Plats()
    try:
        f = oppna()
    except Exception:  # noqa: BLE001 - a missing file, a damaged or encrypted zip member
        raise Lasfel(packfel) from None
    with contextlib.closing(f):
        rader = _textrader(f, plats, packfel)
        forsta = next(rader, None)
        if forsta is None:
            raise Lasfel(TOM_FIL)
        sep = avgransare(forsta)
        citat = _Citat(sep, plats)
        lasare = csv.reader(citat.filtrera(itertools.chain([forsta], rader)), delimiter=sep, strict=True)
        while True:
            try:
                celler = next(lasare)
            except StopIteration:
                return
            except csv.Error as e:
                orsak = str(e).lower()
                if "nul" in orsak:
                    raise Lasfel("Raden innehåller ett NUL-tecken; filen är inte en textfil.", plats.nr) from None
                if "field larger than field limit" in orsak:
                    raise Lasfel("Raden har ett fält som är orimligt långt (över 131 072 tecken).", plats.nr) from None
                raise Lasfel("Filen kunde inte läsas som CSV (felaktiga citattecken eller tecken).", plats.nr) from None
            yield plats.nr, celler
            plats.nr += 1


# --- Excel workbooks -------------------------------------------------------------------------


def _bladparser():
    """openpyxl's streaming sheet parser, told to mark formula cells without a stored value."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Bladparser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                # No result stored: no <v>, or an empty one (openpyxl writes <v />). A text
                # formula whose result is empty (t="str", <v></v>) did store its blank.
                v = element.find(VALUE_TAG)
                if v is None or (not v.text and element.get("t") != "str"):
                    cell["value"] = FORMEL_UTAN_VARDE
            return cell

    return Bladparser


def _blad_rader(wb, ws) -> Iterator[tuple[int, list]]:
    """Rows of a read-only sheet as ``(row number, values)``, missing rows as empty ones.

    The sheet's XML is parsed as a stream (openpyxl's own parser), ignoring the dimension the
    file claims (which may be wrong and would cut rows off)."""
    try:
        src = ws._get_source()
    except Exception:  # noqa: BLE001 - a missing or damaged part of the workbook
        raise Lasfel(SKADAT_BLAD) from None
    with contextlib.closing(src):
        parser = _bladparser()(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        forra = 0
        rader = parser.parse()
        while True:
            try:
                idx, celler = next(rader)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 - a damaged sheet fails in the XML parser or a cast
                raise Lasfel(SKADAT_BLAD) from None
            for tom in range(forra + 1, idx):
                yield tom, []
            forra = idx
            varden: list = [None] * (celler[-1]["column"] if celler else 0)
            for c in celler:
                varden[c["column"] - 1] = c["value"]
            yield idx, varden


def _las_arbetsbok(bok: str, oppna_zip: Callable[[], object], ut: Inlast, stack: contextlib.ExitStack) -> None:
    import openpyxl

    try:
        with oppna_zip() as f, zipfile.ZipFile(f) as zf:
            medlemmar = zf.infolist()
    except Exception:  # noqa: BLE001
        raise Lasfel("Filen kunde inte läsas som en Excel-arbetsbok (.xlsx).") from None
    if (bomb := kontrollera_zip(medlemmar)) is not None:
        raise Lasfel(bomb)
    f = oppna_zip()
    stack.callback(f.close)
    try:
        wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged workbook raises many different types
        raise Lasfel("Filen kunde inte läsas som en Excel-arbetsbok (.xlsx).") from None
    stack.callback(wb.close)
    for ws in wb.worksheets:
        entitet = entitet_for(ws.title)
        if entitet is None:
            ut.varningar.append(f"Bladet '{maskera(ws.title)}' i {bok} har ett okänt namn och lästes inte.")
            continue
        ut.kallor.append(
            Kalla(ut.nasta(), entitet, f"{bok}, blad {maskera(ws.title)}", lambda wb=wb, ws=ws: _blad_rader(wb, ws))
        )


# --- zip files -------------------------------------------------------------------------------


def kontrollera_zip(medlemmar: Sequence[zipfile.ZipInfo]) -> str | None:
    """A Swedish message when a zip's members would unpack to an implausible size (one member
    over ZIP_MAX_STORLEK, all over ZIP_MAX_TOTALT, or one packed more than ZIP_MAX_KVOT times),
    else None. Only the sizes the archive declares are read; zipfile never unpacks a member
    beyond its declared size, so the check holds while reading too."""
    totalt = 0
    for info in medlemmar:
        totalt += info.file_size
        kvot = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_MAX_STORLEK or (info.file_size > ZIP_KVOT_FRAN and kvot > ZIP_MAX_KVOT):
            return (
                f"Filen '{maskera(info.filename.rsplit('/', 1)[-1])}' i arkivet packas upp till "
                f"{info.file_size / 2**20:,.0f} MB ({kvot:,.0f} gånger sin packade storlek). Det är inte en rimlig "
                "exportfil (en så kallad zip-bomb?); importen stoppades innan den packades upp.".replace(",", " ")
            )
    if totalt > ZIP_MAX_TOTALT:
        return (
            f"Arkivet packas upp till {totalt / 2**30:,.1f} GB, mer än importen tar emot "
            f"({ZIP_MAX_TOTALT / 2**30:.0f} GB). Dela upp det.".replace(",", " ").replace(".", ",")
        )
    return None


def _las_zip(namn: str, oppna_zip: Callable[[], object], ut: Inlast, stack: contextlib.ExitStack) -> None:
    f = oppna_zip()
    stack.callback(f.close)
    try:
        zf = zipfile.ZipFile(f)
        medlemmar = zf.infolist()
    except Exception:  # noqa: BLE001 - a damaged zip raises BadZipFile, NotImplementedError and others
        raise Lasfel("Filen kunde inte läsas som en zip-fil.") from None
    stack.enter_context(zf)
    lasbara = []
    for info in medlemmar:
        bas = info.filename.rsplit("/", 1)[-1]
        # Folders, and the resource forks and hidden files that archivers add.
        if info.is_dir() or not bas or bas.startswith(".") or info.filename.startswith("__MACOSX/"):
            continue
        lasbara.append(info)
    if (bomb := kontrollera_zip(lasbara)) is not None:
        raise Lasfel(bomb)
    for info in lasbara:
        visat = f"{namn}/{maskera(info.filename.rsplit('/', 1)[-1])}"
        if info.flag_bits & 0x1:
            ut.fel.append((ut.nasta(), visat, None, PACKFEL))
            continue
        _las_fil(visat, lambda info=info: zf.open(info), ut, stack, i_zip=True)


# --- files and sources -----------------------------------------------------------------------


def _las_fil(namn: str, oppna: Callable[[], object], ut: Inlast, stack: contextlib.ExitStack, *, i_zip=False) -> None:
    """One file of the source, by its suffix; errors and warnings go to ``ut``."""
    suffix = Path(namn).suffix.lower()
    visat = namn.rsplit("/", 1)[-1]
    nr = ut.nasta()
    try:
        if suffix == ".csv":
            entitet = entitet_for(Path(visat).stem)
            if entitet is None:
                ut.varningar.append(f"Filen '{namn}' har ett okänt namn och lästes inte.")
            else:
                packfel = PACKFEL if i_zip else "Filen kunde inte öppnas."
                ut.kallor.append(Kalla(nr, entitet, namn, lambda: las_csv(oppna, packfel), text=True))
        elif suffix in (".xlsx", ".xlsm") and not i_zip:
            _las_arbetsbok(namn, oppna, ut, stack)
        elif suffix == ".zip" and not i_zip:
            _las_zip(namn, oppna, ut, stack)
        elif suffix == ".xls":
            raise Lasfel("Det gamla Excel-formatet .xls stöds inte. Spara arbetsboken som .xlsx.")
        else:
            ut.varningar.append(f"Filen '{namn}' är inte en CSV-fil, arbetsbok eller zip-fil och lästes inte.")
    except Lasfel as e:
        ut.fel.append((nr, namn, e.rad, e.meddelande))


def _oppna_sokvag(p: Path):
    return lambda: open(p, "rb", buffering=1 << 20)  # noqa: SIM115 - closed by the reader


def _oppna_bytes(data: bytes):
    return lambda: io.BufferedReader(io.BytesIO(data), buffer_size=1 << 20)


Kallspec = str | Path | Sequence[tuple[str, bytes]]


def oppna(kalla: Kallspec, stack: contextlib.ExitStack) -> Inlast:
    """Look at every file of the source; open archives stay open until ``stack`` closes.

    File names are masked (they reach the audit log)."""
    ut = Inlast()
    if isinstance(kalla, (str, Path)):
        sokvag = Path(kalla)
        if sokvag.is_dir():
            filer = sorted(p for p in sokvag.iterdir() if p.is_file() and not p.name.startswith("."))
            par = [(f"{maskera(sokvag.name)}/{maskera(p.name)}", p) for p in filer]
        else:
            par = [(maskera(sokvag.name), sokvag)]
        for namn, p in par:
            ut.filer.append(namn)
            try:
                with open(p, "rb"):
                    pass
            except OSError:
                ut.fel.append((ut.nasta(), namn, None, "Filen kunde inte öppnas."))
                continue
            _las_fil(namn, _oppna_sokvag(p), ut, stack)
    else:
        for namn, data in kalla:
            namn = maskera(namn)
            ut.filer.append(namn)
            _las_fil(namn, _oppna_bytes(data), ut, stack)
    return ut
