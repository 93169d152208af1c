"""Managing the stored data: deleting a measurement round (processledning and admin).

An import merges by key (``datamodell.md``): a corrected file replaces the rows it holds, and a
row removed from the file stays stored. To replace a round completely, delete it here and
import the corrected file again.

Deleting a round removes its ``matomgang`` row, every ``matning`` of it and their
multi-valued codes (``matning_val``), and the rows of the round in the derived tables
(:data:`HARLEDDA_TABELLER`, where they exist). Persons, interventions, closures and payments
are not part of a round and stay. Before anything is deleted a safety copy of the whole
database is kept (``core.backup.skyddskopia``, under ``data/backup/``); the deletion takes the
import write lock, changes the data version and is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, column, delete, func, inspect, select, table

from core import audit, backup, db, text
from core.models import Matning, MatningVal, Matomgang
from core.omfang import BehorighetsFel, Omfang

# Tables derived from matning, keyed by omgang_id (the importer fills them); a round's rows
# there are deleted explicitly, whether or not the database cascades.
HARLEDDA_TABELLER = ("matning_harledd", "tillhorighet", "omgang_harledd")


class ForvaltningsFel(ValueError):
    """A deletion that cannot be done; Swedish message, nothing changed."""


def _kontrollera(omfang: Omfang) -> None:
    if omfang.roll not in ("processledning", "admin"):
        raise BehorighetsFel("Bara processledningen och administratörer får ta bort en mätomgång.")


@dataclass(frozen=True)
class Omgangsinnehall:
    """What deleting a round removes: its measurements and their multi-valued codes."""

    omgang_id: str
    datum: dt.date
    benamning: str | None
    matningar: int
    flervalssvar: int

    def etikett(self) -> str:
        """``2019-09 (2019-09-15)``, or with the round's name."""
        namn = f"{self.omgang_id}, {self.benamning}" if self.benamning else self.omgang_id
        return f"{namn} ({text.datum(self.datum)})"


@dataclass(frozen=True)
class Radering:
    """A deleted round: what went, and where the safety copy is."""

    omgang_id: str
    matningar: int
    flervalssvar: int
    sakerhetskopia: Path

    def text(self) -> str:
        return (
            f"Mätomgång {self.omgang_id} är borttagen: {text.tal(self.matningar)} mätningar. "
            f"Säkerhetskopia av databasen före borttagningen: {self.sakerhetskopia}"
        )


def omgangens_innehall(engine: Engine, omfang: Omfang, omgang_id: str) -> Omgangsinnehall:
    """What deleting ``omgang_id`` would remove (for the confirmation step).

    Raises
    ------
    BehorighetsFel
        For roles other than processledning and admin.
    ForvaltningsFel
        When there is no such round.
    """
    _kontrollera(omfang)
    with engine.connect() as conn:
        omg = conn.execute(select(Matomgang.datum, Matomgang.benamning).where(Matomgang.omgang_id == omgang_id)).first()
        if omg is None:
            raise ForvaltningsFel(f"Mätomgången {omgang_id} finns inte.")
        n = conn.execute(select(func.count()).select_from(Matning).where(Matning.omgang_id == omgang_id)).scalar_one()
        v = conn.execute(
            select(func.count()).select_from(MatningVal).where(MatningVal.omgang_id == omgang_id)
        ).scalar_one()
    return Omgangsinnehall(omgang_id, omg.datum, omg.benamning, n, v)


def radera_omgang(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    anvandare: str | None,
    *,
    matningar: int | None = None,
) -> Radering:
    """Delete a round and everything measured in it, after a safety copy of the database.

    Parameters
    ----------
    engine : the database.
    omfang : the caller's scope (processledning or admin).
    omgang_id : the round to delete.
    anvandare : who deletes it (the audit log).
    matningar : the number of measurements the user confirmed; when given and the round has
        another number by the time it is deleted (an import came in between), nothing is
        deleted.

    Returns
    -------
    Radering

    Raises
    ------
    BehorighetsFel
        For roles other than processledning and admin.
    ForvaltningsFel
        No such round, an import in progress, a changed round, or a safety copy that could
        not be written (a full disk says so); nothing is deleted.
    """
    _kontrollera(omfang)
    if db.import_pagar(engine):
        raise ForvaltningsFel("En import pågår. Försök igen när den är klar; ingenting har tagits bort.")
    innehall = omgangens_innehall(engine, omfang, omgang_id)
    url = engine.url.render_as_string(hide_password=False)
    try:
        kopia = backup.skyddskopia(url, "fore-radering-" + re.sub(r"[^\w.-]", "_", omgang_id))
    except backup.BackupFel as e:
        raise ForvaltningsFel(f"{e} Mätomgången har inte tagits bort.") from None
    with engine.connect() as conn, conn.begin():
        db.ta_importlas(conn)
        n = conn.execute(select(func.count()).select_from(Matning).where(Matning.omgang_id == omgang_id)).scalar_one()
        if matningar is not None and n != matningar:
            raise ForvaltningsFel(
                f"Mätomgången {omgang_id} har nu {text.tal(n)} mätningar, inte {text.tal(matningar)} som du "
                "bekräftade. Ingenting har tagits bort; titta på den igen."
            )
        finns = set(inspect(conn).get_table_names())
        harledda = 0
        for namn in HARLEDDA_TABELLER:
            if namn in finns:
                t = table(namn, column("omgang_id"))
                harledda += conn.execute(delete(t).where(t.c.omgang_id == omgang_id)).rowcount
        v = conn.execute(delete(MatningVal).where(MatningVal.omgang_id == omgang_id)).rowcount
        m = conn.execute(delete(Matning).where(Matning.omgang_id == omgang_id)).rowcount
        conn.execute(delete(Matomgang).where(Matomgang.omgang_id == omgang_id))
        db.byt_dataversion(conn)
        audit.logga(
            conn,
            anvandare,
            "radering",
            detalj={
                "omgang": omgang_id,
                "matningar": m,
                "flervalssvar": v,
                "harledda_rader": harledda,
                "sakerhetskopia": kopia.name,
            },
        )
    return Radering(innehall.omgang_id, m, v, kopia)
