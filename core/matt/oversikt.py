"""Key figures of a round for the Översikt page, with the change since the previous round.

Definitions (produkt.md, "Pages" and "Measures"). The group is every person with a
``matning`` row in the round; shares are of all of them (blanks and unknowns included).

- ``personer`` — persons in the round.
- ``median_inskrivningstid`` — median of the completed months from ``inskrivningsdatum`` to the
  round's date, over the persons whose date is known (an even count gives the mean of the
  two middle values).
- ``andel_1ar`` / ``andel_3ar`` — persons with at least 12 / 36 completed months.
- ``andel_handlingsplan`` — ``handlingsplan`` = ``ja``.
- ``andel_pagaende_insats`` — persons with a ``pagaende_insats`` code other than ``ingen``.
- ``andel_af`` — ``af_inskriven`` = ``ja``.
- ``avslut`` — closures (``avslut``) dated after the previous round's date and on or before
  this round's date; undefined for the first round.
- ``andel_avslut_arbete_studier`` — of those closures, the share with reason ``arbete`` or
  ``studier``.

Each figure is given for all, for kvinnor and for män. Disclosure control (``core.skydd``)
applies for scopes whose screen output is suppressed: counts of 1–4, shares whose numerator
or complement is 1–4, women/men/blank as an additive set (rule 2), and medians over 1–4
persons (rule 4).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select

from core import db, koder, skydd, text
from core.models import Avslut, Matning, MatningVal, Matomgang, OmgangHarledd, Person
from core.omfang import Omfang

GRUPPER = ("alla", "K", "M")

MATT: list[tuple[str, str, str, str]] = [
    # code, label, type, definition
    ("personer", "Personer i processen", "antal", "Personer med en mätning i omgången."),
    (
        "median_inskrivningstid",
        "Mediantid med försörjningsstöd",
        "manader",
        "Median av hela månader från inskrivningsdatum till mätdagen, bland dem med känt datum.",
    ),
    ("andel_1ar", "Minst 1 år med försörjningsstöd", "andel", "Andel av alla i omgången med minst 12 hela månader."),
    ("andel_3ar", "Minst 3 år med försörjningsstöd", "andel", "Andel av alla i omgången med minst 36 hela månader."),
    (
        "andel_handlingsplan",
        "Har handlingsplan",
        "andel",
        "Andel av alla i omgången som har en handlingsplan (svaret Ja på Handlingsplan).",
    ),
    (
        "andel_pagaende_insats",
        "Har pågående insats",
        "andel",
        "Andel av alla i omgången med en pågående arbetsmarknadsinsats (annat än ”ingen”).",
    ),
    (
        "andel_af",
        "Inskrivna på Arbetsförmedlingen",
        "andel",
        "Andel av alla i omgången som är inskrivna på Arbetsförmedlingen (svaret Ja).",
    ),
    (
        "avslut",
        "Avslut sedan förra mätningen",
        "antal",
        "Avslutade ärenden efter förra mätdagen till och med denna mätdag.",
    ),
    (
        "andel_avslut_arbete_studier",
        "Avslut till arbete eller studier",
        "andel",
        "Andel av avsluten sedan förra mätningen med orsak arbete eller studier.",
    ),
]


@dataclass(frozen=True)
class Omgang:
    omgang_id: str
    datum: dt.date
    benamning: str | None


@dataclass(frozen=True)
class Oversikt:
    """The Översikt of one round: see the module docstring for every figure."""

    omgang: Omgang | None
    foregaende: Omgang | None
    tabell: pd.DataFrame
    sammanfattning: str
    skyddad: bool


@dataclass
class _Varde:
    varde: float | None
    skyddad: bool = False


# --- rounds ---------------------------------------------------------------------------------


def _alla_omgangar(engine: Engine) -> list[Omgang]:
    with engine.connect() as conn:
        rader = conn.execute(
            select(Matomgang.omgang_id, Matomgang.datum, Matomgang.benamning).order_by(
                Matomgang.datum, Matomgang.omgang_id
            )
        ).all()
    return [Omgang(*r) for r in rader]


def omgangar(engine: Engine, omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """Every round, newest first, with its number of persons.

    Returns
    -------
    Frame with ``omgang_id, datum, benamning, personer, personer_skyddad``; ``personer`` is
    None where the scope's screen output suppresses a count of 1–4.
    """
    with engine.connect() as conn:
        # The round's size is stored at import (core.harledning), so no row is counted here.
        rader = conn.execute(
            select(
                Matomgang.omgang_id,
                Matomgang.datum,
                Matomgang.benamning,
                func.coalesce(OmgangHarledd.personer, 0),
            )
            .outerjoin(OmgangHarledd, OmgangHarledd.omgang_id == Matomgang.omgang_id)
            .order_by(Matomgang.datum.desc(), Matomgang.omgang_id.desc())
        ).all()
    df = pd.DataFrame(rader, columns=["omgang_id", "datum", "benamning", "personer"])
    # A round's size is the root of its release: hidden exactly when it is small (rule 1).
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    df["personer_skyddad"] = [skyddad and skydd.ar_litet(n) for n in df["personer"]]
    df["personer"] = df["personer"].astype("Int64").mask(df["personer_skyddad"])
    return df


# --- raw counts -----------------------------------------------------------------------------


def _kon_nyckel(kon) -> str:
    return kon if kon in ("K", "M") else koder.SAKNAS


def _rakna_omgang(engine: Engine, omgang: Omgang, foregaende: Omgang | None) -> dict:
    """Raw counts per sex (K, M, saknas) for every figure of one round."""
    manader = db.hela_manader(Matning.inskrivningsdatum, literal(omgang.datum))
    har_insats = (
        select(MatningVal.person_id)
        .where(
            MatningVal.omgang_id == Matning.omgang_id,
            MatningVal.person_id == Matning.person_id,
            MatningVal.variabel == "pagaende_insats",
            MatningVal.kod != "ingen",
        )
        .exists()
    )

    def ja(villkor):
        return func.sum(case((villkor, 1), else_=0))

    ut: dict = {k: {} for k in ("personer", "kand_tid", "ar1", "ar3", "plan", "insats", "af", "avslut", "avslut_as")}
    manadsfordelning: dict[str, dict[int, int]] = {"K": {}, "M": {}, koder.SAKNAS: {}}
    with engine.connect() as conn:
        for kon, n, kand, a1, a3, plan, insats, af in conn.execute(
            select(
                Person.kon,
                func.count(),
                func.count(Matning.inskrivningsdatum),
                ja(manader >= 12),
                ja(manader >= 36),
                ja(Matning.handlingsplan == "ja"),
                ja(har_insats),
                ja(Matning.af_inskriven == "ja"),
            )
            .join(Person, Person.person_id == Matning.person_id)
            .where(Matning.omgang_id == omgang.omgang_id)
            .group_by(Person.kon)
        ).all():
            k = _kon_nyckel(kon)
            for namn, v in zip(
                ("personer", "kand_tid", "ar1", "ar3", "plan", "insats", "af"),
                (n, kand, a1, a3, plan, insats, af),
                strict=True,
            ):
                ut[namn][k] = ut[namn].get(k, 0) + int(v or 0)
        for kon, m, n in conn.execute(
            select(Person.kon, manader.label("m"), func.count())
            .join(Person, Person.person_id == Matning.person_id)
            .where(Matning.omgang_id == omgang.omgang_id, Matning.inskrivningsdatum.is_not(None))
            .group_by(Person.kon, manader)
        ).all():
            fd = manadsfordelning[_kon_nyckel(kon)]
            fd[int(m)] = fd.get(int(m), 0) + n
        if foregaende is not None:
            for kon, n, n_as in conn.execute(
                select(Person.kon, func.count(), ja(Avslut.orsak.in_(koder.AVSLUT_TILL_ARBETE_STUDIER)))
                .join(Person, Person.person_id == Avslut.person_id)
                .where(and_(Avslut.datum > foregaende.datum, Avslut.datum <= omgang.datum))
                .group_by(Person.kon)
            ).all():
                k = _kon_nyckel(kon)
                ut["avslut"][k] = ut["avslut"].get(k, 0) + n
                ut["avslut_as"][k] = ut["avslut_as"].get(k, 0) + int(n_as or 0)
    ut["manader"] = manadsfordelning
    ut["har_foregaende"] = foregaende is not None
    return ut


def _median(fordelning: dict[int, int]) -> float | None:
    """Median of a frequency table {value: count} (bounded: one row per distinct month)."""
    varden = [v for v, n in sorted(fordelning.items()) for _ in range(n)]
    return float(statistics.median(varden)) if varden else None


# --- figures with disclosure control --------------------------------------------------------


def _per_kon(rakn: dict[str, int]) -> dict[str, int]:
    d = {k: int(rakn.get(k, 0)) for k in ("K", "M", koder.SAKNAS)}
    d["alla"] = sum(d.values())
    return d


def _antal(rakn: dict[str, int], skyddad: bool) -> dict[str, _Varde]:
    """A count for alla/K/M; K, M and blank are one additive set (rules 1 and 2)."""
    d = _per_kon(rakn)
    dolda = skydd.skydda_mangd({k: d[k] for k in ("K", "M", koder.SAKNAS)}) if skyddad else set()
    ut = {k: _Varde(float(d[k]), k in dolda) for k in ("K", "M")}
    ut["alla"] = _Varde(float(d["alla"]), skyddad and skydd.ar_litet(d["alla"]))
    return {k: _Varde(None, True) if v.skyddad else v for k, v in ut.items()}


def _andel(taljare: dict[str, int], namnare: dict[str, int], skyddad: bool) -> dict[str, _Varde]:
    """A share for alla/K/M, suppressed where its numerator or complement is 1–4 (and across
    K + M + blank as additive sets of numerators and of complements)."""
    t, n = _per_kon(taljare), _per_kon(namnare)
    komplement = {k: n[k] - t[k] for k in t}
    dolda: set = set()
    if skyddad:
        kon = ("K", "M", koder.SAKNAS)
        dolda |= skydd.skydda_mangd({k: t[k] for k in kon})
        dolda |= skydd.skydda_mangd({k: komplement[k] for k in kon})
        dolda |= {
            k for k in (*kon, "alla") if skydd.ar_litet(n[k]) or skydd.ar_litet(t[k]) or skydd.ar_litet(komplement[k])
        }
    ut = {}
    for k in GRUPPER:
        if k in dolda:
            ut[k] = _Varde(None, True)
        else:
            ut[k] = _Varde(t[k] / n[k] if n[k] else None)
    return ut


def _median_varde(fordelningar: dict[str, dict[int, int]], skyddad: bool) -> dict[str, _Varde]:
    alla: dict[int, int] = {}
    for fd in fordelningar.values():
        for m, n in fd.items():
            alla[m] = alla.get(m, 0) + n
    grupper = {"alla": alla, "K": fordelningar["K"], "M": fordelningar["M"]}
    ut = {}
    for k, fd in grupper.items():
        if skyddad and skydd.skydda_statistik(sum(fd.values())):
            ut[k] = _Varde(None, True)
        else:
            ut[k] = _Varde(_median(fd))
    return ut


def _figurer(r: dict, skyddad: bool) -> dict[str, dict[str, _Varde]]:
    p = r["personer"]
    figurer = {
        "personer": _antal(p, skyddad),
        "median_inskrivningstid": _median_varde(r["manader"], skyddad),
        "andel_1ar": _andel(r["ar1"], p, skyddad),
        "andel_3ar": _andel(r["ar3"], p, skyddad),
        "andel_handlingsplan": _andel(r["plan"], p, skyddad),
        "andel_pagaende_insats": _andel(r["insats"], p, skyddad),
        "andel_af": _andel(r["af"], p, skyddad),
    }
    if r["har_foregaende"]:
        figurer["avslut"] = _antal(r["avslut"], skyddad)
        figurer["andel_avslut_arbete_studier"] = _andel(r["avslut_as"], r["avslut"], skyddad)
    else:
        tom = {k: _Varde(None) for k in GRUPPER}
        figurer["avslut"] = tom
        figurer["andel_avslut_arbete_studier"] = dict(tom)
    return figurer


def _berakna(engine: Engine, omgang: Omgang, fore: Omgang | None, skyddad: bool) -> dict[str, dict[str, _Varde]]:
    r = _rakna_omgang(engine, omgang, fore)
    return _skyddade_figurer(engine, omgang, fore, r) if skyddad else _figurer(r, False)


def _skyddade_figurer(engine: Engine, omgang: Omgang, fore: Omgang | None, r: dict) -> dict[str, dict[str, _Varde]]:
    """The key figures as a suppressed scope sees them: every count read off the round's
    release (:mod:`core.utsnitt`), the same numbers Målgrupp shows; a share only where its
    count and its denominator are both shown (rule 9); a median only over a shown number of
    at least the threshold (rule 4)."""
    from core import frislapp, population, utsnitt
    from core.matt.profil import frislapp_for

    fr = frislapp_for(engine, omgang.omgang_id)
    grupper = {
        "alla": frislapp.Grupp(),
        "K": frislapp.grupp({"kon": ("K",)}, fr.pop),
        "M": frislapp.grupp({"kon": ("M",)}, fr.pop),
    }
    F = utsnitt.Fraga
    fragor = {
        "personer": F(),
        "ar1": F("inskrivningstid", ("1-2", "2-3", "3+")),
        "ar3": F("inskrivningstid", ("3+",)),
        "plan": F("handlingsplan", "ja"),
        "insats": F("pagaende_insats", population.NAGON),
        "af": F("af_inskriven", "ja"),
        "tid_saknas": F("inskrivningstid", koder.SAKNAS),
    }
    figurer: dict[str, dict[str, _Varde]] = {k: {} for k, *_ in MATT}
    t = skydd.troskel()
    for k, g in grupper.items():
        v = dict(zip(fragor, utsnitt.antal(fr, g, fragor.values()), strict=True))
        n = v["personer"]
        figurer["personer"][k] = _Varde(None if n is None else float(n), n is None)
        for matt, kol in (
            ("andel_1ar", "ar1"),
            ("andel_3ar", "ar3"),
            ("andel_handlingsplan", "plan"),
            ("andel_pagaende_insats", "insats"),
            ("andel_af", "af"),
        ):
            figurer[matt][k] = _skyddad_andel(v[kol], n)
        kand = None if n is None or v["tid_saknas"] is None else n - v["tid_saknas"]
        if kand is None or skydd.ar_litet(kand, t):
            figurer["median_inskrivningstid"][k] = _Varde(None, True)
        else:
            fd = r["manader"][k] if k != "alla" else _summa_fordelningar(r["manader"])
            figurer["median_inskrivningstid"][k] = _Varde(_median(fd))
    if fore is None:
        for matt in ("avslut", "andel_avslut_arbete_studier"):
            figurer[matt] = {k: _Varde(None) for k in GRUPPER}
        return figurer
    fa = frislapp.Frislapp(population.AvslutsPopulation(engine, fore.datum, omgang.datum, fr.pop.nyckel[-1]))
    for k in GRUPPER:
        g = frislapp.Grupp() if k == "alla" else frislapp.grupp({"kon": (k,)}, fa.pop)
        n, n_as = utsnitt.antal(fa, g, [F(), F("orsak", koder.AVSLUT_TILL_ARBETE_STUDIER)])
        figurer["avslut"][k] = _Varde(None if n is None else float(n), n is None)
        figurer["andel_avslut_arbete_studier"][k] = _skyddad_andel(n_as, n)
    return figurer


def _skyddad_andel(taljare: int | None, namnare: int | None) -> _Varde:
    if namnare == 0:
        return _Varde(None)  # undefined (nobody to take a share of), not hidden
    if taljare is None or namnare is None:
        return _Varde(None, True)
    return _Varde(taljare / namnare)


def _summa_fordelningar(fordelningar: dict[str, dict[int, int]]) -> dict[int, int]:
    alla: dict[int, int] = {}
    for fd in fordelningar.values():
        for m, n in fd.items():
            alla[m] = alla.get(m, 0) + n
    return alla


def oversikt(engine: Engine, omfang: Omfang, omgang_id: str | None = None, *, export: bool = False) -> Oversikt:
    """The key figures of a round (default: the latest) for the scope.

    Returns
    -------
    :class:`Oversikt` whose ``tabell`` has one row per figure of ``MATT`` and the columns
    ``matt, etikett, typ, definition, varde, skyddad, fore, fore_skyddad, forandring,
    kvinnor, kvinnor_skyddad, man, man_skyddad``. Values are floats or None (None where
    suppressed or undefined); ``forandring`` is ``varde − fore`` (for shares a difference of
    fractions, shown in percentage points), None when either side is missing.
    """
    alla = _alla_omgangar(engine)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    if not alla:
        return Oversikt(None, None, _tom_tabell(), "Det finns inga mätomgångar ännu.", skyddad)
    if omgang_id is None:
        idx = len(alla) - 1
    else:
        ids = [o.omgang_id for o in alla]
        if omgang_id not in ids:
            raise ValueError(f"Mätomgången {omgang_id!r} finns inte.")
        idx = ids.index(omgang_id)
    omgang = alla[idx]
    fore = alla[idx - 1] if idx > 0 else None
    nu = _berakna(engine, omgang, fore, skyddad)
    if fore is not None:
        forefore = alla[idx - 2] if idx > 1 else None
        da = _berakna(engine, fore, forefore, skyddad)
    else:
        da = None
    rader = []
    for kod, etikett, typ, definition in MATT:
        v = nu[kod]
        f = da[kod]["alla"] if da else _Varde(None)
        forandring = v["alla"].varde - f.varde if v["alla"].varde is not None and f.varde is not None else None
        rader.append(
            {
                "matt": kod,
                "etikett": etikett,
                "typ": typ,
                "definition": definition,
                "varde": v["alla"].varde,
                "skyddad": v["alla"].skyddad,
                "fore": f.varde,
                "fore_skyddad": f.skyddad,
                "forandring": forandring,
                "kvinnor": v["K"].varde,
                "kvinnor_skyddad": v["K"].skyddad,
                "man": v["M"].varde,
                "man_skyddad": v["M"].skyddad,
            }
        )
    tabell = pd.DataFrame(rader)
    return Oversikt(omgang, fore, tabell, sammanfatta(omgang, fore, tabell), skyddad)


def _tom_tabell() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "matt", "etikett", "typ", "definition", "varde", "skyddad", "fore", "fore_skyddad",
            "forandring", "kvinnor", "kvinnor_skyddad", "man", "man_skyddad",
        ]
    )  # fmt: skip


# --- the generated summary ------------------------------------------------------------------


def sammanfatta(omgang: Omgang, fore: Omgang | None, tabell: pd.DataFrame) -> str:
    """A plain-Swedish paragraph from the (already suppressed) key figures.

    Every number comes from ``tabell``, so a suppressed figure reads "dolt" or is left
    out, never shown.
    """
    t = tabell.set_index("matt")

    def antal(matt, kol="varde"):
        return text.tal(t.loc[matt, kol], skyddad=bool(t.loc[matt, _skydd_kol(kol)]))

    def andel(matt, kol="varde"):
        if t.loc[matt, _skydd_kol(kol)]:
            return None
        v = t.loc[matt, kol]
        return None if v is None or pd.isna(v) else text.procent(v)

    meningar = []
    n = t.loc["personer"]
    if n["skyddad"]:
        return (
            f"Mätningen {text.manad_ar(omgang.datum)} omfattar så få personer att inga uppgifter "
            "visas, av hänsyn till röjandeskyddet."
        )
    if not n["varde"]:
        return f"I mätningen {text.manad_ar(omgang.datum)} finns inga personer registrerade."
    kon = []
    if not n["kvinnor_skyddad"] and not pd.isna(n["kvinnor"]):
        kon.append(f"{antal('personer', 'kvinnor')} {'kvinna' if n['kvinnor'] == 1 else 'kvinnor'}")
    if not n["man_skyddad"] and not pd.isna(n["man"]):
        kon.append(f"{antal('personer', 'man')} {'man' if n['man'] == 1 else 'män'}")
    meningar.append(
        f"I mätningen {text.manad_ar(omgang.datum)} ingick {text.antal_personer(n['varde'])}"
        + (f", {' och '.join(kon)}" if kon else "")
        + "."
    )
    m = t.loc["median_inskrivningstid"]
    delar = []
    if not m["skyddad"] and m["varde"] is not None and not pd.isna(m["varde"]):
        delar.append(f"Mediantiden med försörjningsstöd var {text.tal(m['varde'])} månader")
    a1, a3 = andel("andel_1ar"), andel("andel_3ar")
    if a1 and a3:
        delar.append(f"{a1} hade haft stöd i minst ett år och {a3} i minst tre år")
    if delar:
        meningar.append("; ".join(delar) + ".")
    plan, ins, af = andel("andel_handlingsplan"), andel("andel_pagaende_insats"), andel("andel_af")
    bitar = [
        f"{plan} hade en handlingsplan" if plan else None,
        f"{ins} hade en pågående arbetsmarknadsinsats" if ins else None,
        f"{af} var inskrivna på Arbetsförmedlingen" if af else None,
    ]
    bitar = [b for b in bitar if b]
    if bitar:
        meningar.append(_lista(bitar) + ".")
    pk, pm = andel("andel_handlingsplan", "kvinnor"), andel("andel_handlingsplan", "man")
    if pk and pm:
        meningar.append(f"Bland kvinnorna hade {pk} en handlingsplan, bland männen {pm}.")
    if fore is not None:
        av = t.loc["avslut"]
        if av["skyddad"]:
            meningar.append(
                f"Antalet ärenden som avslutats sedan förra mätningen ({text.manad_ar(fore.datum)}) "
                "visas inte, av hänsyn till röjandeskyddet."
            )
        else:
            s = f"Sedan förra mätningen ({text.manad_ar(fore.datum)}) har {text.tal(av['varde'])} ärenden avslutats"
            aas = andel("andel_avslut_arbete_studier")
            meningar.append(s + (f", {aas} av dem till arbete eller studier." if aas and av["varde"] else "."))
        p = t.loc["andel_handlingsplan"]
        if p["forandring"] is not None and not pd.isna(p["forandring"]) and round(p["forandring"] * 100) != 0:
            riktning = "ökat" if p["forandring"] > 0 else "minskat"
            meningar.append(
                f"Andelen med handlingsplan har {riktning} med {text.tal(abs(p['forandring']) * 100)} procentenheter."
            )
    return " ".join(meningar)


def _skydd_kol(kol: str) -> str:
    return {"varde": "skyddad", "kvinnor": "kvinnor_skyddad", "man": "man_skyddad", "fore": "fore_skyddad"}[kol]


def _lista(delar: list[str]) -> str:
    return delar[0] if len(delar) == 1 else ", ".join(delar[:-1]) + " och " + delar[-1]
