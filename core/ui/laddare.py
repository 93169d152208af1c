"""Cached loaders: every query result keyed by database URL, scope, filter and data version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import config
from core.matt import datakvalitet as datakvalitet_matt
from core.matt import jamforelse as jamforelse_matt
from core.matt import korstabell as korstabell_matt
from core.matt import oversikt as oversikt_matt
from core.matt import profil as profil_matt
from core.matt.profil import ALLA, Urval
from core.omfang import Omfang
from core.ui.motor import TTL_DATA, _engine, dataversion


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=500)
def _oversikt(url: str, omfang: Omfang, omgang_id: str | None, export: bool, version: str):
    return oversikt_matt.oversikt(_engine(url), omfang, omgang_id, export=export)


def las_oversikt(omfang: Omfang, omgang_id: str | None = None, *, export: bool = False):
    """Översikt for the scope and round (None: the latest), cached per data version.

    Returns
    -------
    core.matt.oversikt.Oversikt
    """
    if omgang_id is not None and omgang_id not in set(las_omgangar(omfang)["omgang_id"]):
        omgang_id = None  # a round chosen before it was removed or replaced: show the latest
    return _oversikt(config.databas_url(), omfang, omgang_id, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=100)
def _omgangar(url: str, omfang: Omfang, export: bool, version: str) -> pd.DataFrame:
    return oversikt_matt.omgangar(_engine(url), omfang, export=export)


def las_omgangar(omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """The rounds with their sizes, newest first (columns ``omgang_id``, ``datum``,
    ``benamning``, ``personer``, ``personer_skyddad``)."""
    return _omgangar(config.databas_url(), omfang, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=500)
def _profil(url: str, omfang: Omfang, omgang_id: str, urval: Urval, variabler: tuple, export: bool, version: str):
    return profil_matt.profil(_engine(url), omfang, omgang_id, urval, list(variabler), export=export)


def las_profil(
    omfang: Omfang, omgang_id: str, urval: Urval = ALLA, variabler: tuple[str, ...] = ("kon",), *, export: bool = False
):
    """The profile of the filtered round for the scope (only the variables asked for),
    cached per data version.

    Returns
    -------
    core.matt.profil.Profil
    """
    return _profil(config.databas_url(), omfang, omgang_id, urval, tuple(variabler), export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=300)
def _jamforelse(
    url: str, omfang: Omfang, omgang_id: str, enhet: str, variabel: str, urval: Urval, export: bool, version: str
):
    return jamforelse_matt.enhet_mot_resten(_engine(url), omfang, omgang_id, enhet, variabel, urval, export=export)


def las_jamforelse(omfang: Omfang, omgang_id: str, enhet: str, variabel: str, urval: Urval, *, export: bool = False):
    """One unit against the rest of the filtered round, cached per data version.

    Returns
    -------
    core.matt.jamforelse.Jamforelse
    """
    return _jamforelse(config.databas_url(), omfang, omgang_id, enhet, variabel, urval, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=300)
def _korstabell(
    url: str, omfang: Omfang, omgang_id: str, rad: str, kolumn: str, urval: Urval, export: bool, version: str
):
    return korstabell_matt.korstabell(_engine(url), omfang, omgang_id, rad, kolumn, urval, export=export)


def las_korstabell(omfang: Omfang, omgang_id: str, rad: str, kolumn: str, urval: Urval, *, export: bool = False):
    """The cross-tab of two variables in the filtered round, cached per data version.

    Returns
    -------
    core.matt.korstabell.Korstabell
    """
    return _korstabell(config.databas_url(), omfang, omgang_id, rad, kolumn, urval, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=50)
def _datakvalitet(url: str, omfang: Omfang, omgang_id: str, export: bool, version: str) -> pd.DataFrame:
    if export:
        return datakvalitet_matt.datakvalitet_export(_engine(url), omfang, omgang_id)
    return datakvalitet_matt.datakvalitet(_engine(url), omfang, omgang_id)


def las_datakvalitet(omfang: Omfang, omgang_id: str, *, export: bool = False) -> pd.DataFrame:
    """Unknown and missing answers per variable and unit of a round (admin, processledning).

    Returns
    -------
    DataFrame
        See :func:`core.matt.datakvalitet.datakvalitet` (``export=True``:
        :func:`~core.matt.datakvalitet.datakvalitet_export`).
    """
    return _datakvalitet(config.databas_url(), omfang, omgang_id, export, dataversion())
