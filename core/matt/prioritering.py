"""The prioritisation tool of seed 000: change potential × benefit level.

"Den första förändringen blev ett prioriteringsverktyg, som utgår från förändringspotential
och nivå på biståndet. De biståndsmottagare som ligger högt på båda dessa faktorer är de som
ska prioriteras."

Definitions
-----------
- **Förändringspotential** is the round's ``matning.forandringspotential`` (``hog``, ``medel``,
  ``lag``, ``okand``; blank = ``saknas``), the case worker's judgement.
- **Nivå på biståndet** (``bistandsniva``) is a band of ``matning.bistandsbelopp_kr`` (the
  assistance paid for the latest month) with two limits ``lag <= hog`` (SEK):
  band ``1`` (låg) is ``belopp < lag``, band ``2`` (medel) ``lag <= belopp < hog``, band ``3``
  (hög) ``belopp >= hog``. An amount exactly on a limit belongs to the higher band. A blank
  amount is its own row, ``saknas``.
- **Default limits: the round's tertiles.** With the round's ``n`` known amounts sorted
  ``x_1 <= … <= x_n``, ``lag = x_(floor(n/3)+1)`` and ``hog = x_(floor(2n/3)+1)`` (1-based),
  each rounded down to whole hundreds of kronor, so that no limit is one person's exact
  amount. The tertiles are always of the *whole round*, so a unit's matrix uses the same
  limits as the process. With fewer than three distinct amounts a band can be empty; when
  every amount is equal everyone is in band 3. No known amount: no limits, everyone ``saknas``.
- **Fixed limits** (``granser=(lag, hog)``, SEK, whole numbers ``0 <= lag <= hog``) may be
  set only for unprotected output (processledning, admin): each choice of limits would be a
  release of its own, and two releases with different limits subtract to the persons between
  them. Protected output always uses the tertiles (one release per round).
- **The priority cell** is high potential and high level (``hog``, ``3``).
- Every person of the round (or of the unit, :func:`core.omfang.hor_till_enhet`) is counted in
  exactly one cell: five potential rows × four level columns.
- **Person lists** (pseudonymous id, case-worker code, completed months on assistance, plan
  yes/no, ongoing intervention): never for politiker; a medarbetare gets only the persons of
  their own unit; every view and download is written to the audit log (``personlista``), with
  the round, the cell and the number of rows, never an id.

Disclosure control
------------------
Counts for a protected scope come from the release of :class:`PrioriteringsPopulation`
(the round's persons with the derived variable ``bistandsniva``): the matrix is the cross-tab
``P(bistandsniva, forandringspotential, Δ)`` with ``Δ`` = ``kon`` (by sex), and ``enhet:KOD``
for a unit. A **medarbetare** knows the persons of their own unit (they may see them in the
lists), so on screen their unit's figures are plain counts and the figures of the whole
process are the unit's count plus the *rest of the process*, read off the release of the
round's persons outside the unit (``utom``): what they can work out about the others is
exactly what that audited release shows, so no small count of the rest follows by subtraction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, or_, select

from core import audit, db, koder
from core.matt.profil import OmgangInfo, ProfilFel, hamta_omgang, kontrollera_enhet
from core.models import Matning, MatningVal, Person
from core.omfang import BehorighetsFel, Omfang, hor_till_enhet
from core.population import SAKNAS, OmgangsPopulation, Varspec

POTENTIAL = "forandringspotential"
NIVA = "bistandsniva"
POTENTIALER: tuple[str, ...] = (*koder.FORANDRINGSPOTENTIAL, SAKNAS)
NIVAER: tuple[str, ...] = ("1", "2", "3", SAKNAS)
NIVA_ETIKETT = {"1": "Låg", "2": "Medel", "3": "Hög", SAKNAS: "Belopp saknas"}
POTENTIAL_ETIKETT = {**koder.FORANDRINGSPOTENTIAL, SAKNAS: koder.SAKNAS_ETIKETT}
PRIORITERAD = ("hog", "3")
AVRUNDNING = 100  # tertile limits are rounded down to whole hundreds of kronor
# The population's variables: the matrix and what Min enhet's key figures need.
VARIABLER = (POTENTIAL, "handlingsplan", "pagaende_insats", "af_inskriven")


class PrioriteringsFel(ValueError):
    """A request the tool cannot answer (bad limits, limits with protection); Swedish message."""


@dataclass(frozen=True)
class Granser:
    """The two band limits in SEK (``lag <= hog``) and where they come from
    (``tertiler`` or ``egna``). ``lag``/``hog`` are None when the round has no known amount."""

    lag: int | None
    hog: int | None
    kalla: str = "tertiler"

    def text(self) -> str:
        """The limits in words, for the page and the files."""
        from core import text

        if self.lag is None:
            return "Inga kända belopp i mätomgången."
        kalla = (
            "omgångens tertiler, avrundade nedåt till hela hundratal" if self.kalla == "tertiler" else "egna gränser"
        )
        return (
            f"Låg: under {text.tal(self.lag)} kr · Medel: {text.tal(self.lag)}–{text.tal(self.hog - 1)} kr"
            f" · Hög: {text.tal(self.hog)} kr eller mer ({kalla})."
            if self.hog > self.lag
            else f"Låg: under {text.tal(self.lag)} kr · Hög: {text.tal(self.hog)} kr eller mer ({kalla})."
        )


# --- banding -------------------------------------------------------------------------------------


def tolka_granser(varde: str | tuple | list | None) -> tuple[int, int] | None:
    """Fixed limits from ``"5000,9000"`` (spaces and thousands spaces allowed) or a pair.

    Raises :class:`PrioriteringsFel` in Swedish for anything but two whole numbers
    ``0 <= lag <= hog``. None or an empty text: no fixed limits.
    """
    if varde is None or (isinstance(varde, str) and not varde.strip()):
        return None
    delar = varde.split(",") if isinstance(varde, str) else list(varde)
    try:
        tal_ = [int(str(d).replace(" ", "").replace("\u00a0", "")) for d in delar]
    except ValueError:
        raise PrioriteringsFel("Beloppsgränserna ska vara två hela kronbelopp, till exempel 5000,9000.") from None
    if len(tal_) != 2:
        raise PrioriteringsFel("Ange exakt två beloppsgränser, till exempel 5000,9000.")
    lag, hog = tal_
    if lag < 0 or hog < 0:
        raise PrioriteringsFel("Beloppsgränserna kan inte vara negativa.")
    if lag > hog:
        raise PrioriteringsFel("Den lägre gränsen ska komma först och får inte vara större än den högre.")
    return lag, hog


def tertiler(belopp: dict[int, int]) -> tuple[int, int] | None:
    """The default limits from the round's amounts ``{belopp: persons}`` (see the module
    docstring): ``x_(floor(n/3)+1)`` and ``x_(floor(2n/3)+1)``, rounded down to hundreds.
    None when no amount is known."""
    n = sum(belopp.values())
    if n == 0:
        return None
    ordnade = sorted(belopp.items())

    def x(rang: int) -> int:  # the amount at 1-based rank
        kum = 0
        for b, antal in ordnade:
            kum += antal
            if kum >= rang:
                return int(b)
        return int(ordnade[-1][0])  # pragma: no cover - rang <= n

    return tuple((x(n * k // 3 + 1) // AVRUNDNING) * AVRUNDNING for k in (1, 2))  # type: ignore[return-value]


def niva(belopp: int | float | None, granser: Granser) -> str:
    """The band code of one amount: ``1``, ``2``, ``3`` or ``saknas`` (blank amount, or no limits)."""
    if belopp is None or (isinstance(belopp, float) and math.isnan(belopp)) or granser.lag is None:
        return SAKNAS
    if belopp >= granser.hog:
        return "3"
    if belopp >= granser.lag:
        return "2"
    return "1"


def niva_uttryck(granser: Granser, kolumn=None):
    """SQL twin of :func:`niva` over ``matning.bistandsbelopp_kr`` (or ``kolumn``; NULL for ``saknas``)."""
    b = Matning.bistandsbelopp_kr if kolumn is None else kolumn
    if granser.lag is None:
        return literal(None)
    return case(
        (b.is_(None), literal(None)),
        (b >= granser.hog, literal("3")),
        (b >= granser.lag, literal("2")),
        else_=literal("1"),
    )


def beloppsfordelning(engine: Engine, omgang_id: str) -> dict[int, int]:
    """``{belopp: persons}`` over the round's known amounts (grouped in SQL)."""
    b = Matning.bistandsbelopp_kr
    with engine.connect() as conn:
        rader = conn.execute(
            select(b, func.count()).where(Matning.omgang_id == omgang_id, b.is_not(None)).group_by(b)
        ).all()
    return {int(k): int(n) for k, n in rader}


def granser_for(engine: Engine, omgang_id: str, egna: tuple[int, int] | None = None) -> Granser:
    """The limits a matrix of the round uses: ``egna`` when given, else the round's tertiles."""
    if egna is not None:
        lag, hog = tolka_granser(egna)
        return Granser(lag, hog, "egna")
    t = tertiler(beloppsfordelning(engine, omgang_id))
    return Granser(None, None) if t is None else Granser(t[0], t[1])


# --- the population for the engine ---------------------------------------------------------------


class PrioriteringsPopulation(OmgangsPopulation):
    """The persons of a round with the derived ``bistandsniva`` (banded by ``granser``), for
    the disclosure engine; ``utom``: only the persons who do *not* belong to that unit in the
    round (the rest of the process as a medarbetare of the unit sees it).

    Variables: :data:`VARIABLER` and ``bistandsniva`` (codes ``1``–``3``, blank ``saknas``).
    The key holds the limits and ``utom``, besides the round and the data version.
    """

    def __init__(
        self, engine: Engine, omgang_id: str, datum: dt.date, version: str, granser: Granser, utom: str | None = None
    ):
        super().__init__(engine, omgang_id, datum, version)
        self.granser = granser
        self.utom = utom
        self.nyckel = (*self.nyckel, "prioritering", granser.lag, granser.hog, utom)
        self.variabler = {v: s for v, s in self.variabler.items() if v in VARIABLER}
        self.variabler[NIVA] = Varspec(NIVA, ("1", "2", "3"))

    def _bas(self, dims: tuple[str, ...]):
        b = super()._bas(dims)
        if self.utom is None:
            return b
        kol = [b.c.person_id, *(b.c[f"d{i}"] for i in range(len(dims)))]
        return select(*kol).where(~hor_till_enhet(self.utom, self.omgang_id, self.datum, b.c.person_id)).subquery()

    def _koder(self, s: Varspec):
        if s.namn != NIVA:
            return super()._koder(s)
        return (
            select(Matning.person_id, func.coalesce(niva_uttryck(self.granser), literal(SAKNAS)).label("kod"))
            .where(Matning.omgang_id == self.omgang_id)
            .subquery()
        )


def frislapp_for(engine: Engine, omgang_id: str, granser: Granser, utom: str | None = None):
    """The release of the round's persons (``utom``: outside that unit) with the level bands."""
    from core import frislapp

    omgang = hamta_omgang(engine, omgang_id)
    pop = PrioriteringsPopulation(engine, omgang_id, omgang.datum, db.dataversion(engine), granser, utom)
    return frislapp.Frislapp(pop)


# --- the matrix ------------------------------------------------------------------------------------

MATRIS_KOLUMNER = ["potential", "niva", "n", "kvinnor", "man", "skyddad", "kvinnor_skyddad", "man_skyddad"]


@dataclass
class Matris:
    """The matrix of one round (or unit) after disclosure control.

    Attributes
    ----------
    celler : one row per cell, potential in :data:`POTENTIALER` order then level in
        :data:`NIVAER` order: ``potential, niva, n, kvinnor, man`` (Int64, <NA> where hidden)
        and ``skyddad, kvinnor_skyddad, man_skyddad`` (bool). ``kvinnor``/``man`` leave out
        persons with blank sex, so they need not add up to ``n``.
    rader, kolumner : the margins, ``potential`` / ``niva``, ``n``, ``skyddad``.
    n : persons in the round or unit (None when hidden).
    """

    omgang: OmgangInfo
    enhet: str | None
    granser: Granser
    celler: pd.DataFrame
    rader: pd.DataFrame
    kolumner: pd.DataFrame
    n: int | None
    skyddad: bool
    vagrad: str | None = None
    kanda_enhet: str | None = None  # a medarbetare's own unit, counted as known (see module doc)
    anmarkningar: list[str] = field(default_factory=list)

    def cell(self, potential: str, niva_: str) -> pd.Series:
        c = self.celler
        return c[(c["potential"] == potential) & (c["niva"] == niva_)].iloc[0]


def _raa_celler(engine: Engine, omgang: OmgangInfo, enhet: str | None, granser: Granser) -> dict[tuple, int]:
    """Raw counts ``{(potential, niva, kon): persons}`` (``kon`` ``K``, ``M`` or ``saknas``)."""
    pot = func.coalesce(Matning.forandringspotential, literal(SAKNAS))
    niv = func.coalesce(niva_uttryck(granser), literal(SAKNAS))
    kon = func.coalesce(Person.kon, literal(SAKNAS))
    villkor = [Matning.omgang_id == omgang.omgang_id]
    if enhet:
        villkor.append(hor_till_enhet(enhet, omgang.omgang_id, omgang.datum, Matning.person_id))
    q = (
        select(pot.label("p"), niv.label("v"), kon.label("k"), func.count())
        .select_from(Matning)
        .join(Person, Person.person_id == Matning.person_id)
        .where(and_(*villkor))
        .group_by(pot, niv, kon)
    )
    with engine.connect() as conn:
        return {(str(p), str(v), str(k)): int(n) for p, v, k, n in conn.execute(q).all()}


def _summa(raa: dict[tuple, int], potential=None, niva_=None, kon=None) -> int:
    return sum(
        n
        for (p, v, k), n in raa.items()
        if (potential is None or p == potential) and (niva_ is None or v == niva_) and (kon is None or k == kon)
    )


def _ramar(celler: list[dict], rader: list[dict], kolumner: list[dict]):
    c = pd.DataFrame(celler, columns=MATRIS_KOLUMNER)
    for k in ("n", "kvinnor", "man"):
        c[k] = pd.array(c[k], dtype="Int64")
    r = pd.DataFrame(rader, columns=["potential", "n", "skyddad"])
    k_ = pd.DataFrame(kolumner, columns=["niva", "n", "skyddad"])
    r["n"] = pd.array(r["n"], dtype="Int64")
    k_["n"] = pd.array(k_["n"], dtype="Int64")
    return c, r, k_


def _fran_raa(raa: dict[tuple, int]):
    celler = [
        {
            "potential": p,
            "niva": v,
            "n": _summa(raa, p, v),
            "kvinnor": _summa(raa, p, v, "K"),
            "man": _summa(raa, p, v, "M"),
            "skyddad": False,
            "kvinnor_skyddad": False,
            "man_skyddad": False,
        }
        for p in POTENTIALER
        for v in NIVAER
    ]
    rader = [{"potential": p, "n": _summa(raa, p), "skyddad": False} for p in POTENTIALER]
    kolumner = [{"niva": v, "n": _summa(raa, niva_=v), "skyddad": False} for v in NIVAER]
    return (*_ramar(celler, rader, kolumner), _summa(raa))


def _fran_frislapp(fr, enhet_dim: str | None, plus: dict[tuple, int] | None = None, *, med_kon: bool = True):
    """The matrix read off a release (``enhet_dim``: only the unit's persons); ``plus``: raw
    counts known to the reader added to every shown figure (a hidden one stays hidden);
    ``med_kon`` False: no split by sex (every sex cell hidden, its layer never built)."""
    from core import frislapp, utsnitt
    from core.population import I_ENHETEN

    villkor = {enhet_dim: (I_ENHETEN,)} if enhet_dim else {}
    g = frislapp.grupp(villkor, fr.pop)
    vagrad = frislapp.vagran(fr, g) if enhet_dim else None
    grupper = {kon: frislapp.grupp({**villkor, "kon": (kon,)}, fr.pop) for kon in ("K", "M")}
    plus = plus or {}

    def lagg(v, **k):
        return None if v is None else v + _summa(plus, **k)

    if vagrad:
        tom = dict.fromkeys([(p, v) for p in POTENTIALER for v in NIVAER])
        alla = kv = ma = tom
        rader = dict.fromkeys(POTENTIALER)
        kolumner = dict.fromkeys(NIVAER)
        n = None
    else:
        alla = utsnitt.korsceller(fr, g, POTENTIAL, POTENTIALER, NIVA, NIVAER)
        if med_kon:
            kv = utsnitt.korsceller(fr, grupper["K"], POTENTIAL, POTENTIALER, NIVA, NIVAER)
            ma = utsnitt.korsceller(fr, grupper["M"], POTENTIAL, POTENTIALER, NIVA, NIVAER)
        else:
            kv = ma = dict.fromkeys([(p, v) for p in POTENTIALER for v in NIVAER])
        fragor = [utsnitt.Fraga(POTENTIAL, p) for p in POTENTIALER] + [utsnitt.Fraga(NIVA, v) for v in NIVAER]
        svar = utsnitt.antal(fr, g, [utsnitt.Fraga(), *fragor])
        n = lagg(svar[0])
        rader = {p: lagg(x, potential=p) for p, x in zip(POTENTIALER, svar[1 : 1 + len(POTENTIALER)], strict=True)}
        kolumner = {v: lagg(x, niva_=v) for v, x in zip(NIVAER, svar[1 + len(POTENTIALER) :], strict=True)}
    celler = []
    for p in POTENTIALER:
        for v in NIVAER:
            a = lagg(alla[(p, v)], potential=p, niva_=v)
            k = lagg(kv[(p, v)], potential=p, niva_=v, kon="K")
            m = lagg(ma[(p, v)], potential=p, niva_=v, kon="M")
            celler.append(
                {
                    "potential": p,
                    "niva": v,
                    "n": a,
                    "kvinnor": k,
                    "man": m,
                    "skyddad": a is None,
                    "kvinnor_skyddad": k is None,
                    "man_skyddad": m is None,
                }
            )
    r = [{"potential": p, "n": rader[p], "skyddad": rader[p] is None} for p in POTENTIALER]
    k_ = [{"niva": v, "n": kolumner[v], "skyddad": kolumner[v] is None} for v in NIVAER]
    return (*_ramar(celler, r, k_), n, vagrad)


def matris(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    enhet: str | None = None,
    granser: tuple[int, int] | None = None,
    *,
    export: bool = False,
) -> Matris:
    """The matrix of change potential × benefit level of a round, or of a unit's persons.

    Parameters
    ----------
    omfang : the caller's scope. A medarbetare's own unit is plain counts and the whole
        process is their unit plus the protected rest (module docstring), on screen and in
        files; they may not ask for another unit. Other protected views read the round's
        release.
    omgang_id : the round.
    enhet : a unit code (its persons as :func:`core.omfang.hor_till_enhet` defines), or None
        for the whole round.
    granser : fixed limits (SEK); only for unprotected output.
    export : a download or a report (suppressed unless processledning/admin chose otherwise).

    Returns
    -------
    :class:`Matris`

    Raises
    ------
    ProfilFel
        Unknown round or unit.
    PrioriteringsFel
        Bad limits, or fixed limits for a protected output.
    """
    omfang.kontrollera_sida("prioritering")
    omgang = hamta_omgang(engine, omgang_id)
    if enhet:
        kontrollera_enhet(engine, enhet)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    if granser is not None and skyddad:
        raise PrioriteringsFel(
            "Egna beloppsgränser kan bara användas utan röjandeskydd. Med röjandeskydd används omgångens tertiler."
        )
    gr = granser_for(engine, omgang_id, granser)
    # A medarbetare knows their unit's persons: its counts are known to them on screen and in
    # their files alike, so both read the same release (the rest of the process).
    kand = omfang.enhet if omfang.roll == "medarbetare" else None
    if kand and enhet not in (None, kand):
        raise BehorighetsFel("Du kan bara se din egen enhet eller hela processen här.")
    if not skyddad or (kand and enhet == kand):
        c, r, k, n = _fran_raa(_raa_celler(engine, omgang, enhet, gr))
        return Matris(omgang, enhet, gr, c, r, k, n, skyddad=False, kanda_enhet=kand)
    if kand and enhet is None:
        fr = frislapp_for(engine, omgang_id, gr, utom=kand)
        plus = _raa_celler(engine, omgang, kand, gr)
        # No split by sex of the rest: it is the sparsest table of all (five potentials, four
        # levels, three sexes over a few dozen persons), where the engine's last resort of
        # hiding a zero leaves counts that an attacker who takes every hidden cell for at least
        # one pins (tests/test_prioritering_angripare.py). The unit's own split is shown.
        c, r, k, n, vagrad = _fran_frislapp(fr, None, plus, med_kon=False)
        return Matris(omgang, None, gr, c, r, k, n, skyddad=True, vagrad=vagrad, kanda_enhet=kand)
    from core.population import ENHET_PREFIX

    fr = frislapp_for(engine, omgang_id, gr)
    c, r, k, n, vagrad = _fran_frislapp(fr, ENHET_PREFIX + enhet if enhet else None)
    return Matris(omgang, enhet, gr, c, r, k, n, skyddad=True, vagrad=vagrad)


def rapport_json(m: Matris) -> dict:
    """The CLI's ``report prioritering`` (produkt.md's form: a hidden count is null).

    ``{"omgang", "enhet", "skydd", "n", "granser": {"lag", "hog", "kalla"}, "celler": [{"potential",
    "niva" (1–3 or "saknas"), "n", "kvinnor", "man", "skyddad"}]}``; ``skyddad`` is true when any of
    the cell's three counts is hidden. Every person of the round (or unit) is in exactly one cell.
    """
    return {
        "omgang": m.omgang.omgang_id,
        "enhet": m.enhet,
        "skydd": m.skyddad,
        "n": None if m.n is None else int(m.n),
        "granser": {"lag": m.granser.lag, "hog": m.granser.hog, "kalla": m.granser.kalla},
        "celler": [
            {
                "potential": r.potential,
                "niva": int(r.niva) if r.niva != SAKNAS else SAKNAS,
                "n": None if r.skyddad else int(r.n),
                "kvinnor": None if r.kvinnor_skyddad else int(r.kvinnor),
                "man": None if r.man_skyddad else int(r.man),
                "skyddad": bool(r.skyddad or r.kvinnor_skyddad or r.man_skyddad),
            }
            for r in m.celler.itertuples()
        ],
    }


# --- person lists ---------------------------------------------------------------------------------

PERSON_KOLUMNER = ["person_id", "handlaggare", "enhet", "inskrivningstid_man", "handlingsplan", "pagaende_insats"]

LISTOR = {
    "utan_plan": "Utan handlingsplan",
    "okand_potential": "Förändringspotential okänd",
    "ej_klarlagda_hinder": "Hinder ännu inte klarlagda",
}


def _listenhet(omfang: Omfang, enhet: str | None) -> str | None:
    """The unit a person list may cover for the scope (raises :class:`BehorighetsFel`)."""
    if not omfang.ser_personer:
        raise BehorighetsFel("Din roll får inte se uppgifter om enskilda personer.")
    if omfang.roll == "medarbetare":
        if enhet not in (None, omfang.enhet):
            raise BehorighetsFel("Du kan bara se personer i din egen enhet.")
        return omfang.enhet
    return enhet


def _personer(engine: Engine, omgang: OmgangInfo, enhet: str | None, villkor: list) -> pd.DataFrame:
    d = omgang.datum
    villkor = [Matning.omgang_id == omgang.omgang_id, *villkor]
    if enhet:
        villkor.append(hor_till_enhet(enhet, omgang.omgang_id, d, Matning.person_id))
    q = (
        select(
            Matning.person_id,
            Matning.handlaggare,
            Matning.enhet,
            db.hela_manader(Matning.inskrivningsdatum, literal(d)).label("inskrivningstid_man"),
            Matning.handlingsplan,
        )
        .where(and_(*villkor))
        .order_by(Matning.handlaggare, Matning.person_id)
    )
    iq = select(MatningVal.person_id, MatningVal.kod).where(
        MatningVal.omgang_id == omgang.omgang_id,
        MatningVal.variabel == "pagaende_insats",
        MatningVal.person_id.in_(select(q.subquery().c.person_id)),
    )
    with engine.connect() as conn:
        rader = conn.execute(q).all()
        insatser: dict[str, list[str]] = {}
        for pid, kod in conn.execute(iq.order_by(MatningVal.person_id, MatningVal.kod)).all():
            insatser.setdefault(pid, []).append(kod)
    df = pd.DataFrame(rader, columns=PERSON_KOLUMNER[:-1])
    df["inskrivningstid_man"] = pd.array(df["inskrivningstid_man"], dtype="Int64")
    df["pagaende_insats"] = [insatser.get(p, []) for p in df["person_id"]]
    return df


def _logga(engine: Engine, anvandare: str | None, omfang: Omfang, detalj: dict) -> None:
    audit.logga(engine, anvandare, "personlista", detalj={"roll": omfang.roll, **detalj})


def personlista(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    potential: str,
    niva_: str,
    enhet: str | None = None,
    granser: tuple[int, int] | None = None,
    *,
    anvandare: str | None,
    syfte: str = "visning",
    logga: bool = True,
) -> pd.DataFrame:
    """The persons of one cell of the matrix, for staff: never politiker; a medarbetare only
    the persons of their own unit. Written to the audit log (``personlista``).

    Parameters
    ----------
    potential, niva_ : the cell (codes of :data:`POTENTIALER` and :data:`NIVAER`).
    enhet : a unit (forced to the own unit for a medarbetare); None: the whole round.
    granser : fixed limits (processledning/admin only, as in :func:`matris`).
    anvandare : who views it (for the log); syfte : ``visning`` or ``nedladdning``.
    logga : False only when the same session already logged this very view (a rerun of the
        page); a download is always logged.

    Returns
    -------
    DataFrame with :data:`PERSON_KOLUMNER` (``pagaende_insats`` a list of codes), sorted by
    case worker and id.

    Raises
    ------
    BehorighetsFel
        A politiker, or a medarbetare asking for another unit.
    """
    enhet = _listenhet(omfang, enhet)
    omfang.kontrollera_sida("prioritering")
    if potential not in POTENTIALER or niva_ not in NIVAER:
        raise PrioriteringsFel("Okänd cell i prioriteringsmatrisen.")
    if granser is not None and omfang.roll == "medarbetare":
        raise PrioriteringsFel("Egna beloppsgränser kan bara användas av processledningen.")
    omgang = hamta_omgang(engine, omgang_id)
    if enhet:
        kontrollera_enhet(engine, enhet)
    gr = granser_for(engine, omgang_id, granser)
    pot = func.coalesce(Matning.forandringspotential, literal(SAKNAS))
    niv = func.coalesce(niva_uttryck(gr), literal(SAKNAS))
    df = _personer(engine, omgang, enhet, [pot == potential, niv == niva_])
    if logga or syfte != "visning":
        _logga(
            engine,
            anvandare,
            omfang,
            {
                "lista": "prioritering",
                "syfte": syfte,
                "omgang": omgang_id,
                "enhet": enhet,
                "cell": f"{potential}/{niva_}",
                "rader": len(df),
            },
        )
    return df


def _lista_villkor(omgang: OmgangInfo, lista: str) -> list:
    if lista == "utan_plan":
        return [or_(Matning.handlingsplan.is_(None), Matning.handlingsplan != "ja")]
    if lista == "okand_potential":
        return [Matning.forandringspotential == "okand"]
    if lista == "ej_klarlagda_hinder":
        return [
            select(MatningVal.person_id)
            .where(
                MatningVal.omgang_id == omgang.omgang_id,
                MatningVal.person_id == Matning.person_id,
                MatningVal.variabel == "arbetshinder",
                MatningVal.kod == "ej_klarlagt",
            )
            .exists()
        ]
    raise PrioriteringsFel(f"Okänd uppföljningslista: {lista}")


def uppfoljningslista(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    lista: str,
    enhet: str | None = None,
    *,
    anvandare: str | None,
    syfte: str = "visning",
    logga: bool = True,
) -> pd.DataFrame:
    """A follow-up list for the next round, per case worker (audited as :func:`personlista`).

    ``lista``: ``utan_plan`` (``handlingsplan`` not ``ja``: ``nej`` or blank),
    ``okand_potential`` (``forandringspotential = okand``), ``ej_klarlagda_hinder``
    (``arbetshinder`` holds ``ej_klarlagt``).

    Returns
    -------
    DataFrame with :data:`PERSON_KOLUMNER`, sorted by case worker and id.
    """
    enhet = _listenhet(omfang, enhet)
    omgang = hamta_omgang(engine, omgang_id)
    if enhet:
        kontrollera_enhet(engine, enhet)
    df = _personer(engine, omgang, enhet, _lista_villkor(omgang, lista))
    if logga or syfte != "visning":
        _logga(
            engine,
            anvandare,
            omfang,
            {"lista": lista, "syfte": syfte, "omgang": omgang_id, "enhet": enhet, "rader": len(df)},
        )
    return df


def per_handlaggare(df: pd.DataFrame) -> pd.DataFrame:
    """Persons of a list per case-worker code (blank code: ``saknas``): ``handlaggare, personer``."""
    if df.empty:
        return pd.DataFrame({"handlaggare": pd.Series(dtype=str), "personer": pd.Series(dtype="int64")})
    s = df["handlaggare"].fillna(SAKNAS).value_counts().sort_index()
    return pd.DataFrame({"handlaggare": s.index.astype(str), "personer": s.to_numpy(dtype="int64")})


# --- the review pack and the benchmark ------------------------------------------------------------


def rapportsektion(engine: Engine, omfang: Omfang, omgang_id: str):
    """The review pack's section (``core.rapportpaket.Sektion``): the whole round's matrix as a
    file shows it to the scope (``export=True``), all and by sex, with the heatmap.

    A role without the page (politiker) gets the heading and one sentence, no figure.
    """
    from core import charts, text
    from core.rapportpaket import Sektion, Tabell

    if not omfang.far_se_sida("prioritering"):
        return Sektion("Prioritering", ["Prioriteringen ingår inte i rapporten för din roll."])
    m = matris(engine, omfang, omgang_id, export=True)
    sek = Sektion(
        "Prioritering: förändringspotential och nivå på biståndet",
        [
            f"{text.antal_personer(m.n, skyddad=m.n is None)} i mätomgången. Nivå på biståndet: {m.granser.text()}",
            f"Prioriterade (hög förändringspotential och hög nivå): "
            f"{text.antal_personer(m.cell(*PRIORITERAD).n, skyddad=bool(m.cell(*PRIORITERAD).skyddad))}.",
        ],
    )
    niva_kol = [NIVA_ETIKETT[v] for v in NIVAER]
    bred = {"Förändringspotential": [POTENTIAL_ETIKETT[p] for p in POTENTIALER]}
    for v in NIVAER:
        d = m.celler[m.celler["niva"] == v].set_index("potential")
        bred[NIVA_ETIKETT[v]] = [None if d.loc[p, "skyddad"] else int(d.loc[p, "n"]) for p in POTENTIALER]
    r = m.rader.set_index("potential")
    bred["Summa"] = [None if r.loc[p, "skyddad"] else int(r.loc[p, "n"]) for p in POTENTIALER]
    sek.tabeller.append(Tabell("Antal personer per cell", pd.DataFrame(bred), antal=(*niva_kol, "Summa")))
    lang = pd.DataFrame(
        {
            "Förändringspotential": [POTENTIAL_ETIKETT[p] for p in m.celler["potential"]],
            "Nivå på biståndet": [NIVA_ETIKETT[v] for v in m.celler["niva"]],
            "Kvinnor": [
                None if s else int(n) for n, s in zip(m.celler["kvinnor"], m.celler["kvinnor_skyddad"], strict=True)
            ],
            "Män": [None if s else int(n) for n, s in zip(m.celler["man"], m.celler["man_skyddad"], strict=True)],
        }
    )
    sek.tabeller.append(Tabell("Kvinnor och män per cell", lang, antal=("Kvinnor", "Män")))
    sek.diagram.append(charts.prioriteringskarta(m.celler, POTENTIAL_ETIKETT, NIVA_ETIKETT, PRIORITERAD))
    return sek


def _senaste(engine: Engine) -> str:
    from core.models import Matomgang

    with engine.connect() as conn:
        return conn.execute(select(Matomgang.omgang_id).order_by(Matomgang.datum.desc()).limit(1)).scalar_one()


def _bench_medarbetare(engine: Engine) -> Omfang:
    return Omfang("medarbetare", "eai")


def _kall(f):
    """Run ``f`` with the release's cache emptied first (the cost of a new data version)."""
    from core import frislapp

    def kor(engine, omgang_id):
        frislapp.rensa_cache()
        return f(engine, omgang_id)

    return kor


# The page's core calls for the benchmark (the lead wires them into core/bench.py): protected
# (a medarbetare: the unit + the protected rest; processledning's protected file of a unit) and
# unprotected (admin), cold (release built) and warm, and the person lists.
BENCH_ANROP = [
    (
        "Prioritering: matrisen, admin",
        lambda engine, omgang_id: matris(engine, Omfang("admin"), omgang_id),
    ),
    (
        "Prioritering: matrisen för en enhet, admin, egna gränser",
        lambda engine, omgang_id: matris(engine, Omfang("admin"), omgang_id, "eai", (6000, 10000)),
    ),
    (
        "Prioritering: hela processen för en medarbetare (kall)",
        _kall(lambda engine, omgang_id: matris(engine, _bench_medarbetare(engine), omgang_id)),
    ),
    (
        "Prioritering: hela processen för en medarbetare (varm)",
        lambda engine, omgang_id: matris(engine, _bench_medarbetare(engine), omgang_id),
    ),
    (
        "Prioritering: skyddad fil för en enhet, processledning (kall)",
        _kall(lambda engine, omgang_id: matris(engine, Omfang("processledning"), omgang_id, "eai", export=True)),
    ),
    (
        "Prioritering: personerna i den prioriterade cellen, medarbetare",
        lambda engine, omgang_id: personlista(
            engine, _bench_medarbetare(engine), omgang_id, *PRIORITERAD, anvandare=None, logga=False
        ),
    ),
    (
        "Prioritering: uppföljningslista utan plan, processledning",
        lambda engine, omgang_id: uppfoljningslista(
            engine, Omfang("processledning"), omgang_id, "utan_plan", anvandare=None, logga=False
        ),
    ),
]


__all__ = [
    "BENCH_ANROP",
    "Granser",
    "Matris",
    "PrioriteringsFel",
    "PrioriteringsPopulation",
    "ProfilFel",
    "granser_for",
    "matris",
    "niva",
    "personlista",
    "rapportsektion",
    "tertiler",
    "tolka_granser",
    "uppfoljningslista",
]
