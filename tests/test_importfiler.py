"""The importer under real files and hostile ones (issue 11), on SQLite and PostgreSQL.

Every file is written here the way the tool named writes it: Excel's "Unicode-text"
(UTF-16LE with BOM, tab-separated, CRLF), CSV saved by LibreOffice or Excel (Windows-1252 or
UTF-8, semicolons, quotes only where needed), openpyxl workbooks (formula cells without a
stored value, as openpyxl and some export tools leave them), zip files made with zipfile.
Every refused file must leave the data and the data version exactly as they were.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from core import db, koder
from core.exporter import csv_bytes, exportera_rader
from core.importer import importera
from core.models import Granskningslogg
from core.omfang import ADMIN
from tests.test_importer import BAS, avvisad, csv_text, filer, matning, platser

D = dt.date
IDAG = dt.date.today()


@pytest.fixture
def bas(engine):
    r = importera(engine, filer(BAS))
    assert r.ok, r.felrapport()
    return engine


def _person(**andring) -> dict:
    return {"person_id": "p7", "kon": "K", "fodelsear": 1980, "fodelseregion": "sverige", "hushall_id": "h7", **andring}


# --- identity numbers in disguise ------------------------------------------------------------

FORKLADDA = [
    pytest.param("850707\u20139876", "850707-****", id="tankstreck"),
    pytest.param("850707\u22129876", "850707-****", id="minustecken"),
    pytest.param("850707-98\u200b76", "850707-****", id="nollbreddsmellanslag"),
    pytest.param("8507\u00ad07-9876", "850707-****", id="mjukt-bindestreck"),
    pytest.param(
        "\uff18\uff15\uff10\uff17\uff10\uff17\uff0d\uff19\uff18\uff17\uff16", "850707-****", id="helbreddssiffror"
    ),
    pytest.param("P19850707-9876", "P19850707-****", id="prefix"),
    pytest.param("19850707 - 9876", "19850707-****", id="mellanslag-kring-strecket"),
]


@pytest.mark.parametrize("varde, maskerat", FORKLADDA)
def test_personnummer_i_forkladnad_i_id_kolumn(bas, varde, maskerat):
    r = avvisad(bas, filer({"person": [_person(person_id=varde)]}))
    assert platser(r) == [("person.csv", 2, "person_id", maskerat)]
    assert "personnummer" in r.fel[0].meddelande
    assert "9876" not in r.felrapport() and "９８７６" not in r.felrapport()


@pytest.mark.parametrize(
    "data, plats",
    [
        pytest.param(
            {"matomgang": [{"omgang_id": "19850707-9876", "datum": D(2019, 9, 15), "benamning": None}]},
            ("matomgang.csv", 2, "omgang_id", "19850707-****"),
            id="som-omgangs-id",
        ),
        pytest.param(
            {"enhet": [{"enhet": "850707\u20139876", "namn": "Enhet", "typ": "kommun"}]},
            ("enhet.csv", 2, "enhet", "850707-****"),
            id="som-enhetskod",
        ),
        pytest.param(
            {"enhet": [{"enhet": "ny", "namn": "Handläggare P19850707-9876", "typ": "kommun"}]},
            ("enhet.csv", 2, "namn", "Handläggare P19850707-****"),
            id="i-ett-namn",
        ),
        pytest.param(
            {
                "matomgang": [
                    {"omgang_id": "2020-03", "datum": D(2020, 3, 15), "benamning": "Mätning för 19850707\u20119876"}
                ]
            },
            ("matomgang.csv", 2, "benamning", "Mätning för 19850707-****"),
            id="i-en-benamning",
        ),
        pytest.param(
            {"matning": [matning("p1", handlaggare="hl 850707\u00ad9876")]},
            ("matning.csv", 2, "handlaggare", "hl 850707-****"),
            id="i-handlaggarkod",
        ),
    ],
)
def test_personnummer_var_som_helst_i_textkolumner(bas, data, plats):
    r = avvisad(bas, filer(data))
    assert platser(r) == [plats]
    assert "9876" not in r.felrapport()


def test_telefonnummer_och_datum_i_namn_ar_inte_personnummer(bas):
    data = {
        "enhet": [{"enhet": "tel", "namn": "Växel +46 60 12 34 56", "typ": "extern"}],
        "matomgang": [{"omgang_id": "2020-03", "datum": D(2020, 3, 15), "benamning": "Mätning 2020-03-15 kl 1030"}],
    }
    r = importera(bas, filer(data))
    assert r.ok, r.felrapport()


def test_id_lagras_normaliserat(bas):
    # Full-width letters and a zero-width space in a new id are stored as the plain id.
    r = importera(bas, filer({"person": [_person(person_id="\uff50\u200b7")]}))
    assert r.ok, r.felrapport()
    assert "p7" in {p["person_id"] for p in exportera_rader(bas, ADMIN)["person"]}


# --- text that does not make sense --------------------------------------------------------------

RUBRIK = ";".join(koder.KOLUMNER["person"])


def test_utf8_med_en_rad_i_windows_1252_avvisas(bas):
    # LibreOffice saved the file as UTF-8; one line was pasted in from a Windows-1252 file.
    data = (
        f"{RUBRIK}\r\np7;K;1980;sverige;Hå7\r\n".encode()
        + "p8;M;1981;sverige;Hö8\r\n".encode("cp1252")
        + b"p9;K;1982;europa;h9\r\n"
    )
    r = avvisad(bas, [("person.csv", data)])
    assert platser(r) == [("person.csv", 3, None, None)]
    assert "blandar teckenkodningar" in r.fel[0].meddelande


def test_windows_1252_med_en_rad_i_utf8_avvisas(bas):
    data = f"{RUBRIK}\r\np7;K;1980;sverige;Hå7\r\n".encode("cp1252") + "p8;M;1981;sverige;Hö8\r\n".encode()
    r = avvisad(bas, [("person.csv", data)])
    assert platser(r) == [("person.csv", 3, None, None)]
    assert "blandar teckenkodningar" in r.fel[0].meddelande


def test_utf8_med_bom_och_ogiltig_byte_avvisas(bas):
    data = codecs.BOM_UTF8 + f"{RUBRIK}\r\np7;K;1980;sverige;h\xe57\r\n".encode("latin-1")
    r = avvisad(bas, [("person.csv", data)])
    assert platser(r) == [("person.csv", 2, None, None)]


def test_citattecken_som_aldrig_stangs_avvisas_med_raden(bas):
    text = f'{RUBRIK}\r\np7;K;1980;sverige;"h7\r\np8;M;1981;sverige;h8\r\np9;K;1982;europa;h9\r\n'
    r = avvisad(bas, [("person.csv", text.encode())])
    assert platser(r) == [("person.csv", 2, None, None)]
    assert "stängs aldrig" in r.fel[0].meddelande


def test_citattecken_som_stangs_langre_ner_avvisas(bas):
    # The stray quote on row 2 is "closed" by another on row 4: rows 3 and 4 would be one field.
    text = f'{RUBRIK}\r\np7;K;1980;sverige;"h7\r\np8;M;1981;sverige;h8\r\np9;K;1982;europa;h"9\r\n'
    r = avvisad(bas, [("person.csv", text.encode())])
    assert platser(r) == [("person.csv", 2, None, None)]


@pytest.mark.parametrize(
    "rad, text",
    [
        pytest.param('p7;K;1980;sverige;h"7', "mitt i ett fält", id="citat-i-ociterat-falt"),
        pytest.param('p7;K;1980;sverige;"h7"x', "efter ett avslutande citattecken", id="text-efter-citat"),
    ],
)
def test_citattecken_inne_i_falt_avvisas(bas, rad, text):
    r = avvisad(bas, [("person.csv", f"{RUBRIK}\r\np6;K;1980;sverige;h6\r\n{rad}\r\n".encode())])
    assert platser(r) == [("person.csv", 3, None, None)]
    assert text in r.fel[0].meddelande


def test_riktiga_citattecken_och_radbrytning_i_falt_godtas(engine):
    # As Excel and LibreOffice quote: a field with the separator, a quote or a line break.
    text = 'omgang_id;datum;benamning\r\n2019-09;2019-09-15;"Höst; ""stora"" mätningen\r\nrad två"\r\n'
    r = importera(engine, [("matomgang.csv", text.encode("cp1252"))])
    assert r.ok, r.felrapport()
    assert exportera_rader(engine, ADMIN)["matomgang"][0]["benamning"] == 'Höst; "stora" mätningen\r\nrad två'


# --- exports that must be accepted ---------------------------------------------------------


def test_excel_unicode_text_utf16_tabbar(engine):
    """Excel's "Spara som → Unicode-text": UTF-16LE with BOM, tab-separated, CRLF."""
    rader = [koder.KOLUMNER["person"], ["p7", "K", "1980", "sverige", "hå7"], ["p8", "M", "", "okand", ""]]
    data = codecs.BOM_UTF16_LE + "".join("\t".join(r) + "\r\n" for r in rader).encode("utf-16-le")
    r = importera(engine, [("person.csv", data)])
    assert r.ok, r.felrapport()
    assert exportera_rader(engine, ADMIN)["person"] == [
        {"person_id": "p7", "kon": "K", "fodelsear": 1980, "fodelseregion": "sverige", "hushall_id": "hå7"},
        {"person_id": "p8", "kon": "M", "fodelsear": None, "fodelseregion": "okand", "hushall_id": None},
    ]


@pytest.mark.parametrize("kodning", ["utf-8-sig", "cp1252", "utf-16"])
def test_tabbavgransad_csv(engine, kodning):
    text = csv_text([["omgang_id", "datum", "benamning"], ["2019-09", "2019-09-15", "Mätning höst"]], sep="\t")
    r = importera(engine, [("matomgang.csv", text.encode(kodning))])
    assert r.ok, r.felrapport()
    assert exportera_rader(engine, ADMIN)["matomgang"][0]["benamning"] == "Mätning höst"


def test_bara_cr_som_radslut(engine):
    text = "omgang_id;datum;benamning\r2019-09;2019-09-15;Höst\r"
    r = importera(engine, [("matomgang.csv", text.encode("cp1252"))])
    assert r.ok and r.antal["matomgang"].insatta == 1, r.felrapport()


def test_utf16_med_ogiltigt_tecken_avvisas(bas):
    data = codecs.BOM_UTF16_LE + f"{RUBRIK}\r\n".encode("utf-16-le") + b"p\x00\x00\xd8"  # a lone surrogate
    r = avvisad(bas, [("person.csv", data)])
    assert platser(r) == [("person.csv", 2, None, None)]


# --- values nobody typed ---------------------------------------------------------------------


def test_formel_utan_sparat_varde_avvisas(bas):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "person"
    ws.append(koder.KOLUMNER["person"])
    ws.append(["p7", "K", "=1970+10", "sverige", "h7"])  # openpyxl stores no cached value
    buf = io.BytesIO()
    wb.save(buf)
    r = avvisad(bas, [("bok.xlsx", buf.getvalue())])
    assert platser(r) == [("bok.xlsx, blad person", 2, "fodelsear", None)]
    assert "formel utan sparat värde" in r.fel[0].meddelande


def test_formel_med_sparat_varde_godtas(engine):
    """LibreOffice and Excel store the result with the formula: the result is read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "person"
    ws.append(koder.KOLUMNER["person"])
    ws.append(["p7", "K", 1980, "sverige", "h7"])
    buf = io.BytesIO()
    wb.save(buf)
    # Give the birth-year cell a formula next to its stored value, as a calculated file has.
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin:
        delar = {i.filename: zin.read(i) for i in zin.infolist()}
    blad = delar["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="C2" t="n"><v>1980</v></c>' in blad
    delar["xl/worksheets/sheet1.xml"] = blad.replace(
        '<c r="C2" t="n"><v>1980</v></c>', '<c r="C2"><f>1970+10</f><v>1980</v></c>'
    ).encode()
    ut = io.BytesIO()
    with zipfile.ZipFile(ut, "w") as zout:
        for namn, data in delar.items():
            zout.writestr(namn, data)
    r = importera(engine, [("bok.xlsx", ut.getvalue())])
    assert r.ok, r.felrapport()
    assert exportera_rader(engine, ADMIN)["person"][0]["fodelsear"] == 1980


def _ett_ar_fram(d: dt.date, dagar: int = 1) -> dt.date:
    try:
        return d.replace(year=d.year + 1) + dt.timedelta(days=dagar)
    except ValueError:
        return d.replace(year=d.year + 1, day=28) + dt.timedelta(days=dagar)


@pytest.mark.parametrize(
    "data, plats",
    [
        pytest.param(
            {"matomgang": [{"omgang_id": "2099-09", "datum": D(2099, 9, 15), "benamning": None}]},
            ("matomgang.csv", 2, "datum", "2099-09-15"),
            id="omgang-2099",
        ),
        pytest.param(
            {"avslut": [{"person_id": "p1", "datum": D(2031, 5, 1), "orsak": "arbete"}]},
            ("avslut.csv", 2, "datum", "2031-05-01"),
            id="avslut-2031",
        ),
        pytest.param(
            {"insats": [{**BAS["insats"][1], "remissdatum": D(2040, 1, 1)}]},
            ("insats.csv", 2, "remissdatum", "2040-01-01"),
            id="remiss-2040",
        ),
        pytest.param(
            {"utbetalning": [{"hushall_id": "h1", "manad": "2045-01", "belopp_kr": 100}]},
            ("utbetalning.csv", 2, "manad", "2045-01"),
            id="manad-2045",
        ),
        pytest.param(
            {"avslut": [{"person_id": "p1", "datum": _ett_ar_fram(IDAG), "orsak": "arbete"}]},
            ("avslut.csv", 2, "datum", _ett_ar_fram(IDAG).isoformat()),
            id="en-dag-for-sent",
        ),
    ],
)
def test_datum_mer_an_ett_ar_fram_avvisas(bas, data, plats):
    r = avvisad(bas, filer(data))
    assert platser(r) == [plats]
    assert "mer än ett år efter dagens datum" in r.fel[0].meddelande


def test_datum_inom_ett_ar_fram_godtas(bas):
    r = importera(bas, filer({"avslut": [{"person_id": "p1", "datum": _ett_ar_fram(IDAG, 0), "orsak": "arbete"}]}))
    assert r.ok, r.felrapport()


# --- zip bombs ------------------------------------------------------------------------------


def _nollbomb(storlek: int, namn: str = "person.csv") -> bytes:
    """A zip whose member unpacks to ``storlek`` NUL bytes (written in pieces, never whole)."""
    buf = io.BytesIO()
    bit = bytes(1 << 20)
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open(namn, "w", force_zip64=True) as f,
    ):
        for _ in range(storlek // len(bit)):
            f.write(bit)
    return buf.getvalue()


def test_zipbomb_avvisas_innan_den_packas_upp(bas):
    bomb = _nollbomb(1 << 30)
    assert len(bomb) < 2 << 20  # about 1 MB packed
    r = avvisad(bas, [("data.zip", bomb)])
    assert platser(r) == [("data.zip", None, None, None)]
    assert "zip-bomb" in r.fel[0].meddelande and "1 024 MB" in r.fel[0].meddelande


def test_arbetsbok_med_bomb_avvisas(bas):
    """A workbook is a zip: a sheet that unpacks a thousand times its size is refused unread."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (64 << 20))
    r = avvisad(bas, [("bok.xlsx", buf.getvalue())])
    assert platser(r) == [("bok.xlsx", None, None, None)]
    assert "zip-bomb" in r.fel[0].meddelande


def test_rad_utan_radslut_avvisas(bas):
    # A CSV of 3 MB without one line break: refused before it is held in memory.
    data = RUBRIK.encode() + b"\r\n" + b"x" * (3 << 20)
    r = avvisad(bas, [("person.csv", data)])
    assert platser(r) == [("person.csv", 2, None, None)]
    assert "orimligt lång" in r.fel[0].meddelande


# --- near-duplicate ids --------------------------------------------------------------------


def test_id_som_skiljer_sig_i_skiftlage_eller_nollor_kraver_bekraftelse(engine):
    assert importera(engine, filer({"person": [_person(person_id="P0001"), _person(person_id="00123")]})).ok
    fore, version = exportera_rader(engine, ADMIN), db.dataversion(engine)
    nya = {"person": [_person(person_id="p0001"), _person(person_id="123"), _person(person_id="p5")]}

    forhand = importera(engine, filer(nya), provkor=True)
    assert forhand.ok and forhand.antal["person"].insatta == 3
    assert [(li.rad, li.ny, li.befintlig, li.i_databasen) for li in forhand.liknande] == [
        (2, "p0001", "P0001", True),
        (3, "123", "00123", True),
    ]
    assert "liknar 'P0001' som redan finns" in forhand.liknande[0].text()

    r = importera(engine, filer(nya), anvandare="anna")
    assert not r.ok and r.behover_bekraftelse and r.antal == {}
    assert "2 nya person-id liknar" in r.fel[0].meddelande
    assert exportera_rader(engine, ADMIN) == fore and db.dataversion(engine) == version

    r = importera(engine, filer(nya), godta_liknande=True, anvandare="anna")
    assert r.ok, r.felrapport()
    assert {"p0001", "123", "p5"} <= {p["person_id"] for p in exportera_rader(engine, ADMIN)["person"]}
    with engine.connect() as c:
        detaljer = [json.loads(d) for d in c.execute(select(Granskningslogg.detalj)).scalars()]
    assert [d.get("liknande_id") for d in detaljer] == [2, 2]


def test_liknande_id_inom_samma_fil(engine):
    r = importera(engine, filer({"person": [_person(person_id="A12"), _person(person_id="a12")]}), provkor=True)
    assert r.ok
    assert [(li.ny, li.befintlig, li.i_databasen) for li in r.liknande] == [("a12", "A12", False)]


def test_inga_liknande_id_vid_omimport(bas):
    r = importera(bas, filer(BAS))
    assert r.ok and r.liknande == []


# --- data that stays stored ------------------------------------------------------------------


def test_rattad_omgang_sager_vad_som_ligger_kvar(bas):
    # The correction of 2019-09 holds p1 and p2, not p3: p3's row stays stored, and is counted.
    r = importera(bas, filer({"matning": BAS["matning"][:2]}), provkor=True)
    assert r.ok and r.kvar == {"2019-09": 1}
    assert r.kvar_text() == ["Mätomgång 2019-09: 1 rad i databasen finns inte i filen och ligger kvar."]
    r = importera(bas, filer({"matning": BAS["matning"][:2]}))
    assert r.kvar == {"2019-09": 1}
    assert len(exportera_rader(bas, ADMIN)["matning"]) == 3
    # A new round has nothing stored to stay.
    ny = {
        "matomgang": [{"omgang_id": "2020-03", "datum": D(2020, 3, 15), "benamning": None}],
        "matning": [matning("p1", "2020-03")],
    }
    assert importera(bas, filer(ny)).kvar == {}


def test_korrupt_csv_i_zip_med_formler_och_personnummer_alla_fel_pa_en_gang(bas):
    """One zip with several kinds of damage: every file's error is listed, nothing stored."""
    innehall = {
        "export/person.csv": f'{RUBRIK}\r\np7;K;1980;sverige;"h7\r\n'.encode(),
        "export/matomgang.csv": csv_bytes("matomgang", [{"omgang_id": "2099-01", "datum": D(2099, 1, 1)}]),
        "export/enhet.csv": csv_bytes(
            "enhet", [{"enhet": "850707\u20139876", "namn": "x", "typ": "kommun"}], "utf-8-sig"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for namn, data in innehall.items():
            zf.writestr(namn, data)
    r = avvisad(bas, [("data.zip", buf.getvalue())])
    assert platser(r) == [
        ("data.zip/person.csv", 2, None, None),
        ("data.zip/enhet.csv", 2, "enhet", "850707-****"),
        ("data.zip/matomgang.csv", 2, "datum", "2099-01-01"),
    ]
