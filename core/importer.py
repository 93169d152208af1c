"""Exchange format in (``datamodell.md``): read, validate every row, store in one transaction.

An import runs in three steps:

1. **Read** the source (an ``.xlsx`` workbook, a ``.zip`` or folder of CSV files, one CSV
   file, or uploaded ``(name, bytes)`` pairs) into raw tables: one per recognised sheet or
   file, each a header and rows of raw cells (text from CSV; text, numbers and dates from
   Excel). Unknown sheet and file names become warnings.
2. **Validate** every cell and row against the data contract and collect *every* error, with
   the file, the row number as the spreadsheet shows it (header = row 1), the column and the
   offending value (identity numbers masked). References resolve against the database plus
   the files of this import.
3. **Write**, only when there is no error at all: in one transaction, entities in
   ``koder.ENTITETER`` order, compare with the stored rows and insert the new ones, replace the
   changed ones and leave the identical ones alone. A preview (``provkor``) does the same
   writes and rolls them back.

Choices the data contract leaves open, made here once:

- A code repeated in one multi-valued cell (``sfi|sfi``) counts once; empty parts
  (``sfi|``) are ignored.
- ``avslutsorsak`` given while ``slutdatum`` is blank is an error (the reason is "blank while
  ongoing"); ``slutdatum`` without ``startdatum`` is an error too.
- Dates (and months) must lie in 1900–2100, which catches typos such as ``0219-09-15`` and
  keeps every date writable to Excel.
- Unit codes are matched case-insensitively everywhere; a unit code that is new to the
  database is stored in lower case, and ``ingen`` cannot be a unit (it means "no ongoing
  intervention" in ``pagaende_insats``).
- A table that lacks a listed column (or has one twice) is not validated row by row, and
  references into that entity are not checked either, so that one header mistake does not
  bury the list in follow-on errors. An unknown or nameless extra column is an error too,
  but the rows are still checked, so the user sees everything else at once.
- Every committed import changes the data version (produkt.md), also one that changed no
  row; a preview (``provkor``) and a failed import do not.

Row contents are never logged; the log gets counts only.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from core import audit, db, koder
from core.models import DATATABELLER, Enhet, MatningVal, Matomgang, Person

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Importfel:
    """One error of an import.

    Attributes
    ----------
    fil : the file (or ``"bok.xlsx, blad person"``) the error is in; ``""`` for the import
        as a whole.
    rad : the row number as the spreadsheet shows it (header = 1, first data row = 2), or
        None when the error is not about one row.
    kolumn : the column, or None.
    varde : the offending value as text, identity numbers masked (``19850101-****``).
    meddelande : a Swedish message for a case worker.
    """

    fil: str
    rad: int | None
    kolumn: str | None
    varde: str | None
    meddelande: str

    def text(self) -> str:
        """The error as one Swedish line: where, then what."""
        plats = ", ".join(p for p in (self.fil, f"rad {self.rad}" if self.rad is not None else "") if p)
        return f"{plats}: {self.meddelande}" if plats else self.meddelande


@dataclass(frozen=True)
class Antal:
    """Rows of one entity that an import inserts, updates and leaves unchanged."""

    insatta: int = 0
    uppdaterade: int = 0
    oforandrade: int = 0


@dataclass
class Importresultat:
    """The outcome of :func:`importera`.

    Attributes
    ----------
    ok : True when there was no error (and, unless a preview, the data is stored).
    fel : every error found; empty when ``ok``.
    varningar : Swedish notes that did not stop the import (ignored sheets and files).
    antal : per entity present in the import, the counts; empty when not ``ok``.
    filer : the names of the files given.
    provkor : True for a preview (nothing was stored).
    """

    ok: bool
    fel: list[Importfel] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)
    antal: dict[str, Antal] = field(default_factory=dict)
    filer: list[str] = field(default_factory=list)
    provkor: bool = False

    def text(self) -> str:
        """One Swedish line, e.g. ``"person: 286 nya, 0 ändrade, 0 oförändrade; matning: …"``."""
        if not self.ok:
            return f"Importen avbröts: {len(self.fel)} fel. Ingenting sparades."
        if not self.antal:
            return "inga rader"
        return "; ".join(
            f"{e}: {a.insatta} nya, {a.uppdaterade} ändrade, {a.oforandrade} oförändrade" for e, a in self.antal.items()
        )

    def felrapport(self) -> str:
        """Every error, one Swedish line each."""
        return "\n".join(f.text() for f in self.fel)

    def sammanfattning(self) -> dict:
        """What the audit log records: file names, counts and the number of errors."""
        return {
            "filer": list(self.filer),
            "antal": {
                e: {"insatta": a.insatta, "uppdaterade": a.uppdaterade, "oforandrade": a.oforandrade}
                for e, a in self.antal.items()
            },
            "fel": len(self.fel),
            "varningar": len(self.varningar),
        }

    def fel_tabell(self) -> pd.DataFrame:
        """The errors as a frame with the columns ``fil, rad, kolumn, varde, meddelande``."""
        df = pd.DataFrame(
            [(f.fil, f.rad, f.kolumn, f.varde, f.meddelande) for f in self.fel],
            columns=["fil", "rad", "kolumn", "varde", "meddelande"],
        )
        df["rad"] = df["rad"].astype("Int64")
        return df


# ----------------------------------------------------------------------------------------
# Identity numbers
# ----------------------------------------------------------------------------------------

_PNR_KOMPAKT = re.compile(r"\d{10}|\d{12}")
_PNR_I_TEXT = re.compile(r"(?<!\d)(\d{6}|\d{8})([-+\s]?)\d{4}(?!\d)")


def _kompakt(text: str) -> str:
    return re.sub(r"[-+\s]", "", text)


def ar_personnummer(text: str) -> bool:
    """True when ``text`` with ``-``, ``+`` and spaces removed is 10 or 12 digits."""
    return _PNR_KOMPAKT.fullmatch(_kompakt(text)) is not None


def maskera(text: str) -> str:
    """``text`` with every identity number masked: the date part kept, the last four starred.

    A 12-digit ``ÅÅÅÅMMDDNNNN`` or ``ÅÅÅÅMMDD-NNNN`` gives ``ÅÅÅÅMMDD-****``; a 10-digit
    ``ÅÅMMDD+NNNN`` gives ``ÅÅMMDD+****`` (the ``+`` of a centenarian is kept).
    """
    if ar_personnummer(text):
        siffror = _kompakt(text)
        return f"{siffror[:-4]}{'+' if '+' in text else '-'}****"
    return _PNR_I_TEXT.sub(lambda m: f"{m.group(1)}{'+' if m.group(2) == '+' else '-'}****", text)


# ----------------------------------------------------------------------------------------
# Step 1: read the source into raw tables
# ----------------------------------------------------------------------------------------

Kalla = str | Path | Sequence[tuple[str, bytes]]


@dataclass
class _Tabell:
    """One recognised sheet or CSV file, cells as read (str, int, float, date or None)."""

    entitet: str
    fil: str
    rubriker: list
    rader: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


@dataclass
class _Inlast:
    tabeller: list[_Tabell] = field(default_factory=list)
    filer: list[str] = field(default_factory=list)
    fel: list[Importfel] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)


class _Lasfel(Exception):
    """A file that cannot be read at all."""


def _entitet_for(namn: str) -> str | None:
    """The entity a sheet name or file stem stands for (case and spaces ignored), or None."""
    namn = namn.strip().lower()
    return namn if namn in koder.ENTITETER else None


def _ar_tom(varde) -> bool:
    return varde is None or (isinstance(varde, str) and not varde.strip())


def _tabell(entitet: str, fil: str, poster: Iterable[Sequence]) -> _Tabell:
    """Header and non-blank rows, numbered as the spreadsheet shows them."""
    it = iter(poster)
    rubriker = next(it, None)
    if rubriker is None or all(_ar_tom(r) for r in rubriker):
        raise _Lasfel("Filen är tom: rubrikraden med kolumnnamnen saknas.")
    rader = [(nr, list(celler)) for nr, celler in enumerate(it, start=2) if not all(_ar_tom(c) for c in celler)]
    return _Tabell(entitet, fil, list(rubriker), rader)


def _avkoda(data: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Lasfel("Filen är sparad som UTF-16. Spara den som CSV (UTF-8 eller semikolonavgränsad).")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Lasfel("Filen kunde inte läsas som UTF-8 eller Windows-1252.") from None


def _las_csv(entitet: str, fil: str, data: bytes) -> _Tabell:
    text = _avkoda(data)
    forsta = text.split("\n", 1)[0]
    # Header names hold neither separator, so the header line tells which one is used.
    sep = ";" if forsta.count(";") >= forsta.count(",") else ","
    try:
        poster = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error:
        raise _Lasfel("Filen kunde inte läsas som CSV (felaktiga citattecken eller tecken).") from None
    return _tabell(entitet, fil, poster)


def _las_arbetsbok(bok: str, data: bytes, ut: _Inlast) -> None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged workbook raises many different types
        raise _Lasfel("Filen kunde inte läsas som en Excel-arbetsbok (.xlsx).") from None
    try:
        for ws in wb.worksheets:
            entitet = _entitet_for(ws.title)
            if entitet is None:
                ut.varningar.append(f"Bladet '{maskera(ws.title)}' i {bok} har ett okänt namn och lästes inte.")
                continue
            fil = f"{bok}, blad {ws.title}"
            try:
                ut.tabeller.append(_tabell(entitet, fil, ws.iter_rows(values_only=True)))
            except _Lasfel as e:
                ut.fel.append(Importfel(fil, None, None, None, str(e)))
            except Exception:  # noqa: BLE001 - read-only sheets are parsed lazily, so a damaged one fails here
                ut.fel.append(Importfel(fil, None, None, None, "Bladet kunde inte läsas: arbetsboken är skadad."))
    finally:
        wb.close()


def _las_zip(namn: str, data: bytes, ut: _Inlast) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a damaged zip raises BadZipFile, NotImplementedError and others
        raise _Lasfel("Filen kunde inte läsas som en zip-fil.") from None
    with zf:
        for info in zf.infolist():
            bas = info.filename.rsplit("/", 1)[-1]
            # Folders, and the resource forks and hidden files that archivers add.
            if info.is_dir() or not bas or bas.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            try:
                innehall = zf.read(info)
            except Exception:  # noqa: BLE001 - a damaged member raises zlib, zipfile, EOF and other errors
                ut.fel.append(
                    Importfel(
                        f"{namn}/{maskera(bas)}",
                        None,
                        None,
                        None,
                        "Filen kunde inte packas upp ur zip-filen (skadad eller lösenordsskyddad).",
                    )
                )
                continue
            _las_fil(f"{namn}/{maskera(bas)}", innehall, ut, i_zip=True)


def _las_fil(namn: str, data: bytes, ut: _Inlast, *, i_zip: bool = False) -> None:
    """Read one file of the source by its suffix; errors and warnings go to ``ut``."""
    suffix = Path(namn).suffix.lower()
    visat = namn.rsplit("/", 1)[-1]
    try:
        if suffix == ".csv":
            entitet = _entitet_for(Path(visat).stem)
            if entitet is None:
                ut.varningar.append(f"Filen '{namn}' har ett okänt namn och lästes inte.")
            else:
                ut.tabeller.append(_las_csv(entitet, namn, data))
        elif suffix in (".xlsx", ".xlsm") and not i_zip:
            _las_arbetsbok(namn, data, ut)
        elif suffix == ".zip" and not i_zip:
            _las_zip(namn, data, ut)
        elif suffix == ".xls":
            raise _Lasfel("Det gamla Excel-formatet .xls stöds inte. Spara arbetsboken som .xlsx.")
        else:
            ut.varningar.append(f"Filen '{namn}' är inte en CSV-fil, arbetsbok eller zip-fil och lästes inte.")
    except _Lasfel as e:
        ut.fel.append(Importfel(namn, None, None, None, str(e)))


def _las_kalla(kalla: Kalla) -> _Inlast:
    """Read every file of the source. File names are masked too: they reach the audit log."""
    ut = _Inlast()
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
                data = p.read_bytes()
            except OSError:
                ut.fel.append(Importfel(namn, None, None, None, "Filen kunde inte öppnas."))
                continue
            _las_fil(namn, data, ut)
    else:
        for namn, data in kalla:
            namn = maskera(namn)
            ut.filer.append(namn)
            _las_fil(namn, data, ut)

    if not ut.tabeller and not ut.fel:
        ut.fel.append(
            Importfel(
                ", ".join(ut.filer),
                None,
                None,
                None,
                "Importen innehåller ingen känd fil eller flik. Namnen ska vara: " + ", ".join(koder.ENTITETER) + ".",
            )
        )
    per_entitet: dict[str, list[str]] = defaultdict(list)
    for t in ut.tabeller:
        per_entitet[t.entitet].append(t.fil)
    for entitet, filer in per_entitet.items():
        if len(filer) > 1:
            ut.fel.append(
                Importfel(
                    ", ".join(filer),
                    None,
                    None,
                    None,
                    f"{entitet} finns i flera filer: {', '.join(filer)}. Ge varje tabell en gång.",
                )
            )
    return ut


# ----------------------------------------------------------------------------------------
# Step 2: validate
# ----------------------------------------------------------------------------------------

# Kinds of column; each has one interpreting function in _TOLKA below.
ID = "id"  # pseudonymous key, text 1-32
OMGANG = "omgang"  # a round id: like ID, and an Excel date cell 2019-09-01 reads as "2019-09"
TEXT = "text"  # free text (names, labels)
KOD = "kod"  # one code of a fixed list
FLERVAL = "flerval"  # codes of a fixed list separated by |
ENHETSKOD = "enhetskod"  # the key of the enhet table
ENHET = "enhet"  # a reference to a unit
ENHETSLISTA = "enhetslista"  # pagaende_insats: "ingen" or unit codes separated by |
DATUM = "datum"
MANAD = "manad"  # YYYY-MM
HELTAL = "heltal"

ID_MAX, TEXT_MAX, KOD_MAX = 32, 200, 40
AR_MIN, AR_MAX = 1900, 2100  # plausible years of dates and months
# The INTEGER columns hold 32 bits on PostgreSQL; beyond that PostgreSQL rejects the whole
# import without saying where, and SQLite's driver raises OverflowError past 64 bits.
HELTAL_MAX = 2**31 - 1

_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
_MANAD = re.compile(r"(\d{4})-(\d{2})")
_HELTAL = re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|-?\d+")
_TUSENTAL = re.compile(r"[ \u00a0\u202f\u2009]")
_ENHETSKOD = re.compile(r"[\w-]+")
_KONTROLLTECKEN = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass(frozen=True)
class _Kolumn:
    """How one column is read: its kind, whether it is required, its codes and bounds.

    ``koder`` maps the lower-cased code to the code as stored, so matching is
    case-insensitive.
    """

    namn: str
    slag: str
    kravs: bool = False
    koder: Mapping[str, str] | None = None
    ensam: tuple[str, ...] = ()
    minst: int | None = None
    hogst: int | None = None


def _uppslag(koder_: Iterable) -> dict[str, str]:
    return {str(k).lower(): str(k) for k in koder_}


def _kod(namn: str, koder_: Mapping, kravs: bool = False) -> _Kolumn:
    return _Kolumn(namn, KOD, kravs, _uppslag(koder_))


def _variabel(namn: str) -> _Kolumn:
    v = koder.VARIABLER[namn]
    if namn == "pagaende_insats":
        return _Kolumn(namn, ENHETSLISTA, ensam=v.ensam)
    return _Kolumn(namn, FLERVAL if v.flerval else KOD, koder=_uppslag(v.koder), ensam=v.ensam)


def _schema(i_ar: int | None = None) -> dict[str, list[_Kolumn]]:
    """How every column of every entity is read, in ``koder.KOLUMNER`` order.

    ``i_ar`` is the current year (the upper bound of ``fodelsear``); default today's.
    """
    i_ar = i_ar or dt.date.today().year
    K = _Kolumn
    return {
        "enhet": [K("enhet", ENHETSKOD, True), K("namn", TEXT, True), _kod("typ", koder.ENHETSTYP, True)],
        "person": [
            K("person_id", ID, True),
            _kod("kon", koder.KON),
            K("fodelsear", HELTAL, minst=1900, hogst=i_ar),
            _kod("fodelseregion", koder.FODELSEREGION),
            K("hushall_id", ID),
        ],
        "matomgang": [K("omgang_id", OMGANG, True), K("datum", DATUM, True), K("benamning", TEXT)],
        "matning": [
            K("omgang_id", OMGANG, True),
            K("person_id", ID, True),
            K("enhet", ENHET, True),
            K("handlaggare", ID),
            K("inskrivningsdatum", DATUM),
            *(_variabel(n) for n in koder.KOLUMNER["matning"] if n in koder.VARIABLER),
            K("bistandsbelopp_kr", HELTAL, minst=0),
        ],
        "insats": [
            K("insats_id", ID, True),
            K("person_id", ID, True),
            K("insatstyp", HELTAL, True, minst=min(koder.INSATSTYP), hogst=max(koder.INSATSTYP)),
            K("fran_enhet", ENHET, True),
            K("till_enhet", ENHET, True),
            K("remissdatum", DATUM, True),
            K("startdatum", DATUM),
            K("slutdatum", DATUM),
            _kod("avslutsorsak", koder.INSATS_AVSLUTSORSAK),
        ],
        "avslut": [K("person_id", ID, True), K("datum", DATUM, True), _kod("orsak", koder.AVSLUT_ORSAK)],
        "utbetalning": [K("hushall_id", ID, True), K("manad", MANAD, True), K("belopp_kr", HELTAL, True, minst=0)],
    }


@dataclass
class _Kontext:
    """What references resolve against: the database plus the files validated so far.

    ``enheter`` maps the lower-cased unit code to the stored code. An entity in
    ``okontrollerade`` had a file whose rows could not be read (a column missing or given
    twice); references into it are not checked.
    """

    db_enheter: dict[str, str]
    enheter: dict[str, str]
    personer: set[str]
    fodelsear: dict[str, int | None]
    omgangar: dict[str, dt.date | None]
    okontrollerade: set[str] = field(default_factory=set)

    @classmethod
    def fran_databasen(cls, conn: Connection) -> _Kontext:
        enheter = _uppslag(sorted(conn.execute(select(Enhet.enhet)).scalars()))
        personer = dict(conn.execute(select(Person.person_id, Person.fodelsear)).tuples().all())
        omgangar = dict(conn.execute(select(Matomgang.omgang_id, Matomgang.datum)).tuples().all())
        return cls(dict(enheter), enheter, set(personer), personer, omgangar)

    def finns(self, entitet: str, nyckel: str) -> bool:
        return entitet in self.okontrollerade or nyckel in (self.personer if entitet == "person" else self.omgangar)


class _Cellfel(Exception):
    def __init__(self, meddelande: str, varde: str | None = None):
        super().__init__(meddelande)
        self.meddelande = meddelande
        self.varde = varde


def _som_text(varde) -> str:
    """A non-blank cell as text: Excel's 1234.0 as ``1234``, dates as ``YYYY-MM-DD``."""
    if isinstance(varde, str):
        return varde.strip()
    if isinstance(varde, float) and varde.is_integer():
        return str(int(varde))
    if isinstance(varde, dt.datetime):
        return varde.date().isoformat() if varde.time() == dt.time() else varde.isoformat(sep=" ")
    if isinstance(varde, dt.date):
        return varde.isoformat()
    return str(varde)


def _visa(varde) -> str:
    """A value as it may be shown in an error: identity numbers masked, long texts cut."""
    text = maskera(_som_text(varde)) if not _ar_tom(varde) else ""
    return text if len(text) <= 60 else text[:57] + "…"


def _kontrollera_text(kol: _Kolumn, text: str, hogst: int) -> str:
    if len(text) > hogst:
        raise _Cellfel(f"Värdet i kolumnen {kol.namn} är för långt ({len(text)} tecken, högst {hogst}).")
    if _KONTROLLTECKEN.search(text):
        raise _Cellfel(f"Värdet i kolumnen {kol.namn} innehåller ett otillåtet kontrolltecken.")
    return text


def _tolka_id(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    if kol.slag == OMGANG and isinstance(varde, dt.date) and varde.day == 1:
        # Excel stores a typed 2019-09 as the date 2019-09-01.
        text = f"{varde.year:04d}-{varde.month:02d}"
    else:
        text = _som_text(varde)
    if kol.namn in koder.ID_KOLUMNER and ar_personnummer(text):
        raise _Cellfel(
            f"Kolumnen {kol.namn} ser ut att innehålla ett personnummer eller samordningsnummer "
            f"({maskera(text)}). Personnummer får inte lämnas in; använd kommunens pseudonyma nyckel.",
            varde=maskera(text),
        )
    return _kontrollera_text(kol, text, ID_MAX)


def _tolka_text(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    return _kontrollera_text(kol, _som_text(varde), TEXT_MAX)


def _okand_kod(kol: _Kolumn, okanda: list[str], tillatna: Iterable[str]) -> _Cellfel:
    vad = "Okänd kod" if len(okanda) == 1 else "Okända koder"
    visade = ", ".join(f"'{_visa(k)}'" for k in okanda)
    return _Cellfel(f"{vad} {visade} i kolumnen {kol.namn}. Tillåtna koder: {', '.join(maskera(k) for k in tillatna)}.")


def _tolka_kod(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _som_text(varde)
    kod = kol.koder.get(text.lower())
    if kod is None:
        raise _okand_kod(kol, [text], kol.koder.values())
    return kod


def _tolka_koder(kol: _Kolumn, varde, uppslag: Mapping[str, str]) -> frozenset[str]:
    text = _som_text(varde)
    delar = [d.strip() for d in text.split("|") if d.strip()]
    okanda = [d for d in delar if d.lower() not in uppslag]
    if okanda:
        raise _okand_kod(kol, okanda, uppslag.values())
    funna = frozenset(uppslag[d.lower()] for d in delar)
    for kod in kol.ensam:
        if kod in funna and len(funna) > 1:
            raise _Cellfel(
                f"Koden '{kod}' i kolumnen {kol.namn} måste stå ensam och kan inte kombineras med andra koder ('{_visa(text)}')."
            )
    return funna


def _tolka_flerval(kol: _Kolumn, varde, ktx: _Kontext) -> frozenset[str]:
    return _tolka_koder(kol, varde, kol.koder)


def _tolka_enhetslista(kol: _Kolumn, varde, ktx: _Kontext) -> frozenset[str]:
    if "enhet" in ktx.okontrollerade:
        return frozenset(d.strip().lower() for d in _som_text(varde).split("|") if d.strip())
    return _tolka_koder(kol, varde, {"ingen": "ingen", **ktx.enheter})


def _tolka_enhet(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _som_text(varde)
    if "enhet" in ktx.okontrollerade:
        return text.lower()
    kod = ktx.enheter.get(text.lower())
    if kod is None:
        raise _Cellfel(
            f"Enheten '{_visa(text)}' i kolumnen {kol.namn} finns inte, varken i databasen eller i filen enhet. "
            f"Kända enheter: {', '.join(maskera(k) for k in ktx.enheter.values())}."
        )
    return kod


def _tolka_enhetskod(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _som_text(varde)
    if len(text) > KOD_MAX or not _ENHETSKOD.fullmatch(text):
        raise _Cellfel(
            f"Enhetskoden '{_visa(text)}' får bara innehålla bokstäver, siffror, _ och - (högst {KOD_MAX} tecken)."
        )
    if text.lower() == "ingen":
        raise _Cellfel("Enhetskoden 'ingen' är reserverad: den betyder ingen pågående insats.")
    return ktx.db_enheter.get(text.lower(), text.lower())


def _rimligt_ar(kol: _Kolumn, text: str, ar: int) -> None:
    if not AR_MIN <= ar <= AR_MAX:
        raise _Cellfel(f"'{text}' i kolumnen {kol.namn} ligger utanför åren {AR_MIN}–{AR_MAX}.")


def _tolka_datum(kol: _Kolumn, varde, ktx: _Kontext) -> dt.date:
    if isinstance(varde, dt.date):
        datum = varde.date() if isinstance(varde, dt.datetime) else varde
    else:
        text = _som_text(varde)
        if not _DATUM.fullmatch(text):
            raise _Cellfel(
                f"Ogiltigt datum '{_visa(text)}' i kolumnen {kol.namn}. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2019-09-15."
            )
        try:
            datum = dt.date.fromisoformat(text)
        except ValueError:
            raise _Cellfel(f"Datumet '{text}' i kolumnen {kol.namn} finns inte i kalendern.") from None
    _rimligt_ar(kol, datum.isoformat(), datum.year)
    return datum


def _ogiltig_manad(kol: _Kolumn, varde) -> _Cellfel:
    return _Cellfel(f"Ogiltig månad '{_visa(varde)}' i kolumnen {kol.namn}. Skriv månad som ÅÅÅÅ-MM, t.ex. 2019-09.")


def _tolka_manad(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    if isinstance(varde, dt.date):
        # Excel stores a typed 2019-09 as the date 2019-09-01; another day is not a month.
        if varde.day != 1:
            raise _ogiltig_manad(kol, varde)
        ar, man = varde.year, varde.month
    else:
        m = _MANAD.fullmatch(_som_text(varde))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise _ogiltig_manad(kol, varde)
        ar, man = int(m.group(1)), int(m.group(2))
    text = f"{ar:04d}-{man:02d}"
    _rimligt_ar(kol, text, ar)
    return text


def _tolka_heltal(kol: _Kolumn, varde, ktx: _Kontext) -> int:
    if isinstance(varde, int) and not isinstance(varde, bool):
        tal = varde
    elif isinstance(varde, float) and varde.is_integer():
        tal = int(varde)
    elif isinstance(varde, str) and _HELTAL.fullmatch(varde.strip()):
        tal = int(_TUSENTAL.sub("", varde.strip()))
    else:
        raise _Cellfel(f"'{_visa(varde)}' i kolumnen {kol.namn} är inte ett heltal.")
    # The value is shown as given (masked), never as the parsed number: 8501011234 is an
    # identity number, and 0101011234 would lose the zero that the masking looks for.
    if abs(tal) > HELTAL_MAX:
        raise _Cellfel(f"Värdet {_visa(varde)} i kolumnen {kol.namn} är för stort.")
    if kol.hogst is not None and not kol.minst <= tal <= kol.hogst:
        raise _Cellfel(f"Värdet {_visa(varde)} i kolumnen {kol.namn} måste ligga mellan {kol.minst} och {kol.hogst}.")
    if kol.minst is not None and tal < kol.minst:
        grans = "vara negativt" if kol.minst == 0 else f"vara mindre än {kol.minst}"
        raise _Cellfel(f"Värdet {_visa(varde)} i kolumnen {kol.namn} får inte {grans}.")
    return tal


_TOLKA: dict[str, Callable] = {
    ID: _tolka_id,
    OMGANG: _tolka_id,
    TEXT: _tolka_text,
    KOD: _tolka_kod,
    FLERVAL: _tolka_flerval,
    ENHETSKOD: _tolka_enhetskod,
    ENHET: _tolka_enhet,
    ENHETSLISTA: _tolka_enhetslista,
    DATUM: _tolka_datum,
    MANAD: _tolka_manad,
    HELTAL: _tolka_heltal,
}


class _Rad:
    """One row being checked: its interpreted values and its errors so far."""

    def __init__(self, fil: str, radnr: int):
        self.fil, self.radnr = fil, radnr
        self.varden: dict = {}
        self.fel: list[Importfel] = []
        self.felaktiga: set[str] = set()

    def __getitem__(self, kolumn: str):
        return self.varden[kolumn]

    def rapportera(self, kolumn: str | None, meddelande: str, varde: str | None = None) -> None:
        if kolumn is not None:
            self.felaktiga.add(kolumn)
        self.fel.append(Importfel(self.fil, self.radnr, kolumn, varde, meddelande))

    def giltig(self, *kolumner: str) -> bool:
        """True when none of ``kolumner`` had an error (a check across columns may run)."""
        return not self.felaktiga.intersection(kolumner)


_REFERENSER: dict[str, tuple[tuple[str, str], ...]] = {
    "matning": (("omgang_id", "matomgang"), ("person_id", "person")),
    "insats": (("person_id", "person"),),
    "avslut": (("person_id", "person"),),
}
_SAKNAD_REFERENS = {
    "person": "Personen '{v}' i kolumnen {k} finns inte, varken i databasen eller i filen person.",
    "matomgang": "Mätomgången '{v}' i kolumnen {k} finns inte, varken i databasen eller i filen matomgang.",
}


def _matning_regler(rad: _Rad, ktx: _Kontext) -> Iterator[tuple[str, str]]:
    """Age in the round and time on assistance need the person's and the round's data."""
    if not rad.giltig("omgang_id", "person_id"):
        return
    omgangsdatum = ktx.omgangar.get(rad["omgang_id"])
    fodelsear = ktx.fodelsear.get(rad["person_id"])
    if omgangsdatum is not None and fodelsear is not None:
        alder = omgangsdatum.year - fodelsear
        if not koder.ALDER_MIN <= alder <= koder.ALDER_MAX:
            meddelande = (
                f"Personen är {alder} år i mätomgången {rad['omgang_id']} (födelseår {fodelsear}). "
                f"Åldern måste vara {koder.ALDER_MIN}–{koder.ALDER_MAX} år."
            )
            yield "person_id", meddelande
    inskriven = rad["inskrivningsdatum"]
    if rad.giltig("inskrivningsdatum") and None not in (inskriven, omgangsdatum) and inskriven > omgangsdatum:
        yield "inskrivningsdatum", f"Inskrivningsdatum {inskriven} ligger efter mätomgångens datum {omgangsdatum}."


_INTE_STARTAD = "Slutdatum är ifyllt men startdatum saknas. En insats kan inte avslutas innan den har startat."
_PAGAR = "Avslutsorsak '{}' är ifylld men slutdatum saknas. Lämna avslutsorsak tom så länge insatsen pågår."


def _insats_regler(rad: _Rad, ktx: _Kontext) -> Iterator[tuple[str, str]]:
    """The episode's dates follow each other; a reason is given only once it has ended."""
    remiss, start, slut, orsak = (rad[k] for k in ("remissdatum", "startdatum", "slutdatum", "avslutsorsak"))
    if rad.giltig("remissdatum", "startdatum") and start is not None and start < remiss:
        yield "startdatum", f"Startdatum {start} ligger före remissdatum {remiss}."
    if rad.giltig("startdatum", "slutdatum") and slut is not None:
        if start is None:
            yield "slutdatum", _INTE_STARTAD
        elif slut < start:
            yield "slutdatum", f"Slutdatum {slut} ligger före startdatum {start}."
    if rad.giltig("slutdatum", "avslutsorsak") and orsak is not None and slut is None:
        yield "avslutsorsak", _PAGAR.format(orsak)


_RADREGLER: dict[str, Callable[..., Iterator[tuple[str, str]]]] = {
    "matning": _matning_regler,
    "insats": _insats_regler,
}


def _kontrollera_rubriker(tabell: _Tabell, kolumner: list[_Kolumn], fel: list[Importfel]) -> dict[str, int] | None:
    """The position of each column (errors added for a wrong header), or None when a column
    is missing or given twice, so the rows cannot be read."""
    lasbar = True
    tillatna = [k.namn for k in kolumner]
    index: dict[str, int] = {}
    for i, rubrik in enumerate(tabell.rubriker):
        namn = "" if rubrik is None else str(rubrik).strip().lstrip("\ufeff").strip().lower()
        if not namn:
            if any(i < len(celler) and not _ar_tom(celler[i]) for _, celler in tabell.rader):
                fel.append(Importfel(tabell.fil, 1, None, None, f"Kolumn nummer {i + 1} har värden men ingen rubrik."))
        elif namn in index:
            lasbar = False
            fel.append(Importfel(tabell.fil, 1, namn, None, f"Kolumnen {namn} finns två gånger i rubrikraden."))
        elif namn not in tillatna:
            visat = maskera(namn)
            fel.append(
                Importfel(
                    tabell.fil,
                    1,
                    visat,
                    None,
                    f"Okänd kolumn '{visat}'. Den hör inte till formatet och importen stoppas; ta bort kolumnen. "
                    f"Tillåtna kolumner: {', '.join(tillatna)}.",
                )
            )
        else:
            index[namn] = i
    for namn in tillatna:
        if namn not in index:
            lasbar = False
            fel.append(
                Importfel(
                    tabell.fil,
                    1,
                    namn,
                    None,
                    f"Kolumnen {namn} saknas. Filen ska ha kolumnerna: {', '.join(tillatna)}.",
                )
            )
    return index if lasbar else None


def _validera_tabell(
    tabell: _Tabell, kolumner: list[_Kolumn], ktx: _Kontext, fel: list[Importfel]
) -> list[dict] | None:
    """Interpret and check every row; return the rows, or None when they cannot be read."""
    index = _kontrollera_rubriker(tabell, kolumner, fel)
    if index is None:
        return None
    entitet = tabell.entitet
    nycklar = koder.NYCKLAR[entitet]
    antal_kolumner = len(tabell.rubriker)
    regel = _RADREGLER.get(entitet)
    # A row's errors are listed in column order, whichever check found them.
    ordning = {k.namn: i for i, k in enumerate(kolumner)}
    sedda: dict[tuple, int] = {}
    rader: list[dict] = []
    for radnr, celler in tabell.rader:
        rad = _Rad(tabell.fil, radnr)
        if any(not _ar_tom(c) for c in celler[antal_kolumner:]):
            rad.rapportera(None, "Raden har fler värden än rubrikraden har kolumner.")
        for kol in kolumner:
            i = index[kol.namn]
            varde = celler[i] if i < len(celler) else None
            if _ar_tom(varde):
                if kol.kravs:
                    rad.rapportera(kol.namn, f"Kolumnen {kol.namn} får inte vara tom.")
                rad.varden[kol.namn] = frozenset() if kol.slag in (FLERVAL, ENHETSLISTA) else None
                continue
            try:
                rad.varden[kol.namn] = _TOLKA[kol.slag](kol, varde, ktx)
            except _Cellfel as e:
                rad.rapportera(kol.namn, e.meddelande, e.varde if e.varde is not None else _visa(varde))
                rad.varden[kol.namn] = None

        for kolumn, mal in _REFERENSER.get(entitet, ()):
            if rad.giltig(kolumn) and not ktx.finns(mal, rad[kolumn]):
                rad.rapportera(kolumn, _SAKNAD_REFERENS[mal].format(v=_visa(rad[kolumn]), k=kolumn), _visa(rad[kolumn]))
        if regel is not None:
            for kolumn, meddelande in list(regel(rad, ktx)):
                rad.rapportera(kolumn, meddelande, _visa(rad[kolumn]))

        if rad.giltig(*nycklar):
            nyckel = tuple(rad[k] for k in nycklar)
            if nyckel in sedda:
                visad = ", ".join(_visa(v) for v in nyckel)
                rad.rapportera(
                    ", ".join(nycklar),
                    f"Nyckeln ({visad}) finns på två rader i filen: rad {sedda[nyckel]} och rad {radnr}. "
                    f"Varje {entitet} får bara finnas en gång ({', '.join(nycklar)}).",
                    visad,
                )
            else:
                sedda[nyckel] = radnr
                _lar_kanna(ktx, entitet, rad)
        fel.extend(sorted(rad.fel, key=lambda f: ordning.get(f.kolumn, -1 if f.kolumn is None else len(ordning))))
        rader.append(rad.varden)
    return rader


def _lar_kanna(ktx: _Kontext, entitet: str, rad: _Rad) -> None:
    """Make a row's key known to the references of the files that follow."""
    if entitet == "enhet":
        ktx.enheter[rad["enhet"].lower()] = rad["enhet"]
    elif entitet == "person":
        ktx.personer.add(rad["person_id"])
        ktx.fodelsear[rad["person_id"]] = rad["fodelsear"] if rad.giltig("fodelsear") else None
    elif entitet == "matomgang":
        ktx.omgangar[rad["omgang_id"]] = rad["datum"] if rad.giltig("datum") else None


def _validera(tabeller: list[_Tabell], ktx: _Kontext, fel: list[Importfel]) -> dict[str, list[dict]]:
    """Validate the tables in load order so references see the files before them."""
    kolumner = _schema()
    ordning = {e: i for i, e in enumerate(koder.ENTITETER)}
    giltiga: dict[str, list[dict]] = {}
    for tabell in sorted(tabeller, key=lambda t: ordning[t.entitet]):
        rader = _validera_tabell(tabell, kolumner[tabell.entitet], ktx, fel)
        if rader is None:
            ktx.okontrollerade.add(tabell.entitet)
        else:
            giltiga[tabell.entitet] = rader
    return giltiga


# ----------------------------------------------------------------------------------------
# Step 3: write
# ----------------------------------------------------------------------------------------


def _flerval(rad: dict) -> dict[str, frozenset[str]]:
    return {v: rad[v] for v in koder.FLERVAL if rad[v]}


def _lagrade_flerval(conn: Connection) -> dict[tuple, dict[str, frozenset[str]]]:
    samlat: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for o, p, v, k in conn.execute(
        select(MatningVal.omgang_id, MatningVal.person_id, MatningVal.variabel, MatningVal.kod)
    ):
        samlat[(o, p)][v].add(k)
    return {nyckel: {v: frozenset(k) for v, k in per_var.items()} for nyckel, per_var in samlat.items()}


def _skriv(conn: Connection, entitet: str, rader: list[dict]) -> Antal:
    """Insert new rows, replace changed ones, count the identical ones; one read per table."""
    tabell = DATATABELLER[entitet].__table__
    kolumner = [c.name for c in tabell.columns]
    nycklar = koder.NYCKLAR[entitet]
    lagrade = {
        tuple(r[k] for k in nycklar): tuple(r[c] for c in kolumner)
        for r in conn.execute(select(*tabell.columns)).mappings()
    }
    har_flerval = entitet == "matning"
    lagrade_flerval = _lagrade_flerval(conn) if har_flerval else {}

    nya: list[dict] = []
    andrade: list[dict] = []
    for rad in rader:
        nyckel = tuple(rad[k] for k in nycklar)
        fore = lagrade.get(nyckel)
        if fore is None:
            nya.append(rad)
        elif fore != tuple(rad[c] for c in kolumner) or (
            har_flerval and lagrade_flerval.get(nyckel, {}) != _flerval(rad)
        ):
            andrade.append(rad)

    db.bulk_insert(conn, tabell, [{c: r[c] for c in kolumner} for r in nya])
    db.upsert(conn, tabell, [{c: r[c] for c in kolumner} for r in andrade], nycklar)
    if har_flerval:
        _skriv_flerval(conn, nya, andrade)
    return Antal(len(nya), len(andrade), len(rader) - len(nya) - len(andrade))


def _skriv_flerval(conn: Connection, nya: list[dict], andrade: list[dict]) -> None:
    """A changed matning gets its multi-valued codes replaced; the only delete of an import."""
    per_omgang: dict[str, list[str]] = defaultdict(list)
    for rad in andrade:
        per_omgang[rad["omgang_id"]].append(rad["person_id"])
    for omgang_id, personer in per_omgang.items():
        for i in range(0, len(personer), 500):
            conn.execute(
                delete(MatningVal).where(
                    MatningVal.omgang_id == omgang_id, MatningVal.person_id.in_(personer[i : i + 500])
                )
            )
    db.bulk_insert(
        conn,
        MatningVal.__table__,
        [
            {"omgang_id": r["omgang_id"], "person_id": r["person_id"], "variabel": v, "kod": k}
            for r in (*nya, *andrade)
            for v, kodset in _flerval(r).items()
            for k in sorted(kodset)
        ],
    )


# ----------------------------------------------------------------------------------------
# The import
# ----------------------------------------------------------------------------------------


def importera(engine: Engine, kalla: Kalla, *, provkor: bool = False, anvandare: str | None = None) -> Importresultat:
    """Import the exchange format: all of it in one transaction, or nothing.

    Parameters
    ----------
    engine : the database.
    kalla : a path to an ``.xlsx`` workbook, a ``.zip`` of CSV files, a folder of CSV files
        or one ``.csv`` file; or ``(file name, bytes)`` pairs as an upload gives them.
    provkor : preview: validate and write inside the transaction, count, then roll back,
        so the counts are exactly what a real import would do and nothing is stored.
    anvandare : when given (and not a preview), an ``import`` event is written to the
        audit log, for failed imports too: file names, counts and the number of errors.

    Returns
    -------
    Importresultat
        ``ok``, every error, warnings, counts per entity present (inserted, updated,
        unchanged) and the file names.
    """
    inlast = _las_kalla(kalla)
    fel = list(inlast.fel)
    antal: dict[str, Antal] = {}
    if inlast.tabeller:
        with engine.connect() as conn, conn.begin() as transaktion:
            giltiga = _validera(inlast.tabeller, _Kontext.fran_databasen(conn), fel)
            if not fel:
                try:
                    antal = {e: _skriv(conn, e, giltiga[e]) for e in koder.ENTITETER if e in giltiga}
                    # Every committed import gives a new data version (produkt.md), so every
                    # cache keyed by it is refreshed at once, even when nothing differed.
                    if not provkor:
                        db.byt_dataversion(conn)
                except SQLAlchemyError as e:
                    log.error("Importen avvisades av databasen (%s).", type(e).__name__)
                    antal = {}
                    fel.append(
                        Importfel(
                            "",
                            None,
                            None,
                            None,
                            f"Databasen avvisade importen ({type(e).__name__}). Ingenting sparades.",
                        )
                    )
            if fel or provkor:
                transaktion.rollback()

    resultat = Importresultat(
        ok=not fel, fel=fel, varningar=inlast.varningar, antal=antal, filer=inlast.filer, provkor=provkor
    )
    log.info(
        "Import%s: %d fel, %d varningar, %s",
        " (provkörning)" if provkor else "",
        len(fel),
        len(inlast.varningar),
        {e: (a.insatta, a.uppdaterade, a.oforandrade) for e, a in antal.items()},
    )
    if resultat.ok and not provkor and antal:
        db.analysera(engine)
    if anvandare is not None and not provkor:
        audit.logga(engine, anvandare, "import", lyckad=resultat.ok, detalj=resultat.sammanfattning())
    return resultat
