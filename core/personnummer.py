"""Identity numbers (personnummer, samordningsnummer): found in any disguise, always masked.

No identity number may enter the system (datamodell.md, "Identity numbers"). Texts are
normalised before they are checked (:func:`normalisera`): Unicode NFKC (full-width digits
become digits), every dash and minus sign becomes ``-``, invisible characters (zero-width
spaces, soft hyphens, byte-order marks and the other format characters) are removed. Then

- :func:`ar_personnummer` — the whole value, with ``-``, ``+`` and spaces removed, is 10 or 12
  digits (the rule for id columns);
- :func:`innehaller_personnummer` — an identity number anywhere inside the text (6 or 8
  digits, perhaps a dash, plus or space, then 4 digits: ``P19850707-9876``, "Mätning för
  19850707-9876"): the rule for every text column, ids, codes, round ids and names alike;
- :func:`maskera` — every identity number of a text shown as ``19850707-****``.
"""

from __future__ import annotations

import re
import sys
import unicodedata

_KOMPAKT = re.compile(r"\d{10}|\d{12}")
# 6 or 8 digits, perhaps a separator (a dash or plus, spaces around it allowed, or one
# space), 4 digits; not part of a longer run of digits.
_I_TEXT = re.compile(r"(?<!\d)(\d{6}|\d{8})(\s*[-+]\s*|\s?)(\d{4})(?!\d)")
_AVSKILJARE = re.compile(r"[-+\s]")


def _oversattning() -> dict[int, str | None]:
    """Every dash (Unicode Pd) and the minus sign to ``-``; every format character (Cf,
    e.g. U+200B zero-width space, U+00AD soft hyphen, U+FEFF) removed."""
    tabell: dict[int, str | None] = {0x2212: "-", 0xFE63: "-", 0xFF0D: "-"}
    for kod in [*range(0x80, 0x10000), *range(0xE0000, 0xE0080), *range(0x1D173, 0x1D17B)]:
        kategori = unicodedata.category(chr(kod))
        if kategori == "Pd":
            tabell[kod] = "-"
        elif kategori == "Cf":
            tabell[kod] = None
    return tabell


_TABELL = _oversattning()
assert sys.maxunicode >= 0xE007F


def normalisera(text: str) -> str:
    """``text`` in NFKC with every dash as ``-`` and invisible characters removed (ASCII
    text is returned as it is)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_TABELL)


def _kompakt(text: str) -> str:
    return _AVSKILJARE.sub("", text)


def ar_personnummer(text: str) -> bool:
    """True when ``text``, normalised and with ``-``, ``+`` and spaces removed, is 10 or 12
    digits."""
    return _KOMPAKT.fullmatch(_kompakt(normalisera(text))) is not None


def innehaller_personnummer(text: str) -> bool:
    """True when ``text`` holds an identity number anywhere (after normalising)."""
    return _I_TEXT.search(normalisera(text)) is not None


def maskera(text: str) -> str:
    """``text`` with every identity number masked: the date part kept, the last four starred.

    A 12-digit ``ÅÅÅÅMMDDNNNN`` or ``ÅÅÅÅMMDD-NNNN`` gives ``ÅÅÅÅMMDD-****``; a 10-digit
    ``ÅÅMMDD+NNNN`` gives ``ÅÅMMDD+****`` (the ``+`` of a centenarian is kept). A text that
    holds a disguised one (an en dash, a zero-width space, full-width digits) is shown
    normalised, so the disguise cannot carry the digits past the mask.
    """
    n = normalisera(text)
    siffror = _kompakt(n)
    if _KOMPAKT.fullmatch(siffror):
        return f"{siffror[:-4]}{'+' if '+' in n else '-'}****"
    if not _I_TEXT.search(n):
        return text
    return _I_TEXT.sub(lambda m: f"{m.group(1)}{'+' if '+' in m.group(2) else '-'}****", n)
