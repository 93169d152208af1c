"""Exchange format in (``datamodell.md``): read, validate every row, store in one transaction.

An import runs in three steps, as one stream, so that its memory does not grow with its files
and its cost grows with the files, not with the database:

1. **Read** (``core.importfiler``): every file of the source (an ``.xlsx`` workbook, a ``.zip``
   or folder of CSV files, one CSV file, or uploaded ``(name, bytes)`` pairs) is looked at
   once — names, sheets, zip members and their sizes — and each recognised table becomes a
   stream of rows, read only when it is validated. Unknown sheet and file names become
   warnings.
2. **Validate** every cell and row against the data contract, table by table in
   ``koder.ENTITETER`` order, in chunks of :data:`BIT` rows, and collect *every* error with the
   file, the row number as the spreadsheet shows it (header = row 1), the column and the
   offending value (identity numbers masked). References resolve against the database plus
   the files of this import (persons are looked up by key, a chunk at a time; units and
   rounds are few and read once). Duplicate keys within a file are found through a temporary
   table of the file's keys.
3. **Write** each chunk as soon as it is validated, while no error has been found: in the
   one transaction, compare with the stored rows *of the chunk's keys* (one indexed lookup,
   skipped where the table or the round held nothing before the import), insert the new
   rows, replace the changed ones and leave the identical ones alone. At the end the derived
   tables are recomputed for what the import touched (``core.harledning``), the data version
   changes and the audit entry is written — all in the same transaction, which commits only
   when there was no error at all. A preview (``provkor``) does exactly the same writes and
   rolls them back.

The transaction starts by taking the write lock (``db.ta_importlas``: ``BEGIN IMMEDIATE`` on
SQLite, an advisory lock on PostgreSQL), so two imports never validate against data the
other is about to change; the second waits up to ``vanta_s`` seconds and is then refused with
"En annan import pågår — försök igen om en stund."

Choices the data contract leaves open, made here once:

- A code repeated in one multi-valued cell (``sfi|sfi``) counts once; empty parts
  (``sfi|``) are ignored.
- ``avslutsorsak`` given while ``slutdatum`` is blank is an error (the reason is "blank while
  ongoing"); ``slutdatum`` without ``startdatum`` is an error too.
- Dates (and months) must lie in 1900–2100, which catches typos such as ``0219-09-15`` and
  keeps every date writable to Excel, and no later than one year after the day of the import
  (a typing slip such as 2099).
- Unit codes are matched case-insensitively everywhere; a unit code that is new to the
  database is stored in lower case, and ``ingen`` cannot be a unit (it means "no ongoing
  intervention" in ``pagaende_insats``).
- Every text is normalised before it is checked (``core.personnummer.normalisera``: NFKC,
  every dash as ``-``, invisible characters removed) and refused when it holds an identity
  number anywhere. Ids, round ids and codes are stored normalised; free text (names) as
  given.
- A table that lacks a listed column (or has one twice) is not validated row by row, and
  references into that entity are not checked either, so that one header mistake does not
  bury the list in follow-on errors; the same holds for a file that cannot be read to its
  end. An unknown or nameless extra column is an error too, but the rows are still checked,
  so the user sees everything else at once.
- At most :data:`MAX_FEL` errors are listed; the rest are counted (``fler_fel``), so a file
  wrong on every row cannot fill the memory.
- A new ``person_id`` that differs from a stored one (or from another new one) only in case
  or by leading zeros (``p0001`` / ``P0001``, ``123`` / ``00123``) is listed in
  ``liknande``; a real import that has such ids stores nothing unless ``godta_liknande``
  (the user confirmed that they are different persons).
- A correction merges by key and never deletes: the stored matning rows of a round in the
  file whose key is not in the file stay stored, and are counted per round in ``kvar``.
- Every committed import changes the data version (produkt.md), also one that changed no
  row; a preview (``provkor``) and a failed import do not.

Row contents are never logged; the log gets counts only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import operator
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Column, Engine, Integer, MetaData, Table, delete, exists, func, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core import audit, db, harledning, importfiler, koder
from core.importfiler import FORMEL_UTAN_VARDE, Kalla, Kallspec, Lasfel
from core.models import DATATABELLER, Enhet, Matning, MatningVal, Matomgang, Person
from core.personnummer import ar_personnummer, innehaller_personnummer, maskera, normalisera

__all__ = [
    "Antal",
    "Importfel",
    "Importresultat",
    "Liknande",
    "ar_personnummer",
    "importera",
    "innehaller_personnummer",
    "maskera",
    "normalisera",
]

log = logging.getLogger(__name__)

# Rows validated (and written) at a time: bounds the memory of a chunk and the size of each
# lookup by key (two ids per row stay far below SQLite's 32 766 bound parameters).
BIT = 5000
# Errors listed at most; more are only counted.
MAX_FEL = 10_000
# Near-duplicate ids listed at most (all are counted).
MAX_LIKNANDE = 200
# Persons looked up in the database and remembered during one import, at most.
MAX_PERSONCACHE = 200_000
# Seconds an import waits for another one to finish before it is refused.
VANTAN_S = 30.0

ANNAN_IMPORT = "En annan import pågår — försök igen om en stund. Ingenting sparades."
DISKEN_FULL = (
    "Disken är full, så importen kunde inte sparas. Ingenting sparades. Frigör utrymme på servern "
    "(kontakta driften) och importera igen."
)
SAMTIDIG_ANDRING = (
    "En annan import eller ändring av samma rader pågick samtidigt, så databasen avvisade importen. "
    "Ingenting sparades. Försök igen om en stund."
)

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


@dataclass(frozen=True)
class Liknande:
    """A new id that differs from another only in case or by leading zeros.

    Attributes
    ----------
    fil, rad : where the new id is.
    ny : the new id; befintlig : the id it resembles.
    i_databasen : True when ``befintlig`` is stored, False when it is another new id of the file.
    """

    fil: str
    rad: int
    ny: str
    befintlig: str
    i_databasen: bool

    def text(self) -> str:
        var = "som redan finns i databasen" if self.i_databasen else "som också är nytt i filen"
        return f"{self.fil}, rad {self.rad}: nytt person-id '{self.ny}' liknar '{self.befintlig}' {var}."


@dataclass
class Importresultat:
    """The outcome of :func:`importera`.

    Attributes
    ----------
    ok : True when there was no error (and, unless a preview, the data is stored).
    fel : the errors found (at most ``MAX_FEL``); empty when ``ok``.
    varningar : Swedish notes that did not stop the import (ignored sheets and files).
    antal : per entity present in the import, the counts; empty when not ``ok``.
    filer : the names of the files given.
    provkor : True for a preview (nothing was stored).
    fler_fel : errors found beyond those listed in ``fel``.
    liknande : new person ids that resemble another id only by case or leading zeros (at
        most ``MAX_LIKNANDE`` listed); antal_liknande counts them all.
    behover_bekraftelse : True when the import was refused only because of ``liknande`` (run
        it again with ``godta_liknande=True`` once the user has confirmed).
    kvar : per round of the file that already had stored rows, the stored matning rows whose
        key is not in the file; they stay stored (a correction merges by key).
    """

    ok: bool
    fel: list[Importfel] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)
    antal: dict[str, Antal] = field(default_factory=dict)
    filer: list[str] = field(default_factory=list)
    provkor: bool = False
    fler_fel: int = 0
    liknande: list[Liknande] = field(default_factory=list)
    antal_liknande: int = 0
    behover_bekraftelse: bool = False
    kvar: dict[str, int] = field(default_factory=dict)

    @property
    def antal_fel(self) -> int:
        """Every error found, listed or not."""
        return len(self.fel) + self.fler_fel

    def text(self) -> str:
        """One Swedish line, e.g. ``"person: 286 nya, 0 ändrade, 0 oförändrade; matning: …"``."""
        if not self.ok:
            return f"Importen avbröts: {self.antal_fel} fel. Ingenting sparades."
        if not self.antal:
            return "inga rader"
        return "; ".join(
            f"{e}: {a.insatta} nya, {a.uppdaterade} ändrade, {a.oforandrade} oförändrade" for e, a in self.antal.items()
        )

    def kvar_text(self) -> list[str]:
        """Per corrected round, what stays stored: ``"Mätomgång 2019-09: 12 rader i databasen
        finns inte i filen och ligger kvar."``"""
        return [
            f"Mätomgång {o}: {n} {'rad' if n == 1 else 'rader'} i databasen finns inte i filen och ligger kvar."
            for o, n in self.kvar.items()
        ]

    def felrapport(self) -> str:
        """Every error, one Swedish line each."""
        rader = [f.text() for f in self.fel]
        if self.fler_fel:
            rader.append(f"… och {self.fler_fel} fel till som inte visas.")
        return "\n".join(rader)

    def sammanfattning(self) -> dict:
        """What the audit log records: file names, counts and the number of errors."""
        ut = {
            "filer": list(self.filer),
            "antal": {
                e: {"insatta": a.insatta, "uppdaterade": a.uppdaterade, "oforandrade": a.oforandrade}
                for e, a in self.antal.items()
            },
            "fel": self.antal_fel,
            "varningar": len(self.varningar),
        }
        if self.antal_liknande:
            ut["liknande_id"] = self.antal_liknande
        if self.kvar:
            ut["kvar"] = dict(self.kvar)
        return ut

    def fel_tabell(self) -> pd.DataFrame:
        """The errors as a frame with the columns ``fil, rad, kolumn, varde, meddelande``."""
        df = pd.DataFrame(
            [(f.fil, f.rad, f.kolumn, f.varde, f.meddelande) for f in self.fel],
            columns=["fil", "rad", "kolumn", "varde", "meddelande"],
        )
        df["rad"] = df["rad"].astype("Int64")
        return df


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

FORMEL_UTAN_VARDE_TEXT = (
    "Cellen innehåller en formel utan sparat värde — öppna och spara filen i Excel (eller LibreOffice), "
    "så att värdet sparas, och importera igen."
)


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


_FINNS_INTE = object()  # a person looked up and not stored


def _senast_tillatna(idag: dt.date) -> dt.date:
    """The last date an import accepts: one year after ``idag`` (28 February for 29 February)."""
    try:
        return idag.replace(year=idag.year + 1)
    except ValueError:
        return idag.replace(year=idag.year + 1, day=28)


@dataclass
class _Kontext:
    """What references resolve against: the database plus the files validated so far.

    ``enheter`` maps the lower-cased unit code to the stored code; ``omgangar`` every round
    (stored and in the files) to its date. Units and rounds are few and read once; persons
    are many, so ``fil_personer`` holds those of the files (with their birth year) and
    ``db_personer`` those looked up in the database, a chunk at a time (:meth:`sla_upp`). An
    entity in ``okontrollerade`` had a file whose rows could not be read (a column missing or
    given twice, or the file unreadable); references into it are not checked.
    """

    conn: Connection
    db_enheter: dict[str, str]
    enheter: dict[str, str]
    omgangar: dict[str, dt.date | None]
    idag: dt.date
    fil_personer: dict[str, int | None] = field(default_factory=dict)
    db_personer: dict[str, object] = field(default_factory=dict)
    okontrollerade: set[str] = field(default_factory=set)

    @classmethod
    def fran_databasen(cls, conn: Connection, idag: dt.date) -> _Kontext:
        enheter = _uppslag(sorted(conn.execute(select(Enhet.enhet)).scalars()))
        omgangar = dict(conn.execute(select(Matomgang.omgang_id, Matomgang.datum)).tuples().all())
        return cls(conn, dict(enheter), enheter, omgangar, idag)

    @property
    def senast(self) -> dt.date:
        return _senast_tillatna(self.idag)

    def sla_upp(self, person_ids: Iterable[str]) -> None:
        """Look up the persons not yet known (one query per chunk)."""
        okanda = {p for p in person_ids if p not in self.fil_personer and p not in self.db_personer}
        if not okanda:
            return
        if len(self.db_personer) + len(okanda) > MAX_PERSONCACHE:
            self.db_personer.clear()
        q = select(Person.person_id, Person.fodelsear).where(Person.person_id.in_(sorted(okanda)))
        funna = {p: f for p, f in self.conn.execute(q)}
        for p in okanda:
            self.db_personer[p] = funna[p] if p in funna else _FINNS_INTE

    def person_finns(self, person_id: str) -> bool:
        return person_id in self.fil_personer or self.db_personer.get(person_id, _FINNS_INTE) is not _FINNS_INTE

    def fodelsear(self, person_id: str) -> int | None:
        if person_id in self.fil_personer:
            return self.fil_personer[person_id]
        v = self.db_personer.get(person_id, _FINNS_INTE)
        return None if v is _FINNS_INTE else v

    def finns(self, entitet: str, nyckel: str) -> bool:
        if entitet in self.okontrollerade:
            return True
        return self.person_finns(nyckel) if entitet == "person" else nyckel in self.omgangar


class _Cellfel(Exception):
    def __init__(self, meddelande: str, varde: str | None = None):
        super().__init__(meddelande)
        self.meddelande = meddelande
        self.varde = varde


def _ar_tom(varde) -> bool:
    return varde is None or (isinstance(varde, str) and not varde.strip())


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


def _norm(varde) -> str:
    """The cell as text, normalised (``core.personnummer.normalisera``) and trimmed."""
    return normalisera(_som_text(varde)).strip()


def _visa(varde) -> str:
    """A value as it may be shown in an error: identity numbers masked, long texts cut."""
    text = maskera(_som_text(varde)) if not _ar_tom(varde) else ""
    return text if len(text) <= 60 else text[:57] + "…"


def _personnummerfel(kol: _Kolumn, text: str) -> _Cellfel:
    rad = "använd kommunens pseudonyma nyckel" if kol.slag in (ID, OMGANG, ENHETSKOD) else "ta bort det ur texten"
    return _Cellfel(
        f"Kolumnen {kol.namn} ser ut att innehålla ett personnummer eller samordningsnummer "
        f"({_visa(text)}). Personnummer får inte lämnas in; {rad}.",
        varde=_visa(text),
    )


def _kontrollera_text(kol: _Kolumn, text: str, hogst: int) -> str:
    if len(text) > hogst:
        raise _Cellfel(f"Värdet i kolumnen {kol.namn} är för långt ({len(text)} tecken, högst {hogst}).")
    if not text.isprintable() and _KONTROLLTECKEN.search(text):
        raise _Cellfel(f"Värdet i kolumnen {kol.namn} innehåller ett otillåtet kontrolltecken.")
    return text


def _tolka_id(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    if kol.slag == OMGANG and isinstance(varde, dt.date) and varde.day == 1:
        # Excel stores a typed 2019-09 as the date 2019-09-01.
        text = f"{varde.year:04d}-{varde.month:02d}"
    else:
        text = _norm(varde)
    # An id column is refused when the whole value is an identity number (-, + and spaces
    # removed: 10 or 12 digits); every text column when it holds one anywhere. Both need ten
    # digits, so a shorter id (nearly every one) is not searched.
    if len(text) >= 10 and ((kol.namn in koder.ID_KOLUMNER and ar_personnummer(text)) or innehaller_personnummer(text)):
        raise _personnummerfel(kol, text)
    return _kontrollera_text(kol, text, ID_MAX)


def _tolka_text(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _som_text(varde)
    if innehaller_personnummer(text):
        raise _personnummerfel(kol, text)
    return _kontrollera_text(kol, text, TEXT_MAX)


def _okand_kod(kol: _Kolumn, okanda: list[str], tillatna: Iterable[str]) -> _Cellfel:
    vad = "Okänd kod" if len(okanda) == 1 else "Okända koder"
    visade = ", ".join(f"'{_visa(k)}'" for k in okanda)
    return _Cellfel(f"{vad} {visade} i kolumnen {kol.namn}. Tillåtna koder: {', '.join(maskera(k) for k in tillatna)}.")


def _tolka_kod(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _norm(varde)
    kod = kol.koder.get(text.lower())
    if kod is None:
        raise _okand_kod(kol, [_som_text(varde)], kol.koder.values())
    return kod


def _tolka_koder(kol: _Kolumn, varde, uppslag: Mapping[str, str]) -> frozenset[str]:
    text = _norm(varde)
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
        return frozenset(d.strip().lower() for d in _norm(varde).split("|") if d.strip())
    return _tolka_koder(kol, varde, {"ingen": "ingen", **ktx.enheter})


def _tolka_enhet(kol: _Kolumn, varde, ktx: _Kontext) -> str:
    text = _norm(varde)
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
    text = _norm(varde)
    if innehaller_personnummer(text):
        raise _personnummerfel(kol, text)
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


def _inte_for_sent(kol: _Kolumn, text: str, datum: dt.date, ktx: _Kontext) -> None:
    if datum > ktx.senast:
        raise _Cellfel(
            f"'{text}' i kolumnen {kol.namn} ligger mer än ett år efter dagens datum ({ktx.idag.isoformat()}). "
            "Kontrollera året."
        )


def _tolka_datum(kol: _Kolumn, varde, ktx: _Kontext) -> dt.date:
    if isinstance(varde, dt.date):
        datum = varde.date() if isinstance(varde, dt.datetime) else varde
    else:
        text = _norm(varde)
        if not _DATUM.fullmatch(text):
            raise _Cellfel(
                f"Ogiltigt datum '{_visa(text)}' i kolumnen {kol.namn}. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2019-09-15."
            )
        try:
            datum = dt.date.fromisoformat(text)
        except ValueError:
            raise _Cellfel(f"Datumet '{text}' i kolumnen {kol.namn} finns inte i kalendern.") from None
    _rimligt_ar(kol, datum.isoformat(), datum.year)
    _inte_for_sent(kol, datum.isoformat(), datum, ktx)
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
        m = _MANAD.fullmatch(_norm(varde))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise _ogiltig_manad(kol, varde)
        ar, man = int(m.group(1)), int(m.group(2))
    text = f"{ar:04d}-{man:02d}"
    _rimligt_ar(kol, text, ar)
    _inte_for_sent(kol, text, dt.date(ar, man, 1), ktx)
    return text


def _tolka_heltal(kol: _Kolumn, varde, ktx: _Kontext) -> int:
    if isinstance(varde, int) and not isinstance(varde, bool):
        tal = varde
    elif isinstance(varde, float) and varde.is_integer():
        tal = int(varde)
    elif isinstance(varde, str) and _HELTAL.fullmatch(text := normalisera(varde).strip()):
        tal = int(_TUSENTAL.sub("", text))
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
    """One row being checked: its interpreted values (by column position) and its errors."""

    __slots__ = ("radnr", "varden", "fel", "felaktiga", "index")

    def __init__(self, radnr: int, varden: list, index: Mapping[str, int]):
        self.radnr, self.varden, self.index = radnr, varden, index
        # Made when the first error comes (most rows have none).
        self.fel: list[tuple[str | None, str, str | None]] | None = None
        self.felaktiga: set[str] | None = None

    def __getitem__(self, kolumn: str):
        return self.varden[self.index[kolumn]]

    def rapportera(self, kolumn: str | None, meddelande: str, varde: str | None = None) -> None:
        if self.fel is None:
            self.fel, self.felaktiga = [], set()
        if kolumn is not None:
            self.felaktiga.add(kolumn)
        self.fel.append((kolumn, meddelande, varde))

    def giltig(self, *kolumner: str) -> bool:
        """True when none of ``kolumner`` had an error (a check across columns may run)."""
        return not self.felaktiga or not self.felaktiga.intersection(kolumner)


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
    fodelsear = ktx.fodelsear(rad["person_id"])
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


def _rubrikfel(fil: str, rubriker: list, kolumner: list[_Kolumn], namnlosa_med_varden: set[int]) -> list[Importfel]:
    """Errors of a header row, in column order, then the missing columns."""
    fel = []
    tillatna = [k.namn for k in kolumner]
    sedda: set[str] = set()
    for i, rubrik in enumerate(rubriker):
        namn = _rubriknamn(rubrik)
        if not namn:
            if i in namnlosa_med_varden:
                fel.append(Importfel(fil, 1, None, None, f"Kolumn nummer {i + 1} har värden men ingen rubrik."))
        elif namn in sedda:
            fel.append(Importfel(fil, 1, namn, None, f"Kolumnen {namn} finns två gånger i rubrikraden."))
        elif namn not in tillatna:
            visat = maskera(namn)
            fel.append(
                Importfel(
                    fil,
                    1,
                    visat,
                    None,
                    f"Okänd kolumn '{visat}'. Den hör inte till formatet och importen stoppas; ta bort kolumnen. "
                    f"Tillåtna kolumner: {', '.join(tillatna)}.",
                )
            )
        else:
            sedda.add(namn)
    for namn in tillatna:
        if namn not in sedda:
            fel.append(
                Importfel(
                    fil, 1, namn, None, f"Kolumnen {namn} saknas. Filen ska ha kolumnerna: {', '.join(tillatna)}."
                )
            )
    return fel


def _rubriknamn(rubrik) -> str:
    if rubrik is None or rubrik is FORMEL_UTAN_VARDE:
        return ""
    return str(rubrik).strip().lstrip("\ufeff").strip().lower()


def _rubrikindex(rubriker: list, kolumner: list[_Kolumn]) -> dict[str, int] | None:
    """The position of each column, or None when a column is missing or given twice (the rows
    cannot be read then)."""
    tillatna = {k.namn for k in kolumner}
    index: dict[str, int] = {}
    for i, rubrik in enumerate(rubriker):
        namn = _rubriknamn(rubrik)
        if namn in index:
            return None
        if namn in tillatna:
            index[namn] = i
    return index if len(index) == len(tillatna) else None


def _tom_rad(celler: list) -> bool:
    try:
        return not "".join(celler).strip()
    except TypeError:  # a workbook row: numbers, dates and None
        return all(_ar_tom(c) for c in celler)


class _Felsamling:
    """Every error of an import, at most MAX_FEL of them kept, in the order they are listed:
    errors of reading (in file order), then each table's in load order."""

    def __init__(self):
        self.lasfel: list[tuple[int, Importfel]] = []
        self.ovriga: list[Importfel] = []
        self.tabell: list[Importfel] = []
        self.tabell_antal = 0
        self.antal = 0
        self.rubrik_sparrar = False

    def kvar_plats(self) -> bool:
        return self.antal + self.tabell_antal < MAX_FEL

    @property
    def finns(self) -> bool:
        """True once any error is known (from then on nothing more is written)."""
        return self.rubrik_sparrar or self.antal + self.tabell_antal > 0

    def las(self, nr: int, fel: Importfel) -> None:
        self.lasfel.append((nr, fel))
        self.antal += 1

    def ovrigt(self, fel: Importfel) -> None:
        self.ovriga.append(fel)
        self.antal += 1

    def i_tabellen(self, fel: Importfel) -> None:
        if self.kvar_plats():
            self.tabell.append(fel)
        self.tabell_antal += 1

    def tabellen_klar(self, rubrikfel: list[Importfel]) -> None:
        self.ovriga.extend(rubrikfel)
        self.ovriga.extend(self.tabell)
        self.antal += len(rubrikfel) + self.tabell_antal
        self.tabell, self.tabell_antal = [], 0

    def tabellen_olasbar(self) -> None:
        """A table that could not be read to its end: its row errors are dropped (its error
        of reading says what is wrong)."""
        self.tabell, self.tabell_antal = [], 0

    def lista(self) -> tuple[list[Importfel], int]:
        """The errors to show and how many more were found."""
        alla = [f for _, f in sorted(self.lasfel, key=lambda p: p[0])] + self.ovriga
        return alla[:MAX_FEL], max(self.antal - MAX_FEL, 0)


_META = MetaData()


def _nyckeltabell(entitet: str, nr: int) -> Table:
    """A temporary table of a file's keys with the row each first appeared on."""
    modell = DATATABELLER[entitet].__table__
    return Table(
        f"_import_nycklar_{nr}",
        MetaData(),
        *(Column(k, modell.c[k].type, primary_key=True) for k in koder.NYCKLAR[entitet]),
        Column("rad", Integer),
        prefixes=["TEMPORARY"],
        sqlite_with_rowid=False,  # one B-tree, the key: the only thing it is searched by
    )


def _nyckelvillkor(tabell: Table, nycklar: Sequence[str], varden: list[tuple]):
    """``tabell``'s key in ``varden`` (a list of key tuples)."""
    if len(nycklar) == 1:
        return tabell.c[nycklar[0]].in_([v[0] for v in varden])
    return tuple_(*(tabell.c[k] for k in nycklar)).in_(varden)


class _Tabellgenomgang:
    """Validates one table's rows a chunk at a time and hands each valid chunk to a writer."""

    def __init__(self, conn: Connection, kalla: Kalla, kolumner: list[_Kolumn], ktx: _Kontext, fel: _Felsamling):
        self.conn, self.kalla, self.kolumner, self.ktx, self.fel = conn, kalla, kolumner, ktx, fel
        self.entitet = kalla.entitet
        self.namnindex = {k.namn: i for i, k in enumerate(kolumner)}
        self.nycklar = koder.NYCKLAR[self.entitet]
        self.nyckelpos = [self.namnindex[k] for k in self.nycklar]
        self.regel = _RADREGLER.get(self.entitet)
        self.nyckeltabell: Table | None = None

    def kor(self, skrivare: _Skrivare | None) -> bool:
        """Validate (and, while there is no error, write) every row; False when the table
        could not be read to its end (its error of reading is then the only one listed).

        Into a table that was empty before the import (the first import, a new municipality)
        the rows are written straight away and the table's own primary key finds repeated
        keys (``direkt``): no table of the file's keys is needed. A repeated key or any error
        ends that: the file is then read again from the start, its keys checked through the
        key table, and nothing more is written (the import fails anyway)."""
        direkt = skrivare is not None and skrivare.tom_vid_start and db.billig_dubblettkontroll(self.conn)
        try:
            return self._kor(skrivare, direkt)
        except _Omstart:
            self.fel.tabellen_olasbar()
            return self._kor(None, False)

    def _kor(self, skrivare: _Skrivare | None, direkt: bool) -> bool:
        kalla, fel = self.kalla, self.fel
        self.direkt = direkt
        try:
            rader = kalla.rader()
            forsta = next(rader, None)
            if forsta is None or _tom_rad(list(forsta[1])):
                raise Lasfel(importfiler.TOM_FIL)
            rubriker = list(forsta[1])
            index = _rubrikindex(rubriker, self.kolumner)
            namnlosa = [i for i, r in enumerate(rubriker) if not _rubriknamn(r)]
            namnlosa_med_varden: set[int] = set()
            # A wrong header is known before any row: nothing of the table is written then.
            fel.rubrik_sparrar = bool(_rubrikfel(kalla.fil, rubriker, self.kolumner, set()))
            self.direkt = direkt and not fel.finns
            if index is None:
                self.ktx.okontrollerade.add(self.entitet)
            else:
                if not self.direkt and self.nyckeltabell is None:
                    self.nyckeltabell = db.skapa_temptabell(self.conn, _nyckeltabell(self.entitet, kalla.nr))
                self._forbered(index, len(rubriker))
                if skrivare is not None:
                    skrivare.nyckeltabell = self.nyckeltabell
            bit: list[tuple[int, list]] = []
            for radnr, celler in rader:
                if _tom_rad(celler):
                    continue
                for i in namnlosa:
                    if i < len(celler) and not _ar_tom(celler[i]):
                        namnlosa_med_varden.add(i)
                if index is None:
                    continue
                bit.append((radnr, celler))
                if len(bit) >= BIT:
                    self._bit(bit, skrivare)
                    bit = []
            if bit:
                self._bit(bit, skrivare)
        except Lasfel as e:
            fel.rubrik_sparrar = False
            fel.tabellen_olasbar()
            fel.las(kalla.nr, Importfel(kalla.fil, e.rad, None, None, e.meddelande))
            self.ktx.okontrollerade.add(self.entitet)
            return False
        fel.rubrik_sparrar = False
        if self.direkt and namnlosa_med_varden:
            raise _Omstart()
        fel.tabellen_klar(_rubrikfel(kalla.fil, rubriker, self.kolumner, namnlosa_med_varden))
        return True

    def _forbered(self, index: dict[str, int], bredd: int) -> None:
        self.bredd = bredd
        # Per column: its position in the row, how it is read, and a memo of the cells seen
        # (codes, dates and round ids repeat on nearly every row).
        self.spec = [(j, index[k.namn], k, {}, _TOLKA[k.slag]) for j, k in enumerate(self.kolumner)]
        self.sarskilda = [False] * len(self.kolumner)  # the column has had an error
        self.ordning = {k.namn: i for i, k in enumerate(self.kolumner)}

    def _tolka(self, kol: _Kolumn, tolka: Callable, varde):
        """A cell's stored value, or a _Cellfel (blank is None, or no codes for a multi-valued
        column; an error where the column is required)."""
        if _ar_tom(varde):
            if kol.kravs:
                return _Cellfel(f"Kolumnen {kol.namn} får inte vara tom.")
            return _TOMT_FLERVAL if kol.slag in (FLERVAL, ENHETSLISTA) else None
        if varde is FORMEL_UTAN_VARDE:
            return _Cellfel(FORMEL_UTAN_VARDE_TEXT)
        try:
            return tolka(kol, varde, self.ktx)
        except _Cellfel as e:
            if e.varde is None:
                e.varde = _visa(varde)
            return e

    def _bit(self, bit: list[tuple[int, list]], skrivare: _Skrivare | None) -> None:
        ktx, entitet, nycklar = self.ktx, self.entitet, self.nycklar
        bredd, namnindex = self.bredd, self.namnindex
        # Column by column: a cell is one lookup in its column's memo (most cells repeat a
        # code, a date or a round id); only a cell not seen before is interpreted.
        celler_lista = [c for _, c in bit]
        if any(len(c) < bredd for c in celler_lista):
            celler_lista = [c if len(c) >= bredd else [*c, *([None] * (bredd - len(c)))] for c in celler_lista]
        bara_text = self.kalla.text
        tolka_cell, sarskilda = self._tolka, self.sarskilda
        kolumnvarden, cellfel = [], []
        for j, i, kol, memo, tolka in self.spec:
            get = memo.get
            if bara_text:
                res = [get(c[i], _SAKNAS_I_MEMO) for c in celler_lista]
            else:
                res = [get(_memonyckel(c[i]), _SAKNAS_I_MEMO) for c in celler_lista]
            if _SAKNAS_I_MEMO in res:
                for k, r in enumerate(res):
                    if r is _SAKNAS_I_MEMO:
                        v = celler_lista[k][i]
                        r = res[k] = tolka_cell(kol, tolka, v)
                        if len(memo) < MAX_MEMO:
                            memo[_memonyckel(v)] = r
                        if type(r) is _Cellfel:
                            sarskilda[j] = True
            if sarskilda[j]:
                for k, r in enumerate(res):
                    if type(r) is _Cellfel:
                        cellfel.append((k, kol.namn, r))
                        res[k] = None
            kolumnvarden.append(res)
        rader = [_Rad(nr, list(v), namnindex) for (nr, _), v in zip(bit, zip(*kolumnvarden, strict=True), strict=True)]
        for k, c in enumerate(celler_lista):
            if len(c) > bredd and any(not _ar_tom(x) for x in c[bredd:]):
                rader[k].rapportera(None, "Raden har fler värden än rubrikraden har kolumner.")
        for k, namn, r in cellfel:
            rader[k].rapportera(namn, r.meddelande, r.varde)

        referenser = _REFERENSER.get(entitet, ())
        if any(mal == "person" for _, mal in referenser) and "person" not in ktx.okontrollerade:
            p = namnindex["person_id"]
            ktx.sla_upp({r.varden[p] for r in rader if r.giltig("person_id") and r.varden[p] is not None})
        for rad in rader:
            for kolumn, mal in referenser:
                if rad.giltig(kolumn) and not ktx.finns(mal, rad[kolumn]):
                    v = _visa(rad[kolumn])
                    rad.rapportera(kolumn, _SAKNAD_REFERENS[mal].format(v=v, k=kolumn), v)
            if self.regel is not None:
                for kolumn, meddelande in list(self.regel(rad, ktx)):
                    rad.rapportera(kolumn, meddelande, _visa(rad[kolumn]))

        dubbletter = self._dubbletter(rader)
        for rad in rader:
            forsta = dubbletter.get(id(rad))
            if forsta is not None:
                nyckel = tuple(rad.varden[p] for p in self.nyckelpos)
                visad = ", ".join(_visa(v) for v in nyckel)
                rad.rapportera(
                    ", ".join(nycklar),
                    f"Nyckeln ({visad}) finns på två rader i filen: rad {forsta} och rad {rad.radnr}. "
                    f"Varje {entitet} får bara finnas en gång ({', '.join(nycklar)}).",
                    visad,
                )
            elif rad.giltig(*nycklar):
                _lar_kanna(ktx, entitet, rad)
            if rad.fel:
                ordning = self.ordning
                for kolumn, meddelande, varde in sorted(
                    rad.fel, key=lambda f: ordning.get(f[0], -1 if f[0] is None else len(ordning))
                ):
                    self.fel.i_tabellen(Importfel(self.kalla.fil, rad.radnr, kolumn, varde, meddelande))
        if self.direkt and self.fel.finns:
            raise _Omstart()
        if skrivare is not None and not self.fel.finns:
            skrivare.skriv([r.varden for r in rader], [r.radnr for r in rader])

    def _dubbletter(self, rader: list[_Rad]) -> dict[int, int]:
        """For each row whose key appeared on an earlier row of the file: that row's number.

        The file's keys go to a temporary table (its primary key finds the repeats); only
        when a chunk has a key already there are the earlier row numbers read back."""
        nycklar, pos = self.nycklar, self.nyckelpos
        forsta: dict[tuple, int] = {}
        upprepade: list[tuple[_Rad, tuple]] = []
        for rad in rader:
            if not rad.giltig(*nycklar):
                continue
            k = tuple(rad.varden[p] for p in pos)
            if k in forsta:
                upprepade.append((rad, k))
            else:
                forsta[k] = rad.radnr
        if self.direkt:
            if upprepade:
                raise _Omstart()
            return {}
        tidigare: dict[tuple, int] = {}
        if forsta:
            t = self.nyckeltabell
            nya = db.skriv_tupler(
                self.conn, t, [*nycklar, "rad"], [(*k, nr) for k, nr in forsta.items()], ignorera_dubbletter=True
            )
            if nya < len(forsta):
                for rad in self.conn.execute(
                    select(*(t.c[k] for k in nycklar), t.c.rad).where(_nyckelvillkor(t, nycklar, list(forsta)))
                ):
                    k = tuple(rad[:-1])
                    if rad[-1] != forsta[k]:
                        tidigare[k] = rad[-1]
        ut: dict[int, int] = {}
        if tidigare:
            for rad in rader:
                if rad.giltig(*nycklar):
                    k = tuple(rad.varden[p] for p in pos)
                    if k in tidigare and forsta.get(k) == rad.radnr:
                        ut[id(rad)] = tidigare[k]
        for rad, k in upprepade:
            ut[id(rad)] = tidigare.get(k, forsta[k])
        return ut


_SAKNAS_I_MEMO = object()


def _memonyckel(varde):
    # Workbook cells: 1 == 1.0 == True for a dict, but they do not read alike.
    return varde if type(varde) is str else (type(varde), varde)


_TOMT_FLERVAL: frozenset[str] = frozenset()
MAX_MEMO = 300_000  # distinct cells remembered per column (ids repeat across rounds)


def _lar_kanna(ktx: _Kontext, entitet: str, rad: _Rad) -> None:
    """Make a row's key known to the references of the files that follow."""
    if entitet == "enhet":
        ktx.enheter[rad["enhet"].lower()] = rad["enhet"]
    elif entitet == "person":
        ktx.fil_personer[rad["person_id"]] = rad["fodelsear"] if rad.giltig("fodelsear") else None
    elif entitet == "matomgang":
        ktx.omgangar[rad["omgang_id"]] = rad["datum"] if rad.giltig("datum") else None


# ----------------------------------------------------------------------------------------
# Step 3: write
# ----------------------------------------------------------------------------------------


@dataclass
class _Import:
    """What the writers of one import share: the derived-table changes and what they found."""

    conn: Connection
    andringar: harledning.Andringar | None  # None: every derived row is recomputed at the end
    liknande: list[Liknande] = field(default_factory=list)
    antal_liknande: int = 0
    kvar: dict[str, int] = field(default_factory=dict)


class _Omstart(Exception):
    """A table written straight into its empty target turned out to repeat a key or hold an
    error: it is read again with the key table (see ``_Tabellgenomgang.kor``)."""


class _Skrivare:
    """Writes one table's valid chunks: compares them with the stored rows of their keys,
    inserts the new rows, replaces the changed ones, counts the identical ones."""

    def __init__(self, imp: _Import, entitet: str, kolumner: list[_Kolumn], fil: str):
        self.imp, self.conn, self.entitet, self.fil = imp, imp.conn, entitet, fil
        self.tabell = DATATABELLER[entitet].__table__
        self.kol = [c.name for c in self.tabell.columns]
        self.schemaindex = {k.namn: i for i, k in enumerate(kolumner)}
        self.pos = [self.schemaindex[c] for c in self.kol]
        self.nycklar = koder.NYCKLAR[entitet]
        self.nyckelpos = [self.kol.index(k) for k in self.nycklar]
        self.tom_vid_start = not self.conn.execute(select(exists(select(1).select_from(self.tabell)))).scalar()
        self.nyckeltabell: Table | None = None
        self.insatta = self.uppdaterade = self.oforandrade = 0

    def antal(self) -> Antal:
        return Antal(self.insatta, self.uppdaterade, self.oforandrade)

    def _nyckel(self, t: tuple) -> tuple:
        return tuple(t[p] for p in self.nyckelpos)

    def _kan_finnas(self, tupler: list[tuple]) -> list[bool]:
        """Which rows may have a stored row (looked up); the rest are new for sure."""
        return [not self.tom_vid_start] * len(tupler)

    def _lagrade(self, nycklar: list[tuple]) -> dict[tuple, tuple]:
        if not nycklar:
            return {}
        q = select(*self.tabell.columns).where(_nyckelvillkor(self.tabell, self.nycklar, nycklar))
        return {self._nyckel(tuple(r)): tuple(r) for r in self.conn.execute(q)}

    def skriv(self, rader: list[list], radnr: list[int]) -> None:
        ta = operator.itemgetter(*self.pos)
        tupler = [ta(r) for r in rader]
        kan = self._kan_finnas(tupler)
        lagrade = self._lagrade([self._nyckel(t) for t, k in zip(tupler, kan, strict=True) if k])
        nya, andrade, fore = [], [], []
        nya_rader, andrade_rader, nya_nr = [], [], []
        for t, r, nr in zip(tupler, rader, radnr, strict=True):
            lagrad = lagrade.get(self._nyckel(t)) if lagrade else None
            if lagrad is None:
                nya.append(t)
                nya_rader.append(r)
                nya_nr.append(nr)
            elif lagrad != t or self._annat_andrat(r, lagrad):
                andrade.append(t)
                andrade_rader.append(r)
                fore.append(lagrad)
            else:
                self.oforandrade += 1
        self._fore(nya, nya_nr)
        if nya and self.tom_vid_start and db.billig_dubblettkontroll(self.conn):
            # Straight into the table that was empty: its primary key finds a repeated key.
            if db.skriv_tupler(self.conn, self.tabell, self.kol, nya, ignorera_dubbletter=True) < len(nya):
                raise _Omstart()
        else:
            db.skriv_tupler(self.conn, self.tabell, self.kol, nya)
        if andrade:
            db.upsert(self.conn, self.tabell, [dict(zip(self.kol, t, strict=True)) for t in andrade], self.nycklar)
        self.insatta += len(nya)
        self.uppdaterade += len(andrade)
        self._efter(nya, nya_rader, andrade, andrade_rader, fore)

    # Hooks of the entities with more to do.
    def _annat_andrat(self, rad: list, lagrad: tuple) -> bool:
        return False

    def _fore(self, nya: list[tuple], radnr: list[int]) -> None:
        pass

    def _efter(self, nya, nya_rader, andrade, andrade_rader, fore) -> None:
        pass

    def klar(self) -> None:
        pass


class _PersonSkrivare(_Skrivare):
    """Persons: a changed sex, birth year or region changes the person's derived rows; a new
    id that resembles another only by case or leading zeros is listed (``Liknande``)."""

    HARLEDDA = ("kon", "fodelsear", "fodelseregion")

    def __init__(self, *args):
        super().__init__(*args)
        self.normer: dict[str, str] = {}
        self.harledda_pos = [self.kol.index(k) for k in self.HARLEDDA]

    def _lagg_till(self, likn: Liknande) -> None:
        self.imp.antal_liknande += 1
        if len(self.imp.liknande) < MAX_LIKNANDE:
            self.imp.liknande.append(likn)

    def _fore(self, nya: list[tuple], radnr: list[int]) -> None:
        pid = self.kol.index("person_id")
        normer = [(t[pid], t[pid].lstrip("0").lower(), nr) for t, nr in zip(nya, radnr, strict=True)]
        lagrade: dict[str, list[str]] = defaultdict(list)
        if not self.tom_vid_start and normer:
            norm = func.lower(func.ltrim(Person.person_id, "0"))
            for p, n in self.conn.execute(
                select(Person.person_id, norm).where(norm.in_(sorted({n for _, n, _ in normer})))
            ):
                lagrade[n].append(p)
        for p, n, nr in normer:
            for annan in lagrade.get(n, ()):
                if annan != p:
                    self._lagg_till(Liknande(self.fil, nr, p, annan, True))
                    break
            else:
                forsta = self.normer.setdefault(n, p)
                if forsta != p:
                    self._lagg_till(Liknande(self.fil, nr, p, forsta, False))

    def _efter(self, nya, nya_rader, andrade, andrade_rader, fore) -> None:
        if self.imp.andringar is not None:
            pid = self.kol.index("person_id")
            self.imp.andringar.personer(
                t[pid] for t, f in zip(andrade, fore, strict=True) if any(t[i] != f[i] for i in self.harledda_pos)
            )


class _OmgangSkrivare(_Skrivare):
    """Rounds: a new round, or one whose date changed, has its derived rows recomputed."""

    def _efter(self, nya, nya_rader, andrade, andrade_rader, fore) -> None:
        if self.imp.andringar is not None:
            d = self.kol.index("datum")
            self.imp.andringar.omgangar(
                [t[0] for t in nya] + [t[0] for t, f in zip(andrade, fore, strict=True) if t[d] != f[d]]
            )


class _InsatsSkrivare(_Skrivare):
    """Episodes: the units their persons belong to are recomputed (the old and the new
    person of an episode that moved)."""

    def _efter(self, nya, nya_rader, andrade, andrade_rader, fore) -> None:
        if self.imp.andringar is not None:
            p = self.kol.index("person_id")
            self.imp.andringar.personer({t[p] for t in nya} | {t[p] for t in andrade} | {f[p] for f in fore})


class _MatningSkrivare(_Skrivare):
    """matning rows with their multi-valued codes (``matning_val``).

    A round that held no rows before the import needs no lookup; a changed row gets its
    codes replaced (the only delete of an import). At the end :attr:`kvar` counts, per round
    that held rows before, the stored rows whose key the file did not have."""

    def __init__(self, *args):
        super().__init__(*args)
        self.hade_rader: dict[str, bool] = {}
        self.flervalpos = [(v, self.schemaindex[v]) for v in koder.FLERVAL]

    def _kan_finnas(self, tupler: list[tuple]) -> list[bool]:
        if self.tom_vid_start:
            return [False] * len(tupler)
        for o in {t[0] for t in tupler} - self.hade_rader.keys():
            self.hade_rader[o] = self.conn.execute(select(exists().where(Matning.omgang_id == o))).scalar()
        return [self.hade_rader[t[0]] for t in tupler]

    def _flerval(self, rad: list) -> dict[str, frozenset[str]]:
        return {v: rad[i] for v, i in self.flervalpos if rad[i]}

    def _lagrade(self, nycklar: list[tuple]) -> dict[tuple, tuple]:
        lagrade = super()._lagrade(nycklar)
        self._lagrade_val: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        if lagrade:
            v = MatningVal
            for o, p, var, kod in self.conn.execute(
                select(v.omgang_id, v.person_id, v.variabel, v.kod).where(
                    tuple_(v.omgang_id, v.person_id).in_(list(lagrade))
                )
            ):
                self._lagrade_val[(o, p)][var].add(kod)
        return lagrade

    def _annat_andrat(self, rad: list, lagrad: tuple) -> bool:
        lagrade_val = self._lagrade_val.get(lagrad[:2], {})
        return {v: frozenset(k) for v, k in lagrade_val.items()} != self._flerval(rad)

    def _val(self, rader: list[list]) -> list[tuple]:
        o, p = self.schemaindex["omgang_id"], self.schemaindex["person_id"]
        return [(r[o], r[p], v, k) for r in rader for v, i in self.flervalpos for k in sorted(r[i])]

    def _efter(self, nya, nya_rader, andrade, andrade_rader, fore) -> None:
        if andrade:
            self.conn.execute(
                delete(MatningVal).where(
                    tuple_(MatningVal.omgang_id, MatningVal.person_id).in_([t[:2] for t in andrade])
                )
            )
        db.skriv_tupler(
            self.conn,
            MatningVal.__table__,
            ["omgang_id", "person_id", "variabel", "kod"],
            self._val(nya_rader) + self._val(andrade_rader),
        )
        if self.imp.andringar is not None:
            self.imp.andringar.matningar([t[:2] for t in nya] + [t[:2] for t in andrade])

    def klar(self) -> None:
        omgangar = sorted(o for o, fanns in self.hade_rader.items() if fanns)
        if not omgangar or self.nyckeltabell is None:
            return
        nk = self.nyckeltabell
        i_filen = exists().where(nk.c.omgang_id == Matning.omgang_id, nk.c.person_id == Matning.person_id)
        for o, n in self.conn.execute(
            select(Matning.omgang_id, func.count())
            .where(Matning.omgang_id.in_(omgangar), ~i_filen)
            .group_by(Matning.omgang_id)
            .order_by(Matning.omgang_id)
        ):
            self.imp.kvar[o] = n


_SKRIVARE: dict[str, type[_Skrivare]] = {
    "person": _PersonSkrivare,
    "matomgang": _OmgangSkrivare,
    "matning": _MatningSkrivare,
    "insats": _InsatsSkrivare,
}


# ----------------------------------------------------------------------------------------
# The import
# ----------------------------------------------------------------------------------------


def _databasfel(e: BaseException, dbapi) -> str:
    """The Swedish message for a write the database refused."""
    if db.ar_disk_full(e):
        return DISKEN_FULL
    if db.ar_last(e):
        return ANNAN_IMPORT
    orig = getattr(e, "orig", e)
    if isinstance(e, IntegrityError) or (dbapi is not None and isinstance(orig, dbapi.IntegrityError)):
        return SAMTIDIG_ANDRING
    return f"Databasen avvisade importen ({type(orig).__name__}). Ingenting sparades."


def _los_kallor(inlast: importfiler.Inlast, fel: _Felsamling) -> None:
    """Errors about the source as a whole: nothing recognised, or one table in several files."""
    for nr, fil, rad, meddelande in inlast.fel:
        fel.las(nr, Importfel(fil, rad, None, None, meddelande))
    if not inlast.kallor and not inlast.fel:
        fel.ovrigt(
            Importfel(
                ", ".join(inlast.filer),
                None,
                None,
                None,
                "Importen innehåller ingen känd fil eller flik. Namnen ska vara: " + ", ".join(koder.ENTITETER) + ".",
            )
        )
    per_entitet: dict[str, list[str]] = defaultdict(list)
    for k in inlast.kallor:
        per_entitet[k.entitet].append(k.fil)
    for entitet, filer in per_entitet.items():
        if len(filer) > 1:
            fel.ovrigt(
                Importfel(
                    ", ".join(filer),
                    None,
                    None,
                    None,
                    f"{entitet} finns i flera filer: {', '.join(filer)}. Ge varje tabell en gång.",
                )
            )


def _valideringsordning(kallor: list[Kalla]) -> list[Kalla]:
    ordning = {e: i for i, e in enumerate(koder.ENTITETER)}
    return sorted(kallor, key=lambda k: ordning[k.entitet])


def _kor(conn: Connection, inlast: importfiler.Inlast, fel: _Felsamling, idag: dt.date) -> tuple[_Import, dict]:
    """Validate and write every table inside the open transaction; return what was found and
    the counts per entity (empty when there was an error)."""
    ktx = _Kontext.fran_databasen(conn, idag)
    matning_tom = not conn.execute(select(exists(select(1).select_from(Matning)))).scalar()
    imp = _Import(conn, None if matning_tom else harledning.Andringar(conn))
    # The tables that were empty and get rows: their secondary indexes are built after the load.
    tomma = {k.entitet for k in inlast.kallor} if not fel.finns else set()
    uppskjutna = []
    for entitet in sorted(tomma):
        tabell = DATATABELLER[entitet].__table__
        if not conn.execute(select(exists(select(1).select_from(tabell)))).scalar():
            uppskjutna += db.skjut_upp_index(conn, tabell)
            if entitet == "matning":
                uppskjutna += db.skjut_upp_index(conn, MatningVal.__table__)
    schema = _schema(idag.year)
    skrivare: dict[str, _Skrivare] = {}
    temptabeller: list[Table] = []
    for kalla in _valideringsordning(inlast.kallor):
        kolumner = schema[kalla.entitet]
        s = None if fel.finns else _SKRIVARE.get(kalla.entitet, _Skrivare)(imp, kalla.entitet, kolumner, kalla.fil)
        genomgang = _Tabellgenomgang(conn, kalla, kolumner, ktx, fel)
        genomgang.kor(s)
        if genomgang.nyckeltabell is not None:
            temptabeller.append(genomgang.nyckeltabell)
        if s is not None:
            skrivare[kalla.entitet] = s
    if fel.finns:
        return imp, {}  # the rollback removes the temporary tables too
    db.aterskapa_index(conn, uppskjutna)
    for s in skrivare.values():
        s.klar()
    if imp.andringar is None:
        harledning.bygg_om(conn)
    else:
        imp.andringar.berakna_om()
        imp.andringar = None
    for t in temptabeller:
        db.ta_bort_temptabell(conn, t)
    return imp, {e: skrivare[e].antal() for e in koder.ENTITETER if e in skrivare}


def importera(
    engine: Engine,
    kalla: Kallspec,
    *,
    provkor: bool = False,
    anvandare: str | None = None,
    godta_liknande: bool = False,
    vanta_s: float | None = None,
    idag: dt.date | None = None,
) -> Importresultat:
    """Import the exchange format: all of it in one transaction, or nothing.

    Parameters
    ----------
    engine : the database.
    kalla : a path to an ``.xlsx`` workbook, a ``.zip`` of CSV files, a folder of CSV files
        or one ``.csv`` file; or ``(file name, bytes)`` pairs as an upload gives them.
    provkor : preview: validate and write inside the transaction, count, then roll back,
        so the counts are exactly what a real import would do and nothing is stored.
    anvandare : when given (and not a preview), an ``import`` event is written to the
        audit log, for failed imports too: file names, counts and the number of errors. A
        stored import's entry is written in its own transaction, so the two never part.
    godta_liknande : store new person ids that resemble another id only by case or leading
        zeros (``Importresultat.liknande``); without it such an import stores nothing.
    vanta_s : seconds to wait for another import to finish (default ``VANTAN_S``).
    idag : the day of the import (dates more than a year after it are refused); default today.

    Returns
    -------
    Importresultat
        ``ok``, every error, warnings, counts per entity present (inserted, updated,
        unchanged), near-duplicate ids, what stays stored of corrected rounds, file names.
    """
    idag = idag or dt.date.today()
    vanta_s = VANTAN_S if vanta_s is None else vanta_s
    fel = _Felsamling()
    antal: dict[str, Antal] = {}
    imp: _Import | None = None
    behover_bekraftelse = False
    granskad = False
    with contextlib.ExitStack() as stack:
        inlast = importfiler.oppna(kalla, stack)
        _los_kallor(inlast, fel)
        if inlast.kallor:
            with engine.connect() as conn:
                dbapi = getattr(conn.dialect, "loaded_dbapi", None)
                fangade = (SQLAlchemyError, OSError) + ((dbapi.Error,) if dbapi is not None else ())
                try:
                    db.ta_importlas(conn, vanta_s)
                    imp, antal = _kor(conn, inlast, fel, idag)
                    if not fel.finns and imp.antal_liknande and not provkor and not godta_liknande:
                        behover_bekraftelse = True
                        fel.ovrigt(_liknande_fel(imp))
                        antal = {}
                    if fel.finns or provkor:
                        conn.rollback()
                    else:
                        # Every committed import gives a new data version (produkt.md), so every
                        # cache keyed by it is refreshed at once, even when nothing differed.
                        db.byt_dataversion(conn)
                        if anvandare is not None:
                            resultat = _resultat(fel, inlast, antal, imp, provkor, behover_bekraftelse)
                            audit.logga(conn, anvandare, "import", lyckad=True, detalj=resultat.sammanfattning())
                            granskad = True
                        conn.commit()
                except db.ImportlasUpptaget:
                    _rulla_tillbaka(conn)
                    fel.ovrigt(Importfel("", None, None, None, ANNAN_IMPORT))
                    antal, granskad = {}, False
                except fangade as e:
                    log.error("Importen avvisades av databasen (%s).", type(getattr(e, "orig", e)).__name__)
                    _rulla_tillbaka(conn)
                    fel.ovrigt(Importfel("", None, None, None, _databasfel(e, dbapi)))
                    antal, granskad = {}, False
                with contextlib.suppress(*fangade):
                    db.slapp_importinstallningar(conn)
                    conn.rollback()

    resultat = _resultat(fel, inlast, antal, imp, provkor, behover_bekraftelse)
    log.info(
        "Import%s: %d fel, %d varningar, %s",
        " (provkörning)" if provkor else "",
        resultat.antal_fel,
        len(inlast.varningar),
        {e: (a.insatta, a.uppdaterade, a.oforandrade) for e, a in antal.items()},
    )
    if resultat.ok and not provkor and antal:
        db.analysera(engine)
    if anvandare is not None and not provkor and not granskad:
        _granska(engine, anvandare, resultat.ok, resultat.sammanfattning())
    return resultat


# A failed import's audit entry is written in a transaction of its own. On SQLite another
# import may hold the write lock for minutes: the entry is then written as soon as the lock
# is free, by a thread that tries again (see vanta_pa_granskning), so it is never lost.
GRANSKNING_FORSTA_VANTAN_MS = 1000
GRANSKNING_FORSOK_S = 2.0
GRANSKNING_GER_UPP_S = 2 * 3600.0
_vantande_granskning: list[threading.Thread] = []


def _skriv_granskning(engine: Engine, anvandare: str, lyckad: bool, detalj: dict, vanta_ms: int) -> bool | None:
    """Write the entry: True when written, False when worth trying again (a lock, a full
    disk), None when not (another error; it is logged)."""
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {vanta_ms}")
            try:
                audit.logga(conn, anvandare, "import", lyckad=lyckad, detalj=detalj)
                conn.commit()
            finally:
                if sqlite:
                    with contextlib.suppress(SQLAlchemyError):
                        conn.rollback()
                        conn.exec_driver_sql("PRAGMA busy_timeout = 30000")
        return True
    except (SQLAlchemyError, OSError) as e:
        log.error("Importens granskningspost kunde inte skrivas nu (%s).", type(getattr(e, "orig", e)).__name__)
        return False if db.ar_last(e) or db.ar_disk_full(e) else None


def _granska(engine: Engine, anvandare: str, lyckad: bool, detalj: dict) -> None:
    if _skriv_granskning(engine, anvandare, lyckad, detalj, GRANSKNING_FORSTA_VANTAN_MS) is not False:
        return

    def igen() -> None:
        slut = time.monotonic() + GRANSKNING_GER_UPP_S
        while time.monotonic() < slut:
            time.sleep(GRANSKNING_FORSOK_S)
            if _skriv_granskning(engine, anvandare, lyckad, detalj, 5000) is not False:
                return
        log.error("Importens granskningspost kunde inte skrivas; gav upp.")

    trad = threading.Thread(target=igen, name="vagen-granskning", daemon=True)
    trad.start()
    _vantande_granskning.append(trad)


def vanta_pa_granskning(timeout_s: float | None = None) -> bool:
    """Wait until every audit entry of a failed import that waited for the lock is written
    (the CLI calls this before it exits); True when none is left."""
    slut = None if timeout_s is None else time.monotonic() + timeout_s
    for trad in list(_vantande_granskning):
        trad.join(None if slut is None else max(slut - time.monotonic(), 0))
        if not trad.is_alive():
            _vantande_granskning.remove(trad)
    return not _vantande_granskning


def _rulla_tillbaka(conn: Connection) -> None:
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 - a broken connection: the server rolls back on its own
        log.error("Importens transaktion kunde inte rullas tillbaka; anslutningen kasseras.")
        conn.invalidate()


def _liknande_fel(imp: _Import) -> Importfel:
    n = imp.antal_liknande
    exempel = imp.liknande[0]
    return Importfel(
        exempel.fil,
        None,
        "person_id",
        None,
        f"{n} {'nytt person-id liknar' if n == 1 else 'nya person-id liknar'} ett annat id och skiljer sig bara "
        f"i stora och små bokstäver eller i inledande nollor (t.ex. '{exempel.ny}' och '{exempel.befintlig}'). "
        "Excel tappar inledande nollor och ändrar ibland bokstäver, så det kan vara samma person. Ingenting "
        "sparades. Kontrollera id:na; är det olika personer, bekräfta det och importera igen.",
    )


def _resultat(fel: _Felsamling, inlast, antal, imp: _Import | None, provkor: bool, behover_bekraftelse: bool):
    lista, fler = fel.lista()
    ok = not lista and not fler
    return Importresultat(
        ok=ok,
        fel=lista,
        varningar=inlast.varningar,
        antal=antal if ok else {},
        filer=inlast.filer,
        provkor=provkor,
        fler_fel=fler,
        liknande=list(imp.liknande) if imp else [],
        antal_liknande=imp.antal_liknande if imp else 0,
        behover_bekraftelse=behover_bekraftelse,
        kvar=dict(imp.kvar) if imp and ok else {},
    )
