"""Users, passwords and the login's credentials, all from the database.

Users live in the table ``anvandare`` (bcrypt hashes only), so several app instances share
them and a deactivated user drops out of the next credentials the app builds. The login
widget (streamlit-authenticator, in ``app.py``) gets a plain dict built here; the user's
role and unit are read from the database again for every scope, never trusted from the
session alone.

Demo users exist only in demo mode: :func:`skapa_demoanvandare` refuses a database that
``python -m core demo`` did not load, and writes the generated passwords to a file readable
by its owner only (``data/demo-anvandare.txt``, ignored by git) so that a later ``make run``
can print them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TextIO

import bcrypt
import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import make_url

from core import audit, config, db, koder, uppskjutet
from core.models import Aktivitet, Anvandare, Enhet, Inloggningsspar
from core.omfang import ROLLER, BehorighetsFel, Omfang

MIN_LANGD = 12
# bcrypt uses at most 72 bytes of a password; bcrypt 5 refuses longer ones.
MAX_BYTES = 72

# The authenticator lower-cases and strips the entered user name, so stored names are
# lower-case too; letters, digits and . _ - only.
_ANVANDARNAMN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# Letters and digits that cannot be mistaken for each other when read aloud or copied
# from a terminal (no 0/O, 1/l/I).
_ALFABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

DEMOANVANDARE: dict[str, tuple[str, str]] = {
    # roll -> (anvandarnamn, namn)
    "politiker": ("politiker", "Demo Politiker"),
    "medarbetare": ("medarbetare", "Demo Medarbetare"),
    "processledning": ("processledning", "Demo Processledning"),
    "admin": ("admin", "Demo Administratör"),
}
# The demo's medarbetare works at the first of these units that exists.
DEMO_ENHETER = ("eai", "eb")


# --- passwords ------------------------------------------------------------------------------


def kontrollera_losenordsregler(losenord: str) -> None:
    """Raise ``ValueError`` (Swedish message) when ``losenord`` breaks the password rules.

    At least 12 characters (produkt.md), at most 72 bytes (what bcrypt uses), no leading
    or trailing whitespace (the login form strips it, so such a password could never be
    entered).
    """
    if not isinstance(losenord, str):
        raise ValueError("Lösenordet måste vara en text.")
    if len(losenord) < MIN_LANGD:
        raise ValueError(f"Lösenordet måste ha minst {MIN_LANGD} tecken.")
    if len(losenord.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"Lösenordet får vara högst {MAX_BYTES} byte långt (ungefär {MAX_BYTES} tecken).")
    if losenord != losenord.strip():
        raise ValueError("Lösenordet får inte börja eller sluta med mellanslag.")


def hash_losenord(losenord: str) -> str:
    """The bcrypt hash of ``losenord``.

    Parameters
    ----------
    losenord : the plain password; at least 12 characters.

    Returns
    -------
    str
        A ``$2b$`` bcrypt hash (60 characters).

    Raises
    ------
    ValueError
        With a Swedish message when the password breaks the rules
        (:func:`kontrollera_losenordsregler`).
    """
    kontrollera_losenordsregler(losenord)
    return bcrypt.hashpw(losenord.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def kontrollera_losenord(losenord: str, losenord_hash: str) -> bool:
    """True when ``losenord`` matches ``losenord_hash``; False for anything malformed."""
    try:
        return bcrypt.checkpw(losenord.encode("utf-8"), losenord_hash.encode("ascii"))
    except (ValueError, TypeError, AttributeError):
        return False


def slumpa_losenord(langd: int = 16) -> str:
    """A random password from :mod:`secrets`, in groups of four for reading aloud
    (``abcd-efgh-jkmn-pqrs`` for the default 16 characters, 19 with the dashes)."""
    tecken = "".join(secrets.choice(_ALFABET) for _ in range(max(langd, MIN_LANGD)))
    return "-".join(tecken[i : i + 4] for i in range(0, len(tecken), 4))


# --- users ----------------------------------------------------------------------------------


def normalisera_anvandarnamn(anvandarnamn: str) -> str:
    """The stored form of a user name (stripped, lower-case); ``ValueError`` if not allowed."""
    namn = (anvandarnamn or "").strip().lower()
    if not _ANVANDARNAMN.match(namn):
        raise ValueError(
            "Användarnamnet ska vara 2–64 tecken: små bokstäver a–z, siffror, punkt, understreck "
            "eller bindestreck, och börja med en bokstav eller siffra."
        )
    return namn


def _kontrollera_roll_enhet(engine: Engine, roll: str, enhet: str | None) -> None:
    if roll not in ROLLER:
        raise ValueError(f"Okänd roll: {roll}. Tillåtna roller: {', '.join(ROLLER)}.")
    if roll == "medarbetare":
        if not enhet:
            raise ValueError("En medarbetare måste höra till en enhet.")
        with engine.connect() as conn:
            finns = conn.execute(select(Enhet.enhet).where(Enhet.enhet == enhet)).first()
        if finns is None:
            raise ValueError(f"Enheten {enhet} finns inte.")
    elif enhet:
        raise ValueError(f"Rollen {koder.ROLLER[roll].lower()} har ingen enhet; ange enhet bara för medarbetare.")


def skapa_anvandare(
    engine: Engine,
    anvandarnamn: str,
    namn: str,
    roll: str,
    enhet: str | None,
    losenord: str,
) -> str:
    """Add a user (active, with a bcrypt hash of ``losenord``).

    Parameters
    ----------
    engine : the database.
    anvandarnamn : login name; stored stripped and lower-case (the login form lower-cases).
    namn : the name shown in the app.
    roll : ``politiker``, ``medarbetare``, ``processledning`` or ``admin``.
    enhet : the unit code of a ``medarbetare`` (must exist); None for every other role.
    losenord : at least 12 characters.

    Returns
    -------
    str
        The stored user name.

    Raises
    ------
    ValueError
        With a Swedish message: a bad user name, role, unit or password, or a user name
        that is taken.
    """
    anvandarnamn = normalisera_anvandarnamn(anvandarnamn)
    namn = (namn or "").strip()
    if not namn:
        raise ValueError("Ange användarens namn.")
    _kontrollera_roll_enhet(engine, roll, enhet)
    losenord_hash = hash_losenord(losenord)
    with engine.begin() as conn:
        if conn.execute(select(Anvandare.anvandarnamn).where(Anvandare.anvandarnamn == anvandarnamn)).first():
            raise ValueError(f"Användarnamnet {anvandarnamn} är upptaget.")
        conn.execute(
            Anvandare.__table__.insert().values(
                anvandarnamn=anvandarnamn,
                namn=namn,
                roll=roll,
                enhet=enhet or None,
                losenord_hash=losenord_hash,
                aktiv=True,
                skapad=_nu(),
            )
        )
    return anvandarnamn


def credentials(engine: Engine) -> dict:
    """The credentials dict streamlit-authenticator takes, built from the active users.

    Returns
    -------
    dict
        ``{"usernames": {anvandarnamn: {"name": namn, "password": bcrypt-hash,
        "roles": [roll], "email": None, "failed_login_attempts": 0, "logged_in": False}}}``.
        Inactive users are left out, so they cannot log in and a cookie of theirs is refused.
        A fresh dict on every call (the authenticator changes the one it is given).
    """
    with engine.connect() as conn:
        rader = conn.execute(
            select(Anvandare.anvandarnamn, Anvandare.namn, Anvandare.roll, Anvandare.losenord_hash)
            .where(Anvandare.aktiv.is_(True))
            .order_by(Anvandare.anvandarnamn)
        ).all()
    return {
        "usernames": {
            r.anvandarnamn: {
                "name": r.namn,
                "password": r.losenord_hash,
                "roles": [r.roll],
                "email": None,
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for r in rader
        }
    }


def omfang_for(engine: Engine, anvandarnamn: str) -> Omfang:
    """The scope of an active user, read from the database.

    Raises
    ------
    BehorighetsFel
        When there is no active user by that name (unknown or deactivated).
    """
    with engine.connect() as conn:
        rad = conn.execute(
            select(Anvandare.roll, Anvandare.enhet).where(
                Anvandare.anvandarnamn == (anvandarnamn or "").strip().lower(),
                Anvandare.aktiv.is_(True),
            )
        ).first()
    if rad is None:
        raise BehorighetsFel("Användaren finns inte eller är inte aktiv.")
    return Omfang(rad.roll, rad.enhet if rad.roll == "medarbetare" else None)


# --- demo users -----------------------------------------------------------------------------


def demo_fil() -> Path:
    """Where the demo users' passwords are kept (``VAGEN_DEMO_ANVANDARE`` or
    ``data/demo-anvandare.txt``)."""
    return Path(os.environ.get("VAGEN_DEMO_ANVANDARE") or config.DATA_DIR / "demo-anvandare.txt")


def _databas_etikett(url=None) -> str:
    """A database URL without its password (default: the configured one); ties the password
    file to the database whose users it lists."""
    return make_url(url or config.databas_url()).render_as_string(hide_password=True)


def skapa_demoanvandare(engine: Engine, fil: Path | None = None) -> dict[str, tuple[str, str]]:
    """Create (or renew) one demo user per role with a fresh random password.

    The ``medarbetare`` belongs to unit ``eai`` (or ``eb`` if ``eai`` is missing). The
    passwords are written to :func:`demo_fil` (mode 600) with the database they belong to.

    Parameters
    ----------
    engine : a database loaded by ``python -m core demo`` (demo mode).
    fil : where to write the passwords; default :func:`demo_fil`.

    Returns
    -------
    dict
        ``roll -> (anvandarnamn, losenord)`` in the order of ``ROLLER``.

    Raises
    ------
    BehorighetsFel
        When the database is not in demo mode (demo users exist only there).
    """
    if not db.ar_demolage(engine):
        raise BehorighetsFel("Demoanvändare skapas bara i en databas med demodata.")
    with engine.connect() as conn:
        enheter = set(conn.execute(select(Enhet.enhet)).scalars())
    enhet = next((e for e in DEMO_ENHETER if e in enheter), None)
    if enhet is None:
        raise ValueError("Demodatabasen saknar enheterna eai och eb.")
    resultat: dict[str, tuple[str, str]] = {}
    rader = []
    for roll in ROLLER:
        anvandarnamn, namn = DEMOANVANDARE[roll]
        losenord = slumpa_losenord()
        resultat[roll] = (anvandarnamn, losenord)
        rader.append(
            {
                "anvandarnamn": anvandarnamn,
                "namn": namn,
                "roll": roll,
                "enhet": enhet if roll == "medarbetare" else None,
                "losenord_hash": hash_losenord(losenord),
                "aktiv": True,
                "skapad": _nu(),
            }
        )
    with engine.begin() as conn:
        db.upsert(conn, Anvandare.__table__, rader, ["anvandarnamn"])
    _skriv_fil(fil or demo_fil(), resultat, _databas_etikett(engine.url))
    return resultat


def _skriv_fil(fil: Path, losenord: dict[str, tuple[str, str]], databas: str) -> None:
    fil = Path(fil)
    fil.parent.mkdir(parents=True, exist_ok=True)
    rader = [
        "# Vägen: demoanvändare (fiktiva). Filen skapas av `python -m core demo`; dela den inte.",
        f"databas\t{databas}",
    ]
    rader += [f"{roll}\t{anv}\t{pw}" for roll, (anv, pw) in losenord.items()]
    # Created with mode 600 from the start, so the passwords are never readable by others.
    fd = os.open(fil, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(rader) + "\n")
    os.chmod(fil, 0o600)


def las_demoanvandare(fil: Path | None = None) -> dict[str, tuple[str, str]]:
    """The demo users and passwords from :func:`demo_fil`; empty when there is no file or
    it belongs to another database than the configured one."""
    fil = Path(fil or demo_fil())
    if not fil.is_file():
        return {}
    resultat: dict[str, tuple[str, str]] = {}
    databas = None
    for rad in fil.read_text(encoding="utf-8").splitlines():
        if not rad or rad.startswith("#"):
            continue
        delar = rad.split("\t")
        if delar[0] == "databas" and len(delar) == 2:
            databas = delar[1]
        elif len(delar) == 3 and delar[0] in ROLLER:
            resultat[delar[0]] = (delar[1], delar[2])
    if databas != _databas_etikett():
        return {}
    return {roll: resultat[roll] for roll in ROLLER if roll in resultat}


def skriv_demoanvandare(
    ut: TextIO,
    losenord: dict[str, tuple[str, str]] | None = None,
    fil: Path | None = None,
) -> None:
    """Print the demo users and their passwords as a table.

    Parameters
    ----------
    ut : where to print (``sys.stdout`` in the CLI).
    losenord : ``roll -> (anvandarnamn, losenord)`` as :func:`skapa_demoanvandare` returns;
        None reads :func:`demo_fil` (or ``fil``) and prints nothing when there is no such
        file for the configured database.
    fil : the password file to read when ``losenord`` is None.
    """
    if losenord is None:
        losenord = las_demoanvandare(fil)
    if not losenord:
        return
    rubrik = ("Roll", "Användarnamn", "Lösenord")
    rader = [(koder.ROLLER[roll], anv, pw) for roll, (anv, pw) in losenord.items()]
    bredd = [max(len(r[i]) for r in [rubrik, *rader]) for i in range(3)]

    def rad(celler) -> str:
        return "  ".join(c.ljust(b) for c, b in zip(celler, bredd, strict=True)).rstrip()

    ut.write("\nDemoanvändare (fiktiva data, bara i demoläge):\n")
    ut.write(rad(rubrik) + "\n")
    ut.write(rad(["-" * b for b in bredd]) + "\n")
    for r in rader:
        ut.write(rad(r) + "\n")
    ut.write(f"Lösenorden finns också i {fil or demo_fil()} (bara läsbar för dig).\n")


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- login with lockout (our layer around streamlit-authenticator) --------------------------

# produkt.md: 5 failed attempts lock the user for 15 minutes; 60 idle minutes log out.
MAX_FORSOK = 5
LAS_MINUTER = 15
INAKTIV_MINUTER = 60
# The login cookie lasts 8 hours (produkt.md).
COOKIE_TIMMAR = 8
# A cookie key shorter than this is refused outside demo mode.
MIN_NYCKEL_LANGD = 32


@dataclass(frozen=True)
class Inloggningsutfall:
    """The outcome of one login attempt.

    ``ok`` — user name and password matched an active user and the name was not locked.
    ``last`` — the name is locked (until ``last_till``); the password was not even checked.
    ``upptagen`` — the attempt could not be counted (the database was busy); refused
    without checking the password.
    The same outcome is given for unknown and known names, so the answer never reveals
    which names exist.
    """

    ok: bool
    last: bool = False
    last_till: dt.datetime | None = None
    upptagen: bool = False


# When the counter cannot be written (an import holds the database), the login fails closed.
FEL_UPPTAGEN = "Inloggningen kan inte registreras just nu – försök igen om en minut."
# How long a login waits for the counter's lock (seconds); the password check runs inside.
INLOGGNING_VANTAN = 1.0


def _nyckel(anvandarnamn: str) -> str:
    namn = (anvandarnamn or "").strip().lower()
    return hashlib.sha256(namn.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _atrapp_hash() -> bytes:
    """A hash to check unknown names against, so they take as long as known ones."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt())


def logga_in(engine: Engine, anvandarnamn: str, losenord: str, *, nu: dt.datetime | None = None) -> Inloggningsutfall:
    """Check one login attempt, count it, lock after repeated failures, and audit it.

    Parameters
    ----------
    anvandarnamn, losenord : what was typed (the name is compared stripped, lower-case).
    nu : the time (tests); default now (UTC).

    Returns
    -------
    :class:`Inloggningsutfall`

    Notes
    -----
    Failed attempts are counted per entered name in the database (``inloggningsspar``,
    keyed by a hash of the name), unknown names included, so every app instance shares the
    count. The fifth failure in a row locks the name for 15 minutes; while locked, no
    password is checked and the attempt is refused (and logged). A success resets the
    count. Every attempt is written to the audit log: known names by name, unknown ones as
    such, never what was typed as a password.

    The attempt waits at most :data:`INLOGGNING_VANTAN` seconds for the counter's lock. When
    it cannot have it (a long import holds SQLite's write lock, or another transaction the
    counter's row), the attempt fails closed: refused without checking the password
    (``upptagen``; the page says :data:`FEL_UPPTAGEN`), and its audit entry waits in memory
    until the database is free (:mod:`core.uppskjutet`).
    """
    nu = nu or _nu()
    namn = (anvandarnamn or "").strip().lower()
    try:
        return _logga_in(engine, namn, losenord, nu)
    except db.Upptagen:
        with engine.connect() as conn:  # a read: never waits on a writer
            kand = conn.execute(
                select(Anvandare.anvandarnamn).where(Anvandare.anvandarnamn == namn, Anvandare.aktiv.is_(True))
            ).first()
        detalj = {"orsak": "upptagen"} if kand else {"okant_anvandarnamn": True, "orsak": "upptagen"}
        audit.logga(engine, namn if kand else None, "inloggning_misslyckad", lyckad=False, detalj=detalj)
        return Inloggningsutfall(False, upptagen=True)


def _logga_in(engine: Engine, namn: str, losenord: str, nu: dt.datetime) -> Inloggningsutfall:
    nyckel = _nyckel(namn)
    with db.kort_skrivning(engine, INLOGGNING_VANTAN) as conn:
        db.upsert(conn, Inloggningsspar.__table__, [{"nyckel": nyckel, "misslyckade": 0}], ["nyckel"], ersatt=False)
        spar = conn.execute(
            select(Inloggningsspar.misslyckade, Inloggningsspar.last_till)
            .where(Inloggningsspar.nyckel == nyckel)
            .with_for_update()
        ).one()
        anv = conn.execute(
            select(Anvandare.losenord_hash).where(Anvandare.anvandarnamn == namn, Anvandare.aktiv.is_(True))
        ).first()
        vem = namn if anv is not None else None
        detalj = None if anv is not None else {"okant_anvandarnamn": True}
        if spar.last_till is not None and spar.last_till > nu:
            audit.logga(conn, vem, "inloggning_misslyckad", lyckad=False, detalj={**(detalj or {}), "orsak": "last"})
            return Inloggningsutfall(False, True, spar.last_till)
        if anv is not None:
            ok = kontrollera_losenord(losenord or "", anv.losenord_hash)
        else:
            bcrypt.checkpw((losenord or "x").encode("utf-8")[:MAX_BYTES], _atrapp_hash())
            ok = False
        if ok:
            conn.execute(
                update(Inloggningsspar)
                .where(Inloggningsspar.nyckel == nyckel)
                .values(misslyckade=0, last_till=None, senaste=nu)
            )
            db.upsert(conn, Aktivitet.__table__, [{"anvandarnamn": namn, "senast": nu}], ["anvandarnamn"])
            audit.logga(conn, namn, "inloggning")
            return Inloggningsutfall(True)
        misslyckade = spar.misslyckade + 1
        last_till = nu + dt.timedelta(minutes=LAS_MINUTER) if misslyckade >= MAX_FORSOK else None
        conn.execute(
            update(Inloggningsspar)
            .where(Inloggningsspar.nyckel == nyckel)
            # After a lock the count starts again: the next five failures lock again.
            .values(misslyckade=0 if last_till else misslyckade, last_till=last_till, senaste=nu)
        )
        audit.logga(
            conn,
            vem,
            "inloggning_misslyckad",
            lyckad=False,
            detalj={**(detalj or {}), "orsak": "fel_losenord", **({"last_minuter": LAS_MINUTER} if last_till else {})},
        )
        return Inloggningsutfall(False, last_till is not None, last_till)


def last_till(engine: Engine, anvandarnamn: str, *, nu: dt.datetime | None = None) -> dt.datetime | None:
    """Until when ``anvandarnamn`` is locked, or None when it is not locked."""
    nu = nu or _nu()
    with engine.connect() as conn:
        t = conn.execute(
            select(Inloggningsspar.last_till).where(Inloggningsspar.nyckel == _nyckel(anvandarnamn))
        ).scalar_one_or_none()
    return t if t is not None and t > nu else None


# --- idle sessions ----------------------------------------------------------------------------


def registrera_aktivitet(engine: Engine, anvandarnamn: str, *, nu: dt.datetime | None = None) -> bool:
    """Note that the user did something now (shared by every app instance).

    Waits at most a moment for the lock; while an import holds the database the time is kept
    in memory and written later (:mod:`core.uppskjutet`), and :func:`senast_aktiv` still
    sees it. Returns True when stored now, False when it waits.
    """
    return uppskjutet.registrera_aktivitet(engine, anvandarnamn, nu or _nu())


def senast_aktiv(engine: Engine, anvandarnamn: str) -> dt.datetime | None:
    """When the user last did something in any session, or None (the stored time, or a
    newer one of this process that waits to be written)."""
    with engine.connect() as conn:
        lagrad = conn.execute(
            select(Aktivitet.senast).where(Aktivitet.anvandarnamn == anvandarnamn)
        ).scalar_one_or_none()
    vantande = uppskjutet.vantande_aktivitet(engine, anvandarnamn)
    return max((t for t in (lagrad, vantande) if t is not None), default=None)


def ar_inaktiv(senast: dt.datetime | None, *, nu: dt.datetime | None = None) -> bool:
    """True when 60 minutes or more have passed since ``senast`` (or it is unknown)."""
    if senast is None:
        return True
    return (nu or _nu()) - senast >= dt.timedelta(minutes=INAKTIV_MINUTER)


# --- the cookie key -------------------------------------------------------------------------


def cookie_nyckel_fel(nyckel: str, demolage: bool) -> str | None:
    """Why the app must not start with this cookie key, or None when it may.

    Outside demo mode the example key of ``secrets.example.toml`` (anyone can read it and
    forge a login cookie) and keys shorter than 32 characters are refused. In demo mode
    (fictitious data only) the example key is accepted.
    """
    if demolage:
        return None
    if nyckel == config.EXEMPEL_COOKIE_NYCKEL:
        return (
            "Appen startar inte: inloggningskakans nyckel är exempelnyckeln. Sätt en egen lång, "
            "slumpad nyckel i .streamlit/secrets.toml ([auth] cookie_key) eller i VAGEN_COOKIE_KEY."
        )
    if len(nyckel) < MIN_NYCKEL_LANGD:
        return f"Appen startar inte: inloggningskakans nyckel måste ha minst {MIN_NYCKEL_LANGD} tecken."
    return None


# --- user administration (admin only, audited) --------------------------------------------


def _kraver_admin(omfang: Omfang) -> None:
    if omfang.roll != "admin":
        raise BehorighetsFel("Bara administratörer får hantera användare.")


def lista_anvandare(engine: Engine, omfang: Omfang, *, nu: dt.datetime | None = None) -> pd.DataFrame:
    """Every user for the administration page (admin only); never a password hash.

    Returns
    -------
    Frame with ``anvandarnamn, namn, roll, enhet, aktiv, skapad, last_till`` (None when the
    user is not locked), sorted by user name.
    """
    _kraver_admin(omfang)
    nu = nu or _nu()
    with engine.connect() as conn:
        rader = conn.execute(
            select(
                Anvandare.anvandarnamn,
                Anvandare.namn,
                Anvandare.roll,
                Anvandare.enhet,
                Anvandare.aktiv,
                Anvandare.skapad,
            ).order_by(Anvandare.anvandarnamn)
        ).all()
        lasta = dict(
            conn.execute(
                select(Inloggningsspar.nyckel, Inloggningsspar.last_till).where(Inloggningsspar.last_till > nu)
            ).all()
        )
    df = pd.DataFrame(rader, columns=["anvandarnamn", "namn", "roll", "enhet", "aktiv", "skapad"])
    df["last_till"] = [lasta.get(_nyckel(n)) for n in df["anvandarnamn"]]
    return df


def skapa_anvandare_som_admin(
    engine: Engine,
    omfang: Omfang,
    utforare: str | None,
    anvandarnamn: str,
    namn: str,
    roll: str,
    enhet: str | None,
    losenord: str,
) -> str:
    """:func:`skapa_anvandare` for the administration page: admin only, audited."""
    _kraver_admin(omfang)
    skapad = skapa_anvandare(engine, anvandarnamn, namn, roll, enhet, losenord)
    audit.logga(
        engine, utforare, "anvandare", detalj={"atgard": "skapad", "anvandare": skapad, "roll": roll, "enhet": enhet}
    )
    return skapad


def andra_anvandare(
    engine: Engine,
    omfang: Omfang,
    utforare: str | None,
    anvandarnamn: str,
    *,
    namn: str | None = None,
    roll: str | None = None,
    enhet: str | None = None,
    aktiv: bool | None = None,
) -> None:
    """Change a user's name, role and unit, or (de)activate them (admin only, audited).

    ``roll`` and ``enhet`` are checked together (a medarbetare needs a unit, others none).
    An admin cannot deactivate or demote themself, so the last way in is never lost by
    mistake.
    """
    _kraver_admin(omfang)
    with engine.connect() as conn:
        rad = conn.execute(
            select(Anvandare.roll, Anvandare.enhet).where(Anvandare.anvandarnamn == anvandarnamn)
        ).first()
    if rad is None:
        raise ValueError(f"Användaren {anvandarnamn} finns inte.")
    ny_roll = roll if roll is not None else rad.roll
    ny_enhet = (enhet or None) if roll is not None or enhet is not None else rad.enhet
    if ny_roll != "medarbetare":
        ny_enhet = None
    _kontrollera_roll_enhet(engine, ny_roll, ny_enhet)
    if anvandarnamn == utforare and (aktiv is False or ny_roll != "admin"):
        raise ValueError("Du kan inte inaktivera eller byta roll på dig själv.")
    varden: dict = {"roll": ny_roll, "enhet": ny_enhet}
    if namn is not None:
        if not namn.strip():
            raise ValueError("Ange användarens namn.")
        varden["namn"] = namn.strip()
    if aktiv is not None:
        varden["aktiv"] = aktiv
    with engine.begin() as conn:
        conn.execute(update(Anvandare).where(Anvandare.anvandarnamn == anvandarnamn).values(**varden))
        audit.logga(conn, utforare, "anvandare", detalj={"atgard": "andrad", "anvandare": anvandarnamn, **varden})


def aterstall_losenord(
    engine: Engine, omfang: Omfang, utforare: str | None, anvandarnamn: str, nytt: str | None = None
) -> str:
    """Give a user a new password (admin only, audited) and lift a lock; returns it.

    ``nytt`` None generates a random one (:func:`slumpa_losenord`) to hand over; only its
    bcrypt hash is stored.
    """
    _kraver_admin(omfang)
    losenord = nytt or slumpa_losenord()
    losenord_hash = hash_losenord(losenord)
    with engine.begin() as conn:
        n = conn.execute(
            update(Anvandare).where(Anvandare.anvandarnamn == anvandarnamn).values(losenord_hash=losenord_hash)
        ).rowcount
        if n == 0:
            raise ValueError(f"Användaren {anvandarnamn} finns inte.")
        _hav_las(conn, anvandarnamn)
        audit.logga(conn, utforare, "anvandare", detalj={"atgard": "nytt_losenord", "anvandare": anvandarnamn})
    return losenord


def _hav_las(conn, anvandarnamn: str) -> None:
    """Reset the failed-login count of ``anvandarnamn`` and lift its lock."""
    conn.execute(
        update(Inloggningsspar)
        .where(Inloggningsspar.nyckel == _nyckel(anvandarnamn))
        .values(misslyckade=0, last_till=None)
    )


def las_upp(engine: Engine, omfang: Omfang, utforare: str | None, anvandarnamn: str) -> None:
    """Lift a user's lock before the 15 minutes have passed (admin only, audited)."""
    _kraver_admin(omfang)
    with engine.begin() as conn:
        _hav_las(conn, anvandarnamn)
        audit.logga(conn, utforare, "anvandare", detalj={"atgard": "upplast", "anvandare": anvandarnamn})
