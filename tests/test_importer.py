"""The importer (core/importer.py): the exchange format of datamodell.md, on both databases.

Every rejected file must leave the data exactly as it was: the battery compares a full export
(exportera_rader) and the data version before and after.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from core import db, koder
from core.exporter import csv_bytes, exportera_rader
from core.importer import Antal, Importresultat, ar_personnummer, importera, maskera
from core.models import Granskningslogg
from core.omfang import ADMIN

D = dt.date


def matning(person_id: str, omgang_id: str = "2019-09", **varden) -> dict:
    """A matning row with every column blank except the keys, the unit and ``varden``."""
    rad = dict.fromkeys(koder.KOLUMNER["matning"])
    rad.update({"omgang_id": omgang_id, "person_id": person_id, "enhet": "eb", **varden})
    return rad


# A small valid base: three persons (one with every optional field blank), one round,
# their matning rows (one full, one with the stand-alone codes, one nearly blank), two
# interventions, a closure and three monthly payments.
BAS: dict[str, list[dict]] = {
    "person": [
        {"person_id": "p1", "kon": "K", "fodelsear": 1985, "fodelseregion": "sverige", "hushall_id": "h1"},
        {"person_id": "p2", "kon": "M", "fodelsear": 1990, "fodelseregion": "utanfor_europa", "hushall_id": "h2"},
        {"person_id": "p3", "kon": None, "fodelsear": None, "fodelseregion": None, "hushall_id": None},
    ],
    "matomgang": [{"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": "Mätning september 2019"}],
    "matning": [
        matning(
            "p1",
            handlaggare="hl7",
            inskrivningsdatum=D(2017, 3, 1),
            hushallstyp="ensam_med_barn",
            hemmavarande_barn="ja",
            boende="egen",
            pagaende_studier=("sfi",),
            arbetshinder=("psykisk", "svenska"),
            andra_ersattningar=("a_kassa",),
            pagaende_insats=("eai", "af"),
            handlingsplan="ja",
            bistandsbelopp_kr=12345,
        ),
        matning(
            "p2",
            enhet="eai",
            pagaende_studier=("ingen",),
            arbetshinder=("inga",),
            pagaende_insats=("ingen",),
            handlingsplan="nej",
        ),
        matning("p3"),
    ],
    "insats": [
        {
            "insats_id": "i1",
            "person_id": "p1",
            "insatstyp": 1,
            "fran_enhet": "eb",
            "till_enhet": "eai",
            "remissdatum": D(2019, 1, 10),
            "startdatum": D(2019, 2, 1),
            "slutdatum": D(2019, 6, 30),
            "avslutsorsak": "arbete",
        },
        {
            "insats_id": "i2",
            "person_id": "p2",
            "insatstyp": 10,
            "fran_enhet": "eb",
            "till_enhet": "vuxutb",
            "remissdatum": D(2019, 3, 1),
            "startdatum": None,
            "slutdatum": None,
            "avslutsorsak": None,
        },
    ],
    "avslut": [{"person_id": "p1", "datum": D(2019, 8, 31), "orsak": "arbete"}],
    "utbetalning": [
        {"hushall_id": "h1", "manad": "2019-07", "belopp_kr": 8500},
        {"hushall_id": "h1", "manad": "2019-08", "belopp_kr": 9000},
        {"hushall_id": "h2", "manad": "2019-08", "belopp_kr": 4000},
    ],
}


def filer(data: dict[str, list[dict]], encoding: str = "utf-8-sig") -> list[tuple[str, bytes]]:
    """The entities as uploaded CSV files (semicolon, CRLF), one per entity."""
    return [(f"{e}.csv", csv_bytes(e, rader, encoding=encoding)) for e, rader in data.items()]


def andrad(entitet: str, index: int, **andringar) -> dict[str, list[dict]]:
    """The base rows of one entity with row ``index`` changed (the spreadsheet row is index + 2)."""
    rader = copy.deepcopy(BAS[entitet])
    rader[index].update(andringar)
    return {entitet: rader}


def csv_text(rader: list[list[str]], sep: str = ";") -> str:
    return "".join(sep.join(r) + "\r\n" for r in rader)


def arbetsbok(blad: dict[str, list[list]]) -> bytes:
    """A workbook with the given sheets; cells keep their Python type (numbers, dates)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for namn, rader in blad.items():
        ws = wb.create_sheet(namn)
        for rad in rader:
            ws.append(rad)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bytes(innehall: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for namn, data in innehall.items():
            zf.writestr(namn, data)
    return buf.getvalue()


@pytest.fixture
def bas(engine):
    """The engine with the base fixture imported."""
    r = importera(engine, filer(BAS))
    assert r.ok, r.felrapport()
    return engine


def avvisad(engine, kalla) -> Importresultat:
    """Import ``kalla``, expect it rejected, and check that nothing at all changed."""
    fore, version = exportera_rader(engine, ADMIN), db.dataversion(engine)
    r = importera(engine, kalla)
    assert not r.ok and r.fel
    assert r.antal == {}
    assert exportera_rader(engine, ADMIN) == fore
    assert db.dataversion(engine) == version
    return r


def platser(r: Importresultat) -> list[tuple]:
    return [(f.fil, f.rad, f.kolumn, f.varde) for f in r.fel]


# --- the battery of bad files ---------------------------------------------------------------

FELFALL = [
    # (files, (file, row, column, value), a part of the Swedish message)
    pytest.param(
        andrad("matning", 0, boende="villa"),
        ("matning.csv", 2, "boende", "villa"),
        "Okänd kod 'villa' i kolumnen boende. Tillåtna koder: egen, andrahand",
        id="okand-kod",
    ),
    pytest.param(andrad("person", 1, kon="X"), ("person.csv", 3, "kon", "X"), "Tillåtna koder: K, M", id="okant-kon"),
    pytest.param(
        {"enhet": [{"enhet": "ny", "namn": "Ny", "typ": "intern"}]},
        ("enhet.csv", 2, "typ", "intern"),
        "Tillåtna koder: process, kommun, extern",
        id="okand-enhetstyp",
    ),
    pytest.param(
        andrad("matning", 1, handlingsplan="okand"),
        ("matning.csv", 3, "handlingsplan", "okand"),
        "Tillåtna koder: ja, nej.",
        id="handlingsplan-utan-okand",
    ),
    pytest.param(
        andrad("matomgang", 0, datum="2019-02-30"),
        ("matomgang.csv", 2, "datum", "2019-02-30"),
        "Datumet '2019-02-30' i kolumnen datum finns inte",
        id="omojligt-datum",
    ),
    pytest.param(
        andrad("avslut", 0, datum="31/8/2019"),
        ("avslut.csv", 2, "datum", "31/8/2019"),
        "Skriv datum som ÅÅÅÅ-MM-DD",
        id="datum-i-fel-form",
    ),
    pytest.param(
        andrad("matomgang", 0, datum=None),
        ("matomgang.csv", 2, "datum", None),
        "Kolumnen datum får inte vara tom",
        id="obligatoriskt-tomt",
    ),
    pytest.param(
        {"person": BAS["person"] + [{**BAS["person"][0], "kon": "M"}]},
        ("person.csv", 5, "person_id", "p1"),
        "rad 2 och rad 5",
        id="dubblett-person",
    ),
    pytest.param(
        {"matning": BAS["matning"] + [matning("p2")]},
        ("matning.csv", 5, "omgang_id, person_id", "2019-09, p2"),
        "rad 3 och rad 5",
        id="dubblett-matning",
    ),
    pytest.param(
        andrad("insats", 0, person_id="p9"),
        ("insats.csv", 2, "person_id", "p9"),
        "Personen 'p9' i kolumnen person_id finns inte",
        id="saknad-person",
    ),
    pytest.param(
        andrad("avslut", 0, person_id="p9"),
        ("avslut.csv", 2, "person_id", "p9"),
        "Personen 'p9'",
        id="saknad-person-avslut",
    ),
    pytest.param(
        andrad("matning", 2, omgang_id="2020-03"),
        ("matning.csv", 4, "omgang_id", "2020-03"),
        "Mätomgången '2020-03' i kolumnen omgang_id finns inte",
        id="saknad-omgang",
    ),
    pytest.param(
        andrad("matning", 0, enhet="socialtjanst"),
        ("matning.csv", 2, "enhet", "socialtjanst"),
        "Enheten 'socialtjanst' i kolumnen enhet finns inte",
        id="saknad-enhet",
    ),
    pytest.param(
        andrad("insats", 1, till_enhet="skolan"),
        ("insats.csv", 3, "till_enhet", "skolan"),
        "Enheten 'skolan'",
        id="saknad-till-enhet",
    ),
    pytest.param(
        andrad("matning", 0, pagaende_insats="eai|skolan"),
        ("matning.csv", 2, "pagaende_insats", "eai|skolan"),
        "Okänd kod 'skolan' i kolumnen pagaende_insats. Tillåtna koder: ingen, af, annan, eai, eb, fk,",
        id="pagaende-insats-okand-enhet",
    ),
    pytest.param(
        andrad("matning", 0, pagaende_studier="ingen|sfi"),
        ("matning.csv", 2, "pagaende_studier", "ingen|sfi"),
        "Koden 'ingen' i kolumnen pagaende_studier måste stå ensam",
        id="ingen-med-annan-kod",
    ),
    pytest.param(
        andrad("matning", 1, arbetshinder="Psykisk | inga"),
        ("matning.csv", 3, "arbetshinder", "Psykisk | inga"),
        "Koden 'inga' i kolumnen arbetshinder måste stå ensam",
        id="inga-med-annan-kod",
    ),
    pytest.param(
        andrad("matning", 1, pagaende_insats="af|ingen"),
        ("matning.csv", 3, "pagaende_insats", "af|ingen"),
        "Koden 'ingen' i kolumnen pagaende_insats måste stå ensam",
        id="ingen-insats-med-enhet",
    ),
    pytest.param(
        # p1 born 2005 is 2019 - 2005 = 14 in the round of 2019.
        {**andrad("person", 0, fodelsear=2005), "matning": BAS["matning"]},
        ("matning.csv", 2, "person_id", "p1"),
        "Personen är 14 år i mätomgången 2019-09",
        id="for-ung",
    ),
    pytest.param(
        # 2019 - 1905 = 114, above the 110 limit.
        {**andrad("person", 1, fodelsear=1905), "matning": BAS["matning"]},
        ("matning.csv", 3, "person_id", "p2"),
        "Personen är 114 år",
        id="for-gammal",
    ),
    pytest.param(
        andrad("person", 0, fodelsear=1899),
        ("person.csv", 2, "fodelsear", "1899"),
        "måste ligga mellan 1900 och",
        id="fodelsear-fore-1900",
    ),
    pytest.param(
        andrad("matning", 0, inskrivningsdatum=D(2019, 9, 16)),
        ("matning.csv", 2, "inskrivningsdatum", "2019-09-16"),
        "Inskrivningsdatum 2019-09-16 ligger efter mätomgångens datum 2019-09-15",
        id="inskriven-efter-omgangen",
    ),
    pytest.param(
        andrad("insats", 0, slutdatum=D(2019, 1, 31)),
        ("insats.csv", 2, "slutdatum", "2019-01-31"),
        "Slutdatum 2019-01-31 ligger före startdatum 2019-02-01",
        id="slut-fore-start",
    ),
    pytest.param(
        andrad("insats", 0, startdatum=D(2019, 1, 9)),
        ("insats.csv", 2, "startdatum", "2019-01-09"),
        "Startdatum 2019-01-09 ligger före remissdatum 2019-01-10",
        id="start-fore-remiss",
    ),
    pytest.param(
        andrad("insats", 0, startdatum=None),
        ("insats.csv", 2, "slutdatum", "2019-06-30"),
        "Slutdatum är ifyllt men startdatum saknas",
        id="slut-utan-start",
    ),
    pytest.param(
        andrad("insats", 1, avslutsorsak="avbrott"),
        ("insats.csv", 3, "avslutsorsak", "avbrott"),
        "Avslutsorsak 'avbrott' är ifylld men slutdatum saknas",
        id="orsak-medan-pagaende",
    ),
    pytest.param(
        andrad("insats", 1, insatstyp=13),
        ("insats.csv", 3, "insatstyp", "13"),
        "måste ligga mellan 1 och 12",
        id="insatstyp-13",
    ),
    pytest.param(
        andrad("utbetalning", 2, belopp_kr=-100),
        ("utbetalning.csv", 4, "belopp_kr", "-100"),
        "Värdet -100 i kolumnen belopp_kr får inte vara negativt",
        id="negativt-belopp",
    ),
    pytest.param(
        andrad("matning", 0, bistandsbelopp_kr="12,5"),
        ("matning.csv", 2, "bistandsbelopp_kr", "12,5"),
        "'12,5' i kolumnen bistandsbelopp_kr är inte ett heltal",
        id="inte-heltal",
    ),
    pytest.param(
        andrad("utbetalning", 0, manad="2019-13"),
        ("utbetalning.csv", 2, "manad", "2019-13"),
        "Ogiltig månad '2019-13' i kolumnen manad",
        id="manad-13",
    ),
    pytest.param(
        andrad("person", 2, person_id="x" * 33),
        ("person.csv", 4, "person_id", "x" * 33),
        "för långt (33 tecken, högst 32)",
        id="for-langt-id",
    ),
    pytest.param(
        {"enhet": [{"enhet": "Ingen", "namn": "Ingen enhet", "typ": "kommun"}]},
        ("enhet.csv", 2, "enhet", "Ingen"),
        "Enhetskoden 'ingen' är reserverad",
        id="enhet-ingen",
    ),
]


@pytest.mark.parametrize("data, plats, text", FELFALL)
def test_felaktig_fil_avvisas_och_inget_andras(bas, data, plats, text):
    r = avvisad(bas, filer(data))
    assert platser(r) == [plats], r.felrapport()
    assert text in r.fel[0].meddelande


def test_saknad_kolumn(bas):
    kolumner = [k for k in koder.KOLUMNER["matning"] if k != "sip"]
    text = csv_text([kolumner, ["2019-09", "p1", "eb"] + [""] * (len(kolumner) - 3)])
    r = avvisad(bas, [("matning.csv", text.encode())])
    assert platser(r) == [("matning.csv", 1, "sip", None)]
    assert "Kolumnen sip saknas" in r.fel[0].meddelande


def test_okand_extra_kolumn_personnr_stoppar_och_visas_inte(bas):
    text = csv_text(
        [
            ["person_id", "kon", "fodelsear", "fodelseregion", "hushall_id", "personnr"],
            ["p7", "K", "1980", "sverige", "h7", "198001011234"],
            ["p8", "X", "1980", "sverige", "h8", "198001021234"],
        ]
    )
    r = avvisad(bas, [("person.csv", text.encode())])
    # The stray column stops the import; the rows are still checked, its values never shown.
    assert platser(r) == [("person.csv", 1, "personnr", None), ("person.csv", 3, "kon", "X")]
    assert "Okänd kolumn 'personnr'" in r.fel[0].meddelande
    assert "1234" not in r.felrapport()


def test_personnummer_i_flera_stavningar_och_kolumner(bas):
    # Every id-like column, every spelling; all reported at once, masked.
    data = {
        "person": [
            {"person_id": "198501011234", "hushall_id": "h9"},
            {"person_id": "p9", "hushall_id": "19850101-1234"},
        ],
        "matning": [matning("p1", handlaggare="850101-1234")],
        "insats": [{**BAS["insats"][1], "insats_id": "8501011234"}],
        "utbetalning": [
            {"hushall_id": "850101+1234", "manad": "2019-09", "belopp_kr": 1},
            {"hushall_id": "850101 1234", "manad": "2019-09", "belopp_kr": 1},
        ],
    }
    r = avvisad(bas, filer(data))
    assert platser(r) == [
        ("person.csv", 2, "person_id", "19850101-****"),
        ("person.csv", 3, "hushall_id", "19850101-****"),
        ("matning.csv", 2, "handlaggare", "850101-****"),
        ("insats.csv", 2, "insats_id", "850101-****"),
        ("utbetalning.csv", 2, "hushall_id", "850101+****"),
        ("utbetalning.csv", 3, "hushall_id", "850101-****"),
    ]
    assert all("personnummer" in f.meddelande for f in r.fel)
    assert "1234" not in r.felrapport()
    assert "1234" not in r.fel_tabell().to_csv()


def test_personnummer_som_excel_tal(bas):
    bok = arbetsbok(
        {
            "person": [koder.KOLUMNER["person"], [8501011234, "K", 1985, "sverige", 198501011234.0]],
            "avslut": [koder.KOLUMNER["avslut"], [8501011234.0, D(2019, 9, 1), "arbete"]],
        }
    )
    r = avvisad(bas, [("bok.xlsx", bok)])
    assert platser(r) == [
        ("bok.xlsx, blad person", 2, "person_id", "850101-****"),
        ("bok.xlsx, blad person", 2, "hushall_id", "19850101-****"),
        ("bok.xlsx, blad avslut", 2, "person_id", "850101-****"),
    ]
    assert "1234" not in r.felrapport()


@pytest.mark.parametrize(
    "text, personnummer, maskerat",
    [
        ("198501011234", True, "19850101-****"),
        ("19850101-1234", True, "19850101-****"),
        ("850101-1234", True, "850101-****"),
        ("8501011234", True, "850101-****"),
        ("850101+1234", True, "850101+****"),
        ("850101 1234", True, "850101-****"),
        ("85-01-01-1234", True, "850101-****"),
        ("värde 850101-1234 i text", False, "värde 850101-**** i text"),
        ("p123", False, "p123"),
        ("123456789", False, "123456789"),  # nine digits: not an identity number
        ("2019-02-30", False, "2019-02-30"),
    ],
)
def test_maskera(text, personnummer, maskerat):
    assert ar_personnummer(text) is personnummer
    assert maskera(text) == maskerat


def test_tom_zip(bas):
    r = avvisad(bas, [("data.zip", zip_bytes({}))])
    assert platser(r) == [("data.zip", None, None, None)]
    assert "ingen känd fil eller flik" in r.fel[0].meddelande


def test_arbetsbok_med_bara_fel_bladnamn(bas):
    bok = arbetsbok({"Personer": [koder.KOLUMNER["person"], ["p7", "K", 1980, "sverige", "h7"]], "Blad1": [["x"]]})
    r = avvisad(bas, [("bok.xlsx", bok)])
    assert platser(r) == [("bok.xlsx", None, None, None)]
    assert "ingen känd fil eller flik" in r.fel[0].meddelande
    assert len(r.varningar) == 2 and "'Personer'" in r.varningar[0] and "'Blad1'" in r.varningar[1]


def test_flera_fel_i_flera_filer_listas_alla(bas):
    data = {
        **andrad("person", 1, kon="X"),
        "matning": [{**BAS["matning"][0], "boende": "villa", "handlingsplan": "kanske"}],
        **andrad("utbetalning", 2, manad="2019-13"),
        "avslut": [{"person_id": "p9", "datum": "2019-02-30", "orsak": "arbete"}],
    }
    r = avvisad(bas, filer(data))
    assert platser(r) == [
        ("person.csv", 3, "kon", "X"),
        ("matning.csv", 2, "boende", "villa"),
        ("matning.csv", 2, "handlingsplan", "kanske"),
        ("avslut.csv", 2, "person_id", "p9"),
        ("avslut.csv", 2, "datum", "2019-02-30"),
        ("utbetalning.csv", 4, "manad", "2019-13"),
    ]
    assert len(r.felrapport().splitlines()) == 6


def test_fel_i_excel_tal(bas):
    kolumner = koder.KOLUMNER["matning"]
    rad = [None] * len(kolumner)
    rad[:3] = ["2019-09", "p1", "eb"]
    rad[kolumner.index("bistandsbelopp_kr")] = 1234.5
    r = avvisad(bas, [("bok.xlsx", arbetsbok({"matning": [kolumner, rad]}))])
    assert platser(r) == [("bok.xlsx, blad matning", 2, "bistandsbelopp_kr", "1234.5")]


def test_referens_loses_mot_filen_i_samma_import(engine):
    # A new person and a new unit referenced from matning in the same import are fine;
    # the same matning without them is not (the person and the unit do not exist).
    ny = {
        "enhet": [{"enhet": "soc", "namn": "Socialpsykiatrin", "typ": "kommun"}],
        "person": [{"person_id": "p4", "kon": "K", "fodelsear": 1970}],
        "matomgang": BAS["matomgang"],
        "matning": [matning("p4", enhet="SOC", pagaende_insats="soc")],
    }
    r = avvisad(engine, filer({k: v for k, v in ny.items() if k not in ("enhet", "person")}))
    assert [f.kolumn for f in r.fel] == ["person_id", "enhet", "pagaende_insats"]
    r = importera(engine, filer(ny))
    assert r.ok, r.felrapport()
    rad = exportera_rader(engine, ADMIN)["matning"][0]
    assert (rad["enhet"], rad["pagaende_insats"]) == ("soc", ("soc",))


# --- what must be accepted ----------------------------------------------------------------

BENAMNING = "Mätning höst – Åre, Öst"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_kodningar_och_avgransare(engine, encoding, sep):
    text = csv_text([["omgang_id", "datum", "benamning"], ["2019-09", "2019-09-15", f'"{BENAMNING}"']], sep=sep)
    enhet = csv_text([["enhet", "namn", "typ"], ["ost", "Enheten för vård – Östra Ålö", "kommun"]], sep=sep)
    r = importera(engine, [("matomgang.csv", text.encode(encoding)), ("enhet.csv", enhet.encode(encoding))])
    assert r.ok, r.felrapport()
    rader = exportera_rader(engine, ADMIN)
    assert rader["matomgang"] == [{"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": BENAMNING}]
    assert {"enhet": "ost", "namn": "Enheten för vård – Östra Ålö", "typ": "kommun"} in rader["enhet"]


def test_rubriker_i_annat_skiftlage_och_med_mellanslag(engine):
    text = csv_text(
        [[" Person_ID ", "KON", "Fodelsear ", " fodelseREGION", "hushall_id"], ["p1", "k", "1985", "Sverige", "h1"]]
    )
    r = importera(engine, [("PERSON.CSV", text.encode())])
    assert r.ok, r.felrapport()
    assert exportera_rader(engine, ADMIN)["person"] == [BAS["person"][0]]


def test_koder_i_annat_skiftlage_med_mellanslag_och_tusentalsavgransare(bas):
    andrade = {
        **andrad("person", 0, kon=" k ", fodelseregion=" SVERIGE"),
        "matning": [
            {
                **BAS["matning"][0],
                "hemmavarande_barn": "Ja",
                "boende": " Egen ",
                "pagaende_studier": "SFI",
                "arbetshinder": " Svenska | psykisk|svenska ",  # a repeated code counts once
                "andra_ersattningar": "A_kassa",
                "pagaende_insats": "AF | Eai",
                "handlingsplan": "JA",
                "bistandsbelopp_kr": "12 345",
            }
        ],
        "utbetalning": [
            {**BAS["utbetalning"][0], "belopp_kr": "8\u00a0500"},
            {**BAS["utbetalning"][1], "belopp_kr": "9\u202f000"},
        ],
    }
    fore = exportera_rader(bas, ADMIN)
    r = importera(bas, filer(andrade))
    assert r.ok, r.felrapport()
    # Every value equals the base once case, spaces and separators are read: nothing changed.
    assert r.antal == {"person": Antal(0, 0, 3), "matning": Antal(0, 0, 1), "utbetalning": Antal(0, 0, 2)}
    assert exportera_rader(bas, ADMIN) == fore


def test_rubrikrad_utan_rader_ar_giltig(bas):
    fore, version = exportera_rader(bas, ADMIN), db.dataversion(bas)
    r = importera(bas, [("person.csv", csv_bytes("person", []))])
    assert r.ok and r.antal == {"person": Antal(0, 0, 0)}
    assert exportera_rader(bas, ADMIN) == fore
    assert db.dataversion(bas) != version  # every committed import gives a new data version


def test_arbetsbok_med_datum_och_talceller(engine):
    # What Excel makes of typed values: 2019-09 becomes the date 2019-09-01, ids and years
    # become numbers; the importer reads them back as the texts and integers they were.
    matningsrad = [None] * len(koder.KOLUMNER["matning"])
    matningsrad[:5] = [dt.datetime(2019, 9, 1), 1234.0, "EB", 77, dt.datetime(2018, 5, 2)]
    matningsrad[-1] = 1500.0
    bok = arbetsbok(
        {
            "matomgang": [koder.KOLUMNER["matomgang"], [dt.datetime(2019, 9, 1), dt.datetime(2019, 9, 15), "Höst"]],
            "person": [koder.KOLUMNER["person"], [1234.0, "M", 1985.0, None, 5678]],
            "matning": [koder.KOLUMNER["matning"], matningsrad],
            "insats": [
                koder.KOLUMNER["insats"],
                ["i1", 1234, 3.0, "eb", "af", dt.datetime(2019, 1, 2), "2019-01-03", None, None],
            ],
            "utbetalning": [koder.KOLUMNER["utbetalning"], [5678.0, dt.datetime(2019, 8, 1), 4000.0]],
        }
    )
    r = importera(engine, [("export.xlsx", bok)])
    assert r.ok, r.felrapport()
    rader = exportera_rader(engine, ADMIN)
    assert rader["matomgang"] == [{"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": "Höst"}]
    assert rader["person"] == [
        {"person_id": "1234", "kon": "M", "fodelsear": 1985, "fodelseregion": None, "hushall_id": "5678"}
    ]
    m = rader["matning"][0]
    assert (m["omgang_id"], m["person_id"], m["enhet"], m["handlaggare"], m["inskrivningsdatum"]) == (
        "2019-09",
        "1234",
        "eb",
        "77",
        D(2018, 5, 2),
    )
    assert m["bistandsbelopp_kr"] == 1500
    assert rader["insats"][0]["insatstyp"] == 3 and rader["insats"][0]["startdatum"] == D(2019, 1, 3)
    assert rader["utbetalning"] == [{"hushall_id": "5678", "manad": "2019-08", "belopp_kr": 4000}]


def test_zip_med_mapp_och_okand_fil(engine, tmp_path):
    innehall = {f"export/{namn.title()}": data for namn, data in filer(BAS)}
    innehall["export/LASMIG.txt"] = b"hej"
    innehall["export/personer.csv"] = b"x;y\r\n"
    r = importera(engine, [("data.zip", zip_bytes(innehall))])
    assert r.ok, r.felrapport()
    assert r.antal["person"] == Antal(3, 0, 0)
    assert len(r.varningar) == 2
    # The same as a path to a .zip file.
    (tmp_path / "data.zip").write_bytes(zip_bytes(innehall))
    r = importera(engine, tmp_path / "data.zip")
    assert r.ok and r.antal["utbetalning"] == Antal(0, 0, 3)


def test_mapp_och_enskild_csv_som_sokvag(engine, tmp_path):
    mapp = tmp_path / "export"
    mapp.mkdir()
    for namn, data in filer(BAS, encoding="cp1252"):
        (mapp / namn).write_bytes(data)
    r = importera(engine, str(mapp))
    assert r.ok, r.felrapport()
    assert r.filer == sorted(f"export/{e}.csv" for e in BAS)
    r = importera(engine, mapp / "person.csv")
    assert r.ok and r.antal == {"person": Antal(0, 0, 3)} and r.filer == ["person.csv"]


def test_omimport_andrar_ingenting(bas):
    fore, version = exportera_rader(bas, ADMIN), db.dataversion(bas)
    r = importera(bas, filer(BAS))
    assert r.ok
    # Every row of BAS is already stored unchanged: 3 persons, 1 round, 3 matning, ...
    assert r.antal == {e: Antal(0, 0, len(rader)) for e, rader in BAS.items()}
    assert exportera_rader(bas, ADMIN) == fore
    assert db.dataversion(bas) != version  # every committed import gives a new data version


def test_andrad_rad_ar_en_uppdatering(bas):
    version = db.dataversion(bas)
    data = {
        **andrad("person", 1, kon="K"),
        # Only a multi-valued code differs: still an update of that matning row.
        **andrad("matning", 0, arbetshinder=("psykisk",)),
        "utbetalning": BAS["utbetalning"] + [{"hushall_id": "h2", "manad": "2019-09", "belopp_kr": 3900}],
    }
    r = importera(bas, filer(data))
    assert r.ok, r.felrapport()
    assert r.antal == {
        "person": Antal(0, 1, 2),
        "matning": Antal(0, 1, 2),
        "utbetalning": Antal(1, 0, 3),
    }
    assert r.text() == (
        "person: 0 nya, 1 ändrade, 2 oförändrade; matning: 0 nya, 1 ändrade, 2 oförändrade; "
        "utbetalning: 1 nya, 0 ändrade, 3 oförändrade"
    )
    rader = exportera_rader(bas, ADMIN)
    assert rader["person"][1]["kon"] == "K"
    assert rader["matning"][0]["arbetshinder"] == ("psykisk",)
    assert rader["matning"][0]["pagaende_insats"] == ("af", "eai")  # unit codes in alphabetical order
    assert db.dataversion(bas) != version


def test_tom_cell_skriver_over(bas):
    data = {
        **andrad("person", 0, fodelseregion=None, hushall_id=None),
        **andrad("matning", 0, arbetshinder=None, bistandsbelopp_kr=None),
    }
    r = importera(bas, filer(data))
    assert r.ok and r.antal["person"] == Antal(0, 1, 2) and r.antal["matning"] == Antal(0, 1, 2)
    rader = exportera_rader(bas, ADMIN)
    assert rader["person"][0] == {**BAS["person"][0], "fodelseregion": None, "hushall_id": None}
    assert rader["matning"][0]["arbetshinder"] == ()
    assert rader["matning"][0]["bistandsbelopp_kr"] is None
    assert rader["matning"][0]["pagaende_studier"] == ("sfi",)  # other codes of the row kept


def test_provkorning_sparar_inget_men_raknar_ratt(bas):
    fore, version = exportera_rader(bas, ADMIN), db.dataversion(bas)
    data = {"person": copy.deepcopy(BAS["person"]) + [{"person_id": "p4", "kon": "M", "fodelsear": 2000}]}
    data["person"][0]["kon"] = "M"
    r = importera(bas, filer(data), provkor=True, anvandare="anna")
    assert r.ok and r.provkor
    # p4 is new, p1 changed, p2 and p3 as stored.
    assert r.antal == {"person": Antal(1, 1, 2)}
    assert exportera_rader(bas, ADMIN) == fore
    assert db.dataversion(bas) == version
    with bas.connect() as c:
        assert c.execute(select(Granskningslogg)).all() == []
    # The real import does exactly what the preview said.
    assert importera(bas, filer(data)).antal == r.antal


def test_granskningslogg_for_lyckad_och_misslyckad_import(bas):
    assert importera(bas, filer(andrad("person", 0, hushall_id="850101-1234")), anvandare="anna").ok is False
    assert importera(bas, filer({"person": BAS["person"]}), anvandare="anna").ok
    g = Granskningslogg
    with bas.connect() as c:
        logg = c.execute(select(g.anvandare, g.handelse, g.lyckad, g.detalj).order_by(g.id)).all()
    assert [tuple(rad[:3]) for rad in logg] == [("anna", "import", False), ("anna", "import", True)]
    misslyckad, lyckad = (json.loads(g.detalj) for g in logg)
    assert misslyckad == {"filer": ["person.csv"], "antal": {}, "fel": 1, "varningar": 0}
    assert lyckad["antal"] == {"person": {"insatta": 0, "uppdaterade": 0, "oforandrade": 3}}
    assert "1234" not in logg[0].detalj and "h1" not in logg[1].detalj


def test_resultatets_tabell_och_rapport(bas):
    r = avvisad(bas, filer({**andrad("person", 1, kon="X"), **andrad("utbetalning", 0, belopp_kr="-5")}))
    tabell = r.fel_tabell()
    assert list(tabell.columns) == ["fil", "rad", "kolumn", "varde", "meddelande"]
    assert tabell[["fil", "rad", "kolumn", "varde"]].values.tolist() == [
        ["person.csv", 3, "kon", "X"],
        ["utbetalning.csv", 2, "belopp_kr", "-5"],
    ]
    assert r.felrapport().splitlines()[0].startswith("person.csv, rad 3: Okänd kod 'X' i kolumnen kon.")
    assert r.text() == "Importen avbröts: 2 fel. Ingenting sparades."
    assert r.sammanfattning() == {"filer": ["person.csv", "utbetalning.csv"], "antal": {}, "fel": 2, "varningar": 0}


def test_fel_i_rubriken_ger_inga_foljdfel(bas):
    # person.csv lacks a column, so its rows are not read; matning's reference to the new
    # person p4 is then not checked either: one header error, no follow-on errors.
    person = csv_text([["person_id", "kon", "fodelsear", "hushall_id"], ["p4", "K", "1980", "h4"]])
    data = [("person.csv", person.encode()), *filer({"matning": [matning("p4")]})]
    r = avvisad(bas, data)
    assert platser(r) == [("person.csv", 1, "fodelseregion", None)]


PERSON_RUBRIK = ";".join(koder.KOLUMNER["person"])


@pytest.mark.parametrize(
    "namn, data, plats, text",
    [
        ("bok.xlsx", b"inte en arbetsbok", ("bok.xlsx", None, None, None), "kunde inte läsas som en Excel-arbetsbok"),
        ("bok.xls", b"\xd0\xcf\x11\xe0", ("bok.xls", None, None, None), ".xls stöds inte"),
        ("person.csv", b"", ("person.csv", None, None, None), "Filen är tom"),
        (
            "person.csv",
            f"{PERSON_RUBRIK}\r\np7;K;1980;sverige;h7;extra\r\n".encode(),
            ("person.csv", 2, None, None),
            "fler värden än rubrikraden",
        ),
    ],
)
def test_filer_som_inte_kan_lasas(bas, namn, data, plats, text):
    r = avvisad(bas, [(namn, data)])
    assert platser(r) == [plats]
    assert text in r.fel[0].meddelande


def test_samma_tabell_i_tva_filer(bas):
    r = avvisad(bas, [*filer({"person": BAS["person"]}), ("export.zip", zip_bytes(dict(filer({"person": []}))))])
    assert [f.meddelande for f in r.fel] == [
        "person finns i flera filer: person.csv, export.zip/person.csv. Ge varje tabell en gång."
    ]


def test_varje_kolumn_i_formatet_har_en_regel():
    from core.importer import _schema

    assert {e: [k.namn for k in kolumner] for e, kolumner in _schema().items()} == koder.KOLUMNER


def test_andra_ersattningar_ingen_star_ensam(bas):
    # datamodell.md: "ingen" (Inga andra ersättningar) stands alone, so "none" is an answer
    # and a blank only means "not answered".
    r = importera(bas, filer({"matning": [{**BAS["matning"][2], "andra_ersattningar": ("ingen",)}]}))
    assert r.ok, r.felrapport()
    assert r.antal == {"matning": Antal(0, 1, 0)}
    assert koder.etikett("andra_ersattningar", "ingen") == "Inga andra ersättningar"
    r = avvisad(bas, filer({"matning": [{**BAS["matning"][2], "andra_ersattningar": ("ingen", "lon")}]}))
    assert [f.kolumn for f in r.fel] == ["andra_ersattningar"]
