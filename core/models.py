"""SQLAlchemy 2.0 typed models of the data contract (``../shared/spec/datamodell.md``).

Multi-valued variables (``arbetshinder``, ``pagaende_studier``, ``andra_ersattningar``,
``pagaende_insats``) are stored one row per code in ``matning_val`` so that SQL can count
them. Users, login tracking, the audit log and settings (data version, demo mode) live here
too, so several app instances share them through the database.

Three tables are *derived* (``core.harledning`` computes them from the data tables and keeps
them consistent after every write): ``matning_harledd`` (each matning row's sex, birth region,
age band and time on assistance in its round), ``tillhorighet`` (the units each person of a
round belongs to) and ``omgang_harledd`` (each round's size). They are never imported or
exported.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(32)
KOD = String(40)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Enhet(Base):
    """An organisational unit, internal or external; renameable configuration."""

    __tablename__ = "enhet"
    enhet: Mapped[str] = mapped_column(KOD, primary_key=True)
    namn: Mapped[str] = mapped_column(String(200))
    typ: Mapped[str] = mapped_column(String(10))
    __table_args__ = (CheckConstraint("typ in ('process', 'kommun', 'extern')", name="typ"),)


class Person(Base):
    """A pseudonymous individual. Age is derived per round from ``fodelsear``."""

    __tablename__ = "person"
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kon: Mapped[str | None] = mapped_column(String(1))
    fodelsear: Mapped[int | None] = mapped_column(Integer)
    fodelseregion: Mapped[str | None] = mapped_column(KOD)
    hushall_id: Mapped[str | None] = mapped_column(ID, index=True)


# The importer's near-duplicate check (an id that differs from a stored one only in case or by
# leading zeros) looks stored ids up by this normalised form.
PERSON_NORMALISERAD = Index("ix_person_normaliserad", func.lower(func.ltrim(Person.__table__.c.person_id, "0")))


class Matomgang(Base):
    """A measurement round: one day of data entry."""

    __tablename__ = "matomgang"
    omgang_id: Mapped[str] = mapped_column(ID, primary_key=True)
    datum: Mapped[dt.date] = mapped_column(Date)
    benamning: Mapped[str | None] = mapped_column(String(200))


class Matning(Base):
    """One person's answers in one round (single-valued columns; multi-valued in MatningVal)."""

    __tablename__ = "matning"
    omgang_id: Mapped[str] = mapped_column(ID, ForeignKey("matomgang.omgang_id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, ForeignKey("person.person_id"), primary_key=True)
    enhet: Mapped[str] = mapped_column(KOD, ForeignKey("enhet.enhet"), index=True)
    handlaggare: Mapped[str | None] = mapped_column(ID)
    inskrivningsdatum: Mapped[dt.date | None] = mapped_column(Date)
    hushallstyp: Mapped[str | None] = mapped_column(KOD)
    hemmavarande_barn: Mapped[str | None] = mapped_column(KOD)
    boende: Mapped[str | None] = mapped_column(KOD)
    hyra_over_skalig: Mapped[str | None] = mapped_column(KOD)
    utbildning: Mapped[str | None] = mapped_column(KOD)
    arbetshistorik: Mapped[str | None] = mapped_column(KOD)
    pagaende_arbete: Mapped[str | None] = mapped_column(KOD)
    af_inskriven: Mapped[str | None] = mapped_column(KOD)
    a_kassa: Mapped[str | None] = mapped_column(KOD)
    halsa: Mapped[str | None] = mapped_column(KOD)
    sjukintyg: Mapped[str | None] = mapped_column(KOD)
    sjukersattning_avslag: Mapped[str | None] = mapped_column(KOD)
    missbruk: Mapped[str | None] = mapped_column(KOD)
    huvudsaklig_forsorjning: Mapped[str | None] = mapped_column(KOD)
    handlingsplan: Mapped[str | None] = mapped_column(KOD)
    sip: Mapped[str | None] = mapped_column(KOD)
    forandringspotential: Mapped[str | None] = mapped_column(KOD)
    bistandsbelopp_kr: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (Index("ix_matning_person", "person_id"),)


class MatningVal(Base):
    """One code of a multi-valued variable of one matning row (a blank cell has no rows)."""

    __tablename__ = "matning_val"
    omgang_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    variabel: Mapped[str] = mapped_column(KOD, primary_key=True)
    kod: Mapped[str] = mapped_column(KOD, primary_key=True)
    __table_args__ = (
        ForeignKeyConstraint(
            ["omgang_id", "person_id"],
            ["matning.omgang_id", "matning.person_id"],
            ondelete="CASCADE",
            name="fk_matning_val_matning",
        ),
        Index("ix_matning_val_variabel", "omgang_id", "variabel", "kod"),
        # On SQLite the rows live in their primary key's B-tree: one B-tree less to write.
        {"sqlite_with_rowid": False},
    )


class MatningHarledd(Base):
    """Derived: what the pages filter and count by, per matning row (``core.harledning``).

    ``kon`` and ``fodelseregion`` are the person's (NULL when blank); ``aldersgrupp`` the band
    code of ``koder.ALDERSGRUPP_GRANSER`` for the age in the round (round year − ``fodelsear``;
    NULL when the birth year is unknown or the age in no band); ``inskrivningstid_man`` the
    completed months from ``inskrivningsdatum`` to the round's date (``db.hela_manader``; NULL
    when the date is blank) and ``inskrivningstid`` its band of
    ``koder.INSKRIVNINGSTID_GRANSER`` (NULL when unknown or in no band).
    """

    __tablename__ = "matning_harledd"
    omgang_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kon: Mapped[str | None] = mapped_column(String(1))
    fodelseregion: Mapped[str | None] = mapped_column(KOD)
    aldersgrupp: Mapped[str | None] = mapped_column(String(8))
    inskrivningstid: Mapped[str | None] = mapped_column(String(8))
    inskrivningstid_man: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        ForeignKeyConstraint(
            ["omgang_id", "person_id"],
            ["matning.omgang_id", "matning.person_id"],
            ondelete="CASCADE",
            name="fk_matning_harledd_matning",
        ),
        Index("ix_matning_harledd_kon", "omgang_id", "kon"),
        {"sqlite_with_rowid": False},
    )


class Tillhorighet(Base):
    """Derived: a unit that a person of a round belongs to in that round (``core.harledning``).

    Exactly the definition of ``core.omfang.hor_till_enhet``: the round's ``matning.enhet``, or
    the referring or delivering unit of an ``insats`` of the person with ``remissdatum`` on or
    before the round's date that is open or ended within the 12 months before it. Only
    persons with a matning row in the round have rows here.
    """

    __tablename__ = "tillhorighet"
    omgang_id: Mapped[str] = mapped_column(ID)
    person_id: Mapped[str] = mapped_column(ID)
    enhet: Mapped[str] = mapped_column(KOD)
    __table_args__ = (
        PrimaryKeyConstraint("omgang_id", "enhet", "person_id", name="pk_tillhorighet"),
        ForeignKeyConstraint(
            ["omgang_id", "person_id"],
            ["matning.omgang_id", "matning.person_id"],
            ondelete="CASCADE",
            name="fk_tillhorighet_matning",
        ),
        Index("ix_tillhorighet_person", "omgang_id", "person_id"),
        {"sqlite_with_rowid": False},
    )


class OmgangHarledd(Base):
    """Derived, one row per round (``core.harledning``): ``personer`` = its matning rows."""

    __tablename__ = "omgang_harledd"
    omgang_id: Mapped[str] = mapped_column(ID, ForeignKey("matomgang.omgang_id", ondelete="CASCADE"), primary_key=True)
    personer: Mapped[int] = mapped_column(Integer)


class Insats(Base):
    """One intervention episode: who referred, who delivers, which SKR type, when, how it ended."""

    __tablename__ = "insats"
    insats_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, ForeignKey("person.person_id"), index=True)
    insatstyp: Mapped[int] = mapped_column(Integer)
    fran_enhet: Mapped[str] = mapped_column(KOD, ForeignKey("enhet.enhet"))
    till_enhet: Mapped[str] = mapped_column(KOD, ForeignKey("enhet.enhet"))
    remissdatum: Mapped[dt.date] = mapped_column(Date)
    startdatum: Mapped[dt.date | None] = mapped_column(Date)
    slutdatum: Mapped[dt.date | None] = mapped_column(Date)
    avslutsorsak: Mapped[str | None] = mapped_column(KOD)
    __table_args__ = (CheckConstraint("insatstyp between 1 and 12", name="insatstyp"),)


class Avslut(Base):
    """One closure of a person's social assistance, with its reason."""

    __tablename__ = "avslut"
    person_id: Mapped[str] = mapped_column(ID, ForeignKey("person.person_id"), primary_key=True)
    datum: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    orsak: Mapped[str | None] = mapped_column(KOD)


class Utbetalning(Base):
    """Social assistance paid to a household in one calendar month (``manad`` is ``YYYY-MM``)."""

    __tablename__ = "utbetalning"
    hushall_id: Mapped[str] = mapped_column(ID, primary_key=True)
    manad: Mapped[str] = mapped_column(String(7), primary_key=True)
    belopp_kr: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint("belopp_kr >= 0", name="belopp"),
        Index("ix_utbetalning_manad", "manad"),
    )


class Anvandare(Base):
    """A user of the app. Only a bcrypt hash of the password is stored."""

    __tablename__ = "anvandare"
    anvandarnamn: Mapped[str] = mapped_column(String(64), primary_key=True)
    namn: Mapped[str] = mapped_column(String(200))
    roll: Mapped[str] = mapped_column(String(20))
    enhet: Mapped[str | None] = mapped_column(KOD, ForeignKey("enhet.enhet"))
    losenord_hash: Mapped[str] = mapped_column(String(100))
    aktiv: Mapped[bool] = mapped_column(Boolean, default=True)
    skapad: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint("roll in ('politiker', 'medarbetare', 'processledning', 'admin')", name="roll"),)


class Inloggningsspar(Base):
    """Failed-login counter per entered user name (known or not), for the lockout.

    The key is the SHA-256 of the normalised name, so a password typed into the user-name
    field is never stored, and unknown names are counted exactly like known ones.
    """

    __tablename__ = "inloggningsspar"
    nyckel: Mapped[str] = mapped_column(String(64), primary_key=True)
    misslyckade: Mapped[int] = mapped_column(Integer, default=0)
    senaste: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_till: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Aktivitet(Base):
    """When each user last did something in the app: 60 idle minutes log the user out, also
    when they come back with a still valid login cookie in a new browser session."""

    __tablename__ = "aktivitet"
    anvandarnamn: Mapped[str] = mapped_column(String(64), primary_key=True)
    senast: Mapped[dt.datetime] = mapped_column(DateTime)


class Granskningslogg(Base):
    """Audit log: who did what and when; never row contents."""

    __tablename__ = "granskningslogg"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tid: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    anvandare: Mapped[str | None] = mapped_column(String(64))
    handelse: Mapped[str] = mapped_column(String(40))
    lyckad: Mapped[bool] = mapped_column(Boolean, default=True)
    detalj: Mapped[str | None] = mapped_column(Text)


class Installning(Base):
    """Key/value settings shared by all app instances (``dataversion``, ``demolage``)."""

    __tablename__ = "installning"
    nyckel: Mapped[str] = mapped_column(String(40), primary_key=True)
    varde: Mapped[str] = mapped_column(Text)


# The derived tables, in the order they are filled (core.harledning).
HARLEDDA_TABELLER = (OmgangHarledd, MatningHarledd, Tillhorighet)

# Tables of the data contract, in load order, mapped to the exchange-format entity names.
DATATABELLER = {
    "enhet": Enhet,
    "person": Person,
    "matomgang": Matomgang,
    "matning": Matning,
    "insats": Insats,
    "avslut": Avslut,
    "utbetalning": Utbetalning,
}
