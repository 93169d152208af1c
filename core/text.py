"""Swedish formatting of numbers, shares and dates (``12 345``; ``52,1 %``; ``2019-09-15``).

Every figure a user reads is formatted here, so the app, the reports and the downloads
agree. A suppressed figure (``None`` with ``skyddad=True``) reads "dolt" for counts
and is blank for shares (produkt.md, Disclosure control, rule 1).
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from core import config

# No-break space as the thousands separator and before "%": the way
# Swedish typography writes numbers, and they never wrap in a table cell.
TUSENTAL = "\u00a0"
FORE_PROCENT = "\u00a0"
MINUS = "−"  # U+2212, the typographic minus


# The one neutral mark of every hidden figure (rule 8 of produkt.md): it makes no claim about
# the size, since a cell hidden to protect another may be large.
DOLT = "dolt"


def dolt() -> str:
    """The mark shown instead of a hidden figure, in tables, charts, files and sentences."""
    return DOLT


def skyddsforklaring() -> str:
    """The legend every page and file with hidden figures carries."""
    return (
        f"”{DOLT}” = dolt för att skydda enskilda personer: färre än {config.skydd_troskel()} personer, "
        "eller ett tal som ett sådant antal kan räknas fram ur."
    )


def _saknas(varde) -> bool:
    return varde is None or (isinstance(varde, float) and math.isnan(varde))


def tal(varde, decimaler: int = 0, *, skyddad: bool = False) -> str:
    """A number in Swedish: ``12 345``, ``3,5``; a hidden count reads "dolt".

    Returns "–" for a missing value that is not suppressed (nothing to show).
    """
    if skyddad:
        return dolt()
    if _saknas(varde):
        return "–"
    text = f"{abs(varde):,.{decimaler}f}".replace(",", " ").replace(".", ",").replace(" ", TUSENTAL)
    return (MINUS if varde < 0 and round(abs(varde), decimaler) != 0 else "") + text


def procent(andel, decimaler: int = 0, *, skyddad: bool = False) -> str:
    """A share 0–1 as Swedish per cent: ``0.521 -> "52 %"``; suppressed or missing -> ""."""
    if skyddad or _saknas(andel):
        return ""
    return tal(andel * 100, decimaler) + FORE_PROCENT + "%"


def procentenheter(diff, decimaler: int = 0) -> str:
    """A difference between two shares in percentage points, signed: ``+3 procentenheter``."""
    if _saknas(diff):
        return ""
    pe = diff * 100
    if round(pe, decimaler) == 0:
        return "±0 procentenheter"
    tecken = "+" if pe > 0 else ""
    return f"{tecken}{tal(pe, decimaler)} procentenheter"


def forandring(diff, decimaler: int = 0) -> str:
    """A signed change of a count or a number of months: ``+12``, ``−3``, ``±0``."""
    if _saknas(diff):
        return ""
    if round(diff, decimaler) == 0:
        return "±0"
    return ("+" if diff > 0 else "") + tal(diff, decimaler)


def datum(d: dt.date | None) -> str:
    """ISO date as Swedes write it: ``2019-09-15``."""
    return d.isoformat() if d else ""


# Times are stored in UTC (naive) and read in Swedish local time.
TIDSZON = ZoneInfo("Europe/Stockholm")


def lokal_tid(t: dt.datetime | None) -> dt.datetime | None:
    """A stored time (UTC; naive means UTC) as Swedish local time (Europe/Stockholm)."""
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return None
    if hasattr(t, "to_pydatetime"):
        t = t.to_pydatetime()
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(TIDSZON)


def tid(t: dt.datetime | None, *, sekunder: bool = False) -> str:
    """A stored time (UTC) as Swedes read it, in Swedish local time: ``2026-03-29 14:05``
    (summer and winter time as the day had it); missing -> ""."""
    lokal = lokal_tid(t)
    if lokal is None:
        return ""
    return lokal.strftime("%Y-%m-%d %H:%M:%S" if sekunder else "%Y-%m-%d %H:%M")


def klockslag(t: dt.datetime | None) -> str:
    """The time of day in Swedish local time, ``14:05``, for a sentence ("låst till 14:05")."""
    lokal = lokal_tid(t)
    return lokal.strftime("%H:%M") if lokal is not None else ""


def filstorlek(antal_byte: int) -> str:
    """A file size in Swedish: ``812 byte``, ``261 kB``, ``1,2 MB`` (1 kB = 1 000 byte)."""
    if antal_byte < 1000:
        return f"{tal(antal_byte)} byte"
    if antal_byte < 1_000_000:
        return f"{tal(antal_byte / 1000)} kB"
    return f"{tal(antal_byte / 1_000_000, 1)} MB"


MANADER = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip


def manad_ar(d: dt.date) -> str:
    """``september 2019``."""
    return f"{MANADER[d.month - 1]} {d.year}"


def antal_personer(n, *, skyddad: bool = False) -> str:
    """``286 personer``, ``1 person``, or "ett dolt antal personer" when hidden."""
    if skyddad:
        return "ett dolt antal personer"
    if _saknas(n):
        return "–"
    return f"{tal(n)} {'person' if n == 1 else 'personer'}"


def _decimaler_for(varde) -> int:
    """0 decimals for a whole number, 1 otherwise (a median of months can end in ,5)."""
    return 0 if _saknas(varde) or float(varde) == round(float(varde)) else 1


def matt(varde, typ: str, *, skyddad: bool = False) -> str:
    """A key figure as read on screen, by its type.

    ``typ`` is ``"antal"`` (``286``), ``"andel"`` (a share 0–1: ``52 %``) or ``"manader"``
    (``23 mån``, ``23,5 mån``). A hidden figure of any type reads "dolt"; a
    missing one (undefined, e.g. no closures to take a share of) reads "–".
    """
    if skyddad:
        return dolt()
    if _saknas(varde):
        return "–"
    if typ == "andel":
        return procent(varde)
    if typ == "manader":
        return f"{tal(varde, _decimaler_for(varde))} mån"
    return tal(varde, _decimaler_for(varde))


def matt_forandring(diff, typ: str) -> str:
    """The change of a key figure since the previous round, by its type.

    Shares change in percentage points (``+3 procentenheter``), counts as signed numbers
    (``+12``, ``−3``, ``±0``), months as ``+2 mån``. Missing -> "" (nothing to show).
    """
    if _saknas(diff):
        return ""
    if typ == "andel":
        return procentenheter(diff)
    if typ == "manader":
        return f"{forandring(diff, _decimaler_for(diff))} mån"
    return forandring(diff, _decimaler_for(diff))
