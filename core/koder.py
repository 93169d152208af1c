"""Every code list of the data contract, with its Swedish label.

This is the one place the importer, the pages, the reports and the exports read codes and
labels from (``../shared/spec/datamodell.md``). Codes are short ASCII words; labels are what
a user reads. The order of each mapping is the order used in tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass

# Label used for a blank cell ("the question was not answered"), kept apart from each
# variable's own "unknown" code.
SAKNAS = "saknas"
SAKNAS_ETIKETT = "Uppgift saknas"

JA_NEJ_OKAND: dict[str, str] = {"ja": "Ja", "nej": "Nej", "okand": "Okänt"}
JA_NEJ: dict[str, str] = {"ja": "Ja", "nej": "Nej"}

KON: dict[str, str] = {"K": "Kvinna", "M": "Man"}
KON_PLURAL: dict[str, str] = {"K": "Kvinnor", "M": "Män"}

FODELSEREGION: dict[str, str] = {
    "sverige": "Sverige",
    "norden": "Norden (utom Sverige)",
    "europa": "Europa (utom Norden)",
    "utanfor_europa": "Utanför Europa",
    "okand": "Okänt",
}

ENHETSTYP: dict[str, str] = {"process": "Processenhet", "kommun": "Kommunal", "extern": "Extern"}

# Default units (seed 000 and 001). Units are rows in the database, seeded from this list
# and renameable; code elsewhere must read units from the database, not from here.
STANDARDENHETER: list[tuple[str, str, str]] = [
    ("eb", "Ekonomiskt bistånd (Enheten för försörjningsstöd)", "process"),
    ("eai", "Enheten för arbete och integration (incl. Arbetsmarknadstorget)", "process"),
    ("vux", "Enheten för vuxenstöd", "process"),
    ("reu", "Enheten för rehabilitering och utveckling (arbetsmarknadsenhet, socialpsykiatri)", "process"),
    ("vuxutb", "Vuxenutbildning (inkl. SFI)", "kommun"),
    ("af", "Arbetsförmedlingen", "extern"),
    ("fk", "Försäkringskassan", "extern"),
    ("region", "Region (hälso- och sjukvård)", "extern"),
    ("annan", "Annan aktör", "extern"),
]

# SKR's classification of municipal labour-market interventions (seed 001, section 4.5).
INSATSTYP: dict[int, str] = {
    1: "Arbetsprövning, -träning, -förberedande insats",
    2: "Jobbsökaraktivitet inkl. coachning, och studievägledning",
    3: "Kurs, utbildningar eller studier",
    4: "Matchning",
    5: "Praktik",
    6: "Stöd till ordinarie anställning, med eller utan lönesubvention, för personer med funktionsnedsättning",
    7: "Stöd till ordinarie anställning, med eller utan lönesubvention, för personer utan funktionsnedsättning",
    8: "Kommunala arbetsmarknadsanställningar",
    9: "Feriejobb/ungdomspraktik",
    10: "Språkträning, språkinsats eller SFI",
    11: "Validering",
    12: "Övriga insatser – samordning av myndighetskontakter",
}

HUSHALLSTYP: dict[str, str] = {
    "ensam_utan_barn": "Ensamstående utan barn",
    "ensam_med_barn": "Ensamstående med barn",
    "sambo_utan_barn": "Sammanboende utan barn",
    "sambo_med_barn": "Sammanboende med barn",
    "okand": "Okänt",
}

BOENDE: dict[str, str] = {
    "egen": "Eget kontrakt",
    "andrahand": "Andrahand/inneboende",
    "socialt_kontrakt": "Socialt kontrakt/boendelösning",
    "hemlos": "Hemlös",
    "akut_hemlos": "Akut hemlös",
    "okand": "Okänt",
}

UTBILDNING: dict[str, str] = {
    "forgymnasial_kort": "Förgymnasial < 9 år",
    "forgymnasial": "Förgymnasial 9 år",
    "gymnasial": "Gymnasial",
    "eftergymnasial": "Eftergymnasial",
    "okand": "Okänt",
}

PAGAENDE_STUDIER: dict[str, str] = {
    "ingen": "Ingen",
    "sfi": "SFI",
    "komvux": "Vuxenutbildning",
    "gymnasiet": "Gymnasiet",
    "annan": "Annan utbildning",
}

ARBETSHISTORIK: dict[str, str] = {
    "lang": "En eller flera långvariga anställningar (> 6 mån)",
    "kort": "Enbart kortare anställningar",
    "aldrig": "Aldrig haft arbete",
    "okand": "Okänt",
}

ARBETSHINDER: dict[str, str] = {
    "psykisk": "Psykisk ohälsa",
    "fysisk": "Fysisk ohälsa",
    "svenska": "Bristande svenska",
    "social": "Social problematik",
    "npf": "Neuropsykiatrisk funktionsnedsättning",
    "missbruk": "Missbruk/beroende",
    "ej_klarlagt": "Hinder ännu inte klarlagda",
    "inga": "Inga kända hinder",
}

HALSA: dict[str, str] = {
    "bade": "Både psykisk och fysisk ohälsa",
    "psykisk": "Enbart psykisk ohälsa",
    "fysisk": "Enbart fysisk ohälsa",
    "ingen": "Ingen känd ohälsa",
    "okand": "Okänt",
}

SJUKINTYG: dict[str, str] = {"heltid": "Heltid", "deltid": "Deltid", "nej": "Inget", "okand": "Okänt"}

MISSBRUK: dict[str, str] = {
    "pagaende": "Känt pågående",
    "oklart": "Oklart",
    "nej": "Inte i missbruk/beroende",
}

FORSORJNING: dict[str, str] = {
    "forsorjningsstod": "Försörjningsstöd",
    "lon": "Lön",
    "aktivitetsstod": "Aktivitetsstöd",
    "a_kassa": "A-kassa",
    "sjukpenning": "Sjukpenning",
    "sjukersattning": "Sjuk-/aktivitetsersättning",
    "etablering": "Etableringsersättning",
    "studiemedel": "Studiemedel",
    "annan": "Annan",
}

# Other benefits besides the main one: the codes of FORSORJNING, or ``ingen`` standing alone
# (datamodell.md). Without ``ingen`` a blank was the only way to say "none", and the
# data-quality panel read every such person as unanswered.
ANDRA_ERSATTNINGAR: dict[str, str] = {"ingen": "Inga andra ersättningar", **FORSORJNING}

FORANDRINGSPOTENTIAL: dict[str, str] = {"hog": "Hög", "medel": "Medel", "lag": "Låg", "okand": "Okänt"}

INSATS_AVSLUTSORSAK: dict[str, str] = {
    "arbete": "Arbete",
    "studier": "Studier",
    "annan_ersattning": "Annan ersättning (a-kassa, sjukersättning …)",
    "vidare": "Vidare till annan insats",
    "avbrott": "Avbrott",
    "flytt": "Flyttat",
    "ovrigt": "Övrigt",
    "okand": "Okänt",
}

AVSLUT_ORSAK: dict[str, str] = {
    "arbete": "Arbete",
    "studier": "Studier",
    "annan_ersattning": "Annan ersättning/rätt försörjning",
    "flytt": "Flyttat från kommunen",
    "ovrigt": "Övrigt",
    "okand": "Okänt",
}

# Closure reasons that count as "avslut till arbete eller studier" (produkt.md, Measures).
AVSLUT_TILL_ARBETE_STUDIER: tuple[str, ...] = ("arbete", "studier")

# Derived variables (never stored). Age = the round's year - fodelsear.
ALDERSGRUPP: dict[str, str] = {
    "16-24": "16–24 år",
    "25-34": "25–34 år",
    "35-44": "35–44 år",
    "45-54": "45–54 år",
    "55-64": "55–64 år",
    "65+": "65 år och äldre",
}
# (code, lowest age, highest age) for the bands; the importer rejects ages outside 16-110.
ALDERSGRUPP_GRANSER: list[tuple[str, int, int]] = [
    ("16-24", 16, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 200),
]
ALDER_MIN, ALDER_MAX = 16, 110

# The seed's "under 25" (age <= 24) and "över 55" (age >= 55): unions of whole bands, so the
# two derived counts never reveal what the bands hide.
ALDER: dict[str, str] = {"under_25": "Under 25 år", "over_55": "55 år och äldre"}

INSKRIVNINGSTID: dict[str, str] = {
    "<1": "Under 1 år",
    "1-2": "1–2 år",
    "2-3": "2–3 år",
    "3+": "3 år eller mer",
}
# (code, lowest completed months, highest completed months)
INSKRIVNINGSTID_GRANSER: list[tuple[str, int, int]] = [
    ("<1", 0, 11),
    ("1-2", 12, 23),
    ("2-3", 24, 35),
    ("3+", 36, 100_000),
]


@dataclass(frozen=True)
class Variabel:
    """One coded variable of ``person`` or ``matning`` (or a derived one).

    Attributes
    ----------
    namn : column name (code), e.g. ``"arbetshinder"``.
    etikett : Swedish label for headings.
    koder : code -> Swedish label, in display order.
    entitet : ``"person"``, ``"matning"`` or ``"harledd"`` (derived, never stored).
    flerval : True for multi-valued columns (codes separated by ``|`` in files).
    ensam : codes that must stand alone in a multi-valued cell (``ingen``, ``inga``).
    blank_tillaten : whether a blank cell is allowed (it then means "Uppgift saknas").
    """

    namn: str
    etikett: str
    koder: dict
    entitet: str
    flerval: bool = False
    ensam: tuple[str, ...] = ()
    blank_tillaten: bool = True


VARIABLER: dict[str, Variabel] = {
    v.namn: v
    for v in [
        Variabel("kon", "Kön", KON, "person"),
        Variabel("fodelseregion", "Födelseregion", FODELSEREGION, "person"),
        Variabel("aldersgrupp", "Åldersgrupp", ALDERSGRUPP, "harledd"),
        Variabel("alder", "Under 25 / 55 år och äldre", ALDER, "harledd"),
        Variabel("inskrivningstid", "Tid med försörjningsstöd", INSKRIVNINGSTID, "harledd"),
        Variabel("hushallstyp", "Hushållstyp", HUSHALLSTYP, "matning"),
        Variabel("hemmavarande_barn", "Hemmavarande barn", JA_NEJ_OKAND, "matning"),
        Variabel("boende", "Boende", BOENDE, "matning"),
        Variabel("hyra_over_skalig", "Hyra över skälig nivå", JA_NEJ_OKAND, "matning"),
        Variabel("utbildning", "Utbildning", UTBILDNING, "matning"),
        Variabel("pagaende_studier", "Pågående studier", PAGAENDE_STUDIER, "matning", True, ("ingen",)),
        Variabel("arbetshistorik", "Arbetshistorik", ARBETSHISTORIK, "matning"),
        Variabel("pagaende_arbete", "Pågående arbete", JA_NEJ_OKAND, "matning"),
        Variabel("af_inskriven", "Inskriven på Arbetsförmedlingen", JA_NEJ_OKAND, "matning"),
        Variabel("a_kassa", "A-kassa", JA_NEJ_OKAND, "matning"),
        Variabel("arbetshinder", "Arbetshinder", ARBETSHINDER, "matning", True, ("inga",)),
        Variabel("halsa", "Hälsa", HALSA, "matning"),
        Variabel("sjukintyg", "Sjukintyg", SJUKINTYG, "matning"),
        Variabel("sjukersattning_avslag", "Avslag på sjukersättning", JA_NEJ_OKAND, "matning"),
        Variabel("missbruk", "Missbruk/beroende", MISSBRUK, "matning"),
        Variabel("huvudsaklig_forsorjning", "Huvudsaklig försörjning", FORSORJNING, "matning"),
        Variabel("andra_ersattningar", "Andra ersättningar", ANDRA_ERSATTNINGAR, "matning", True, ("ingen",)),
        # pagaende_insats: codes are unit codes (read from the enhet table) plus "ingen".
        Variabel("pagaende_insats", "Pågående arbetsmarknadsinsats", {"ingen": "Ingen"}, "matning", True, ("ingen",)),
        Variabel("handlingsplan", "Handlingsplan", JA_NEJ, "matning"),
        Variabel("sip", "Samordnad individuell plan (SIP)", JA_NEJ_OKAND, "matning"),
        Variabel("forandringspotential", "Förändringspotential", FORANDRINGSPOTENTIAL, "matning"),
    ]
}

FLERVAL: tuple[str, ...] = tuple(n for n, v in VARIABLER.items() if v.flerval)
ENKELVAL_MATNING: tuple[str, ...] = tuple(n for n, v in VARIABLER.items() if v.entitet == "matning" and not v.flerval)
HARLEDDA: tuple[str, ...] = tuple(n for n, v in VARIABLER.items() if v.entitet == "harledd")

# Columns of each entity in the exchange format, in file order (datamodell.md).
KOLUMNER: dict[str, list[str]] = {
    "enhet": ["enhet", "namn", "typ"],
    "person": ["person_id", "kon", "fodelsear", "fodelseregion", "hushall_id"],
    "matomgang": ["omgang_id", "datum", "benamning"],
    "matning": [
        "omgang_id",
        "person_id",
        "enhet",
        "handlaggare",
        "inskrivningsdatum",
        "hushallstyp",
        "hemmavarande_barn",
        "boende",
        "hyra_over_skalig",
        "utbildning",
        "pagaende_studier",
        "arbetshistorik",
        "pagaende_arbete",
        "af_inskriven",
        "a_kassa",
        "arbetshinder",
        "halsa",
        "sjukintyg",
        "sjukersattning_avslag",
        "missbruk",
        "huvudsaklig_forsorjning",
        "andra_ersattningar",
        "pagaende_insats",
        "handlingsplan",
        "sip",
        "forandringspotential",
        "bistandsbelopp_kr",
    ],
    "insats": [
        "insats_id",
        "person_id",
        "insatstyp",
        "fran_enhet",
        "till_enhet",
        "remissdatum",
        "startdatum",
        "slutdatum",
        "avslutsorsak",
    ],
    "avslut": ["person_id", "datum", "orsak"],
    "utbetalning": ["hushall_id", "manad", "belopp_kr"],
}

# Entities in the order they must be loaded (references first).
ENTITETER: tuple[str, ...] = ("enhet", "person", "matomgang", "matning", "insats", "avslut", "utbetalning")

# Key columns of each entity.
NYCKLAR: dict[str, tuple[str, ...]] = {
    "enhet": ("enhet",),
    "person": ("person_id",),
    "matomgang": ("omgang_id",),
    "matning": ("omgang_id", "person_id"),
    "insats": ("insats_id",),
    "avslut": ("person_id", "datum"),
    "utbetalning": ("hushall_id", "manad"),
}

# Id-like text columns that are checked for identity numbers (datamodell.md).
ID_KOLUMNER: tuple[str, ...] = ("person_id", "hushall_id", "insats_id", "handlaggare")

ROLLER: dict[str, str] = {
    "politiker": "Politiker",
    "medarbetare": "Medarbetare",
    "processledning": "Processledning",
    "admin": "Administratör",
}


def etikett(variabel: str, kod: str | None) -> str:
    """Swedish label of ``kod`` in ``variabel``; blank/None gives "Uppgift saknas".

    Unit codes (``pagaende_insats``) that are not in the static list are returned as they
    are; pages that need unit names read them from the database.
    """
    if kod is None or kod == "" or kod == SAKNAS:
        return SAKNAS_ETIKETT
    v = VARIABLER.get(variabel)
    if v is None:
        return str(kod)
    return v.koder.get(kod, str(kod))
