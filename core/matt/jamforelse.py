"""One unit against the rest of the process: a variable's distribution in two groups.

Definitions:

- The *unit group* is the persons of the round (narrowed by the filter) who belong to the
  unit in the round (``core.omfang.hor_till_enhet``); the *rest* is every other person of the
  same filtered round. The two groups split the filtered round, so their sizes add up to it.
  The filter's own unit conditions are replaced by this split.
- ``n`` of a code in a group is the number of persons in the group with that code (for a
  multi-valued variable a person counts under every code they have; ``saknas`` holds the
  persons with no code); ``andel`` is ``n`` divided by the group's size.

Disclosure control: the comparison is a cross-tab of the variable against the two groups,
whose row margins are the variable's distribution in the whole filtered round (shown on the
same page), whose column margins are the two group sizes and whose total is the filtered
round. So it goes through :func:`core.skydd.skydda_korstabell`, which keeps "all minus the
unit" from giving a hidden count back. A group of 1–4 persons shows nothing but its size as
"dolt".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine

from core import koder
from core.matt.profil import ALLA, OmgangInfo, ProfilFel, Urval, hamta_omgang, kodlista, kontrollera_enhet, rakna
from core.omfang import Omfang

# Variables that can be compared: those that can be cross-tabulated (the derived ``alder``
# repeats ``aldersgrupp`` and would give hidden band counts back through its unions).
JAMFORBARA: tuple[str, ...] = tuple(v for v in koder.VARIABLER if v != "alder")

ENHET = "enhet"
RESTEN = "resten"


@dataclass
class Jamforelse:
    """A unit against the rest of the process, after disclosure control.

    Attributes
    ----------
    fordelning : long frame, one row per group and code: ``grupp`` (``enhet`` or ``resten``),
        ``kod``, ``etikett``, ``n`` (Int64, <NA> where suppressed), ``andel`` (float 0–1 of the
        group, NaN where suppressed), ``skyddad`` (bool). Codes in code-list order, then
        ``saknas``; the unit's rows first.
    storlek : one row per group: ``grupp``, ``n`` (Int64, <NA> where suppressed), ``skyddad``.
    """

    omgang: OmgangInfo
    enhet: str
    variabel: str
    urval: Urval
    fordelning: pd.DataFrame
    storlek: pd.DataFrame
    skyddad: bool
    vagrad: str | None = None  # why a suppressed scope may not see the comparison


def enhet_mot_resten(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    enhet: str,
    variabel: str,
    urval: Urval = ALLA,
    *,
    export: bool = False,
) -> Jamforelse:
    """The distribution of ``variabel`` in ``enhet`` and in the rest of the filtered round.

    Parameters
    ----------
    omfang : suppression on screen for politiker/medarbetare; in exports (``export=True``)
        unless processledning/admin chose otherwise (``omfang.med_skydd(False)``).
    omgang_id : the round.
    enhet : the unit code.
    variabel : one of :data:`JAMFORBARA`.
    urval : the filter; its ``enhet``/``ej_enhet`` are replaced by the split.

    Returns
    -------
    :class:`Jamforelse`

    Raises
    ------
    ProfilFel
        Unknown round, unit or variable.
    """
    if variabel not in JAMFORBARA:
        raise ProfilFel(f"Variabeln {variabel!r} kan inte jämföras.")
    omgang = hamta_omgang(engine, omgang_id)
    kontrollera_enhet(engine, enhet)
    bas = replace(urval, enhet=(), ej_enhet=())
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    if skyddad:
        return _skyddad_jamforelse(engine, omgang, enhet, variabel, bas)
    n_enhet, r_enhet = rakna(engine, omgang, replace(bas, enhet=(enhet,)), [variabel])
    n_resten, r_resten = rakna(engine, omgang, replace(bas, ej_enhet=(enhet,)), [variabel])
    kodord = {**kodlista(engine, variabel), koder.SAKNAS: koder.SAKNAS_ETIKETT}
    kodordning = list(r_enhet[variabel])

    n = pd.DataFrame(
        {ENHET: [r_enhet[variabel][k] for k in kodordning], RESTEN: [r_resten[variabel][k] for k in kodordning]},
        index=kodordning,
        dtype="int64",
    )
    storlek = pd.Series({ENHET: n_enhet, RESTEN: n_resten}, dtype="int64")
    dolda = pd.DataFrame(False, index=n.index, columns=n.columns)
    dolda_grupper = pd.Series(False, index=storlek.index)

    rader = []
    for g in (ENHET, RESTEN):
        for k in kodordning:
            dold = bool(dolda.loc[k, g])
            antal = int(n.loc[k, g])
            rader.append(
                {
                    "grupp": g,
                    "kod": k,
                    "etikett": kodord.get(k, k),
                    "n": None if dold else antal,
                    "andel": None if dold or dolda_grupper[g] or not storlek[g] else antal / storlek[g],
                    "skyddad": dold,
                }
            )
    fordelning = pd.DataFrame(rader, columns=["grupp", "kod", "etikett", "n", "andel", "skyddad"])
    fordelning["n"] = fordelning["n"].astype("Int64")
    fordelning["andel"] = fordelning["andel"].astype(float)
    storlek_df = pd.DataFrame(
        {
            "grupp": [ENHET, RESTEN],
            "n": pd.array([None if dolda_grupper[g] else int(storlek[g]) for g in (ENHET, RESTEN)], dtype="Int64"),
            "skyddad": [bool(dolda_grupper[g]) for g in (ENHET, RESTEN)],
        }
    )
    return Jamforelse(
        omgang=omgang,
        enhet=enhet,
        variabel=variabel,
        urval=bas,
        fordelning=fordelning,
        storlek=storlek_df,
        skyddad=skyddad,
    )


# Why a suppressed scope sees no comparison, side by side (the page puts the unit's name first).
FOR_LITEN_REST = (
    "Resten av processen (alla i urvalet utom enhetens personer) är för liten för att visas: nästan alla i "
    "urvalet hör till enheten, så enhetens siffror skulle avslöja de få andra. Välj en annan enhet."
)
FOR_LITEN_ENHET = (
    "Enheten har för få personer i urvalet för att jämföras med resten utan att enskilda personer kan "
    "räknas fram. Välj en annan enhet eller vidga urvalet."
)


def _skyddad_jamforelse(engine: Engine, omgang: OmgangInfo, enhet: str, variabel: str, bas: Urval) -> Jamforelse:
    """The comparison as a suppressed scope sees it: the unit, the rest and the whole are one
    additive set of the round's release (``F(Δ ∪ {enhet:KOD})``), read through
    :mod:`core.utsnitt`. When either side may not be shown (rule 7), neither is."""
    from core import frislapp, utsnitt
    from core.matt.profil import frislapp_for, visningskoder
    from core.population import ENHET_PREFIX, I_ENHETEN, UTANFOR

    fr = frislapp_for(engine, omgang.omgang_id)
    kodord = visningskoder(engine, variabel)
    dim = ENHET_PREFIX + enhet
    vagrad = None
    try:
        g0 = utsnitt.grupp_for_urval(fr.pop, bas)
        if len(g0.dims) + 1 > frislapp.MAX_DIMENSIONER:
            raise frislapp.FrislappFel(
                "Av röjandeskäl kan en enhet bara jämföras med resten när urvalet har högst ett villkor."
            )
        grupper = {ENHET: g0.med(dim, (I_ENHETEN,)), RESTEN: g0.med(dim, (UTANFOR,))}
        vagrad = frislapp.vagran(fr, g0)
        if vagrad is None and frislapp.vagran(fr, grupper[RESTEN]):
            vagrad = FOR_LITEN_REST
        elif vagrad is None and frislapp.vagran(fr, grupper[ENHET]):
            vagrad = FOR_LITEN_ENHET
    except frislapp.FrislappFel as e:
        vagrad = str(e)
    rader = []
    storlekar = {}
    for g in (ENHET, RESTEN):
        if vagrad:
            n, varden = None, [None] * len(kodord)
        else:
            n = utsnitt.gruppstorlek(fr, grupper[g])
            varden = utsnitt.antal(fr, grupper[g], [utsnitt.Fraga(variabel, k) for k in kodord])
        storlekar[g] = n
        for (k, e), v in zip(kodord.items(), varden, strict=True):
            rader.append(
                {
                    "grupp": g,
                    "kod": k,
                    "etikett": e,
                    "n": v,
                    "andel": None if v is None or not n else v / n,
                    "skyddad": v is None,
                }
            )
    fordelning = pd.DataFrame(rader, columns=["grupp", "kod", "etikett", "n", "andel", "skyddad"])
    fordelning["n"] = fordelning["n"].astype("Int64")
    fordelning["andel"] = fordelning["andel"].astype(float)
    storlek_df = pd.DataFrame(
        {
            "grupp": [ENHET, RESTEN],
            "n": pd.array([storlekar[ENHET], storlekar[RESTEN]], dtype="Int64"),
            "skyddad": [storlekar[ENHET] is None, storlekar[RESTEN] is None],
        }
    )
    return Jamforelse(
        omgang=omgang,
        enhet=enhet,
        variabel=variabel,
        urval=bas,
        fordelning=fordelning,
        storlek=storlek_df,
        skyddad=True,
        vagrad=vagrad,
    )
