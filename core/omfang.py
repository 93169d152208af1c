"""The caller's scope: role, unit, and what it may see (produkt.md, "Roles and what each may see").

Every data function in ``core`` takes an :class:`Omfang` and returns only what it allows;
pages pass the logged-in user's scope and the CLI runs as ``ADMIN``. The scope is frozen and
hashable, so it is part of every cache key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.sql.expression import ColumnElement

from core.models import Tillhorighet

ROLLER = ("politiker", "medarbetare", "processledning", "admin")

# Pages per role, in navigation order (page key -> who may open it). A page that is not
# built yet is simply not listed here; the navigation registers only listed pages.
SIDOR_PER_ROLL: dict[str, tuple[str, ...]] = {
    "politiker": ("oversikt", "sammanfattning", "malgrupp"),
    "medarbetare": ("oversikt", "malgrupp"),
    "processledning": ("oversikt", "sammanfattning", "malgrupp", "mote", "data", "granskning"),
    "admin": ("oversikt", "sammanfattning", "malgrupp", "mote", "data", "granskning", "admin"),
}
# issue 14: Insatsflöden for every role (after Målgrupp in the navigation)
for _roll in SIDOR_PER_ROLL:
    _s = SIDOR_PER_ROLL[_roll]
    SIDOR_PER_ROLL[_roll] = (*_s[: _s.index("malgrupp") + 1], "floden", *_s[_s.index("malgrupp") + 1 :])

# --- issue 16: Prioritering and Min enhet (Min enhet is a medarbetare's first page) ----------
SIDOR_PER_ROLL["medarbetare"] = ("min_enhet", *SIDOR_PER_ROLL["medarbetare"], "prioritering")
SIDOR_PER_ROLL["processledning"] = (*SIDOR_PER_ROLL["processledning"], "prioritering", "min_enhet")
SIDOR_PER_ROLL["admin"] = (*SIDOR_PER_ROLL["admin"], "prioritering", "min_enhet")
# --- Jämställdhet (issue 13): every role, right after Målgrupp ---
for _roll, _sidor in SIDOR_PER_ROLL.items():
    _i = _sidor.index("malgrupp") + 1
    SIDOR_PER_ROLL[_roll] = (*_sidor[:_i], "jamstalldhet", *_sidor[_i:])
# --- Trender (issue 15): every role ---
for _roll in ("politiker", "medarbetare", "processledning", "admin"):
    _sidor = list(SIDOR_PER_ROLL[_roll])
    _sidor.insert(_sidor.index("malgrupp") + 1, "trender")
    SIDOR_PER_ROLL[_roll] = tuple(_sidor)


class BehorighetsFel(PermissionError):
    """Raised when a scope asks for something its role may not see."""


@dataclass(frozen=True)
class Omfang:
    """Who is asking.

    Attributes
    ----------
    roll : one of ``politiker``, ``medarbetare``, ``processledning``, ``admin``.
    enhet : the unit code of a ``medarbetare``; None for the other roles.
    skydd_av : for ``processledning``/``admin`` exports only: the user chose unsuppressed
        output (the file then says so). Ignored for the other roles.
    """

    roll: str
    enhet: str | None = None
    skydd_av: bool = False

    def __post_init__(self):
        if self.roll not in ROLLER:
            raise BehorighetsFel(f"Okänd roll: {self.roll}")
        if self.roll == "medarbetare" and not self.enhet:
            raise BehorighetsFel("En medarbetare måste höra till en enhet.")

    # --- what the role may see -------------------------------------------------------------

    @property
    def skyddad_skarm(self) -> bool:
        """Aggregates on screen are suppressed (politiker, medarbetare)."""
        return self.roll in ("politiker", "medarbetare")

    @property
    def skyddad_export(self) -> bool:
        """Exports and reports are suppressed unless processledning/admin chose otherwise."""
        if self.roll in ("politiker", "medarbetare"):
            return True
        return not self.skydd_av

    @property
    def ser_personer(self) -> bool:
        """May receive person-level rows at all (never politiker)."""
        return self.roll != "politiker"

    @property
    def ser_alla_personer(self) -> bool:
        """May receive person-level rows of every unit."""
        return self.roll in ("processledning", "admin")

    def far_se_sida(self, sida: str) -> bool:
        return sida in SIDOR_PER_ROLL[self.roll]

    def kontrollera_sida(self, sida: str) -> None:
        if not self.far_se_sida(sida):
            raise BehorighetsFel("Din roll har inte behörighet till den här sidan.")

    def med_skydd(self, pa: bool) -> Omfang:
        """The same scope for an export with suppression on or off (off only where allowed)."""
        if not pa and self.roll not in ("processledning", "admin"):
            raise BehorighetsFel("Din roll får bara hämta skyddade uttag.")
        return Omfang(self.roll, self.enhet, skydd_av=not pa)


ADMIN = Omfang("admin")


def hor_till_enhet(enhet: str, omgang_id: str, datum: dt.date, person_id_kol) -> ColumnElement[bool]:
    """SQL condition: the person in ``person_id_kol`` belongs to ``enhet`` in the round.

    A person of the round belongs to a unit when the round's ``matning.enhet`` is that unit,
    or when the person has an intervention episode delivered or referred by that unit, with
    ``remissdatum`` on or before the round's date, that is open or ended within the 12 months
    before the round's date (produkt.md). The memberships are computed at import into
    ``tillhorighet`` (``core.harledning``), so this is one primary-key lookup; ``datum`` (the
    round's date) is part of the definition and kept for the callers.
    """
    return (
        select(Tillhorighet.person_id)
        .where(
            Tillhorighet.omgang_id == omgang_id,
            Tillhorighet.enhet == enhet,
            Tillhorighet.person_id == person_id_kol,
        )
        .exists()
    )
