"""The engine, the data version and the small cached lookups every page needs (units, demo mode)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, select

from core import config, db, koder
from core.models import Enhet

# Cache lifetimes in seconds. Query results are also keyed by the data version, so the
# ttl only bounds memory; users and roles are re-read often so that a deactivated user or
# a changed role takes effect within half a minute.
TTL_DATA = 15 * 60


TTL_ANVANDARE = 30


DEMO_TEXT = "Demodata – fiktiv kommun"


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    eng = db.get_engine(url)
    db.skapa_schema(eng)  # idempotent: a fresh database gets its tables and default units
    return eng


def engine() -> Engine:
    """The engine of the configured database (one per URL, shared by all sessions)."""
    return _engine(config.databas_url())


def dataversion() -> str:
    """The current data version, read on every run: another app instance may have imported."""
    return db.dataversion(engine())


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _demolage(url: str, version: str) -> bool:
    return db.ar_demolage(_engine(url))


def ar_demolage() -> bool:
    """True when the database holds the fictitious demo municipality."""
    return _demolage(config.databas_url(), dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _enhetsnamn(url: str, version: str) -> dict[str, str]:
    with _engine(url).connect() as conn:
        return dict(conn.execute(select(Enhet.enhet, Enhet.namn)).all())


def enhetsnamn(enhet: str | None) -> str:
    """The name of a unit as stored (units are renameable), or the code if unknown."""
    if not enhet:
        return ""
    return _enhetsnamn(config.databas_url(), dataversion()).get(enhet, enhet)


def rensa_cacher() -> None:
    """Forget every cached result (after an import: its data version changed anyway, this
    frees the memory of the old results at once)."""
    st.cache_data.clear()
    st.cache_resource.clear()


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _enheter(url: str, version: str) -> dict[str, str]:
    with _engine(url).connect() as conn:
        rader = conn.execute(select(Enhet.enhet, Enhet.namn, Enhet.typ)).all()
    typer = list(koder.ENHETSTYP)
    rader = sorted(rader, key=lambda r: (typer.index(r.typ) if r.typ in typer else len(typer), r.namn))
    return {r.enhet: r.namn for r in rader}


def enheter_i_ordning() -> dict[str, str]:
    """Every unit, code -> name: the process units first, each kind by name."""
    return _enheter(config.databas_url(), dataversion())


def kort_enhetsnamn(namn: str) -> str:
    """A unit's name without its parenthesis (``Ekonomiskt bistånd``), for column heads."""
    return namn.split(" (")[0]


def _tal_eller_none(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return float(v)


def _som_datum(d):
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, str):
        return dt.date.fromisoformat(d[:10])
    return d


def enheter() -> dict[str, str]:
    """Unit code -> name, for choosing a medarbetare's unit."""
    return dict(sorted(_enhetsnamn(config.databas_url(), dataversion()).items(), key=lambda kv: kv[1]))
