"""Configuration: database URL, thresholds and paths.

Order of precedence for every setting: the environment, then ``.streamlit/secrets.toml``,
then the default. Secrets never live in the repository; ``.streamlit/secrets.example.toml``
shows their shape.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
DATA_DIR = ROT / "data"
DEMO_DIR = DATA_DIR / "demo"
STANDARD_DATABAS = DATA_DIR / "vagen.db"

# Primary suppression threshold: counts 1..(SKYDD_TROSKEL-1) are suppressed (produkt.md, rule 6).
STANDARD_SKYDD_TROSKEL = 5
MIN_SKYDD_TROSKEL = 3

# The example cookie key from secrets.example.toml; outside demo mode the app refuses it.
EXEMPEL_COOKIE_NYCKEL = "byt-ut-mig-mot-en-lang-slumpad-nyckel"


def secrets_fil() -> Path:
    return Path(os.environ.get("VAGEN_SECRETS", ROT / ".streamlit" / "secrets.toml"))


@lru_cache(maxsize=4)
def _las_secrets(sokvag: str, mtime: float) -> dict:
    with open(sokvag, "rb") as f:
        return tomllib.load(f)


def secrets() -> dict:
    """The parsed secrets file, or an empty dict when there is none."""
    p = secrets_fil()
    if not p.is_file():
        return {}
    return _las_secrets(str(p), p.stat().st_mtime)


def databas_url() -> str:
    """Database URL: ``VAGEN_DATABASE_URL``, else secrets ``[connections.vagen] url``, else
    the SQLite file ``data/vagen.db``."""
    url = os.environ.get("VAGEN_DATABASE_URL")
    if url:
        return url
    url = secrets().get("connections", {}).get("vagen", {}).get("url")
    if url:
        return url
    return f"sqlite:///{STANDARD_DATABAS}"


class KonfigFel(ValueError):
    """A setting that the app and the CLI refuse to start with (Swedish message)."""


def skydd_troskel() -> int:
    """Counts below this (and above 0) are suppressed; 5 unless configured.

    Raises
    ------
    KonfigFel
        When the configured value is not an integer of at least 3 (rule 6): a threshold of 1
        or 2 would turn protection off, so the app and the CLI stop with this message.
    """
    v = os.environ.get("VAGEN_SKYDD_TROSKEL")
    if v is None or v == "":
        v = secrets().get("vagen", {}).get("skydd_troskel")
    if v is None or v == "":
        return STANDARD_SKYDD_TROSKEL
    text = str(v).strip()
    if isinstance(v, bool) or not text.isdigit() or int(text) < MIN_SKYDD_TROSKEL:
        raise KonfigFel(
            f"Tröskeln för röjandeskydd (VAGEN_SKYDD_TROSKEL eller [vagen] skydd_troskel) är {text!r}: "
            f"den måste vara ett heltal som är minst {MIN_SKYDD_TROSKEL}. Rätta inställningen och starta om."
        )
    return int(text)


def cookie_nyckel() -> str:
    """Key that signs the login cookie (``VAGEN_COOKIE_KEY`` or secrets ``[auth] cookie_key``)."""
    return os.environ.get("VAGEN_COOKIE_KEY") or secrets().get("auth", {}).get("cookie_key") or EXEMPEL_COOKIE_NYCKEL
