"""The exchange-format export (core/exporter.py): exact, safe in Excel, and it round-trips."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from core import db, koder
from core.exporter import (
    csv_bytes,
    exportera_csv,
    exportera_rader,
    exportera_xlsx,
    formatera_varde,
    xlsx_bytes,
)
from core.importer import importera
from core.models import Base
from core.omfang import ADMIN

D = dt.date


def matning(person_id: str, omgang_id: str, **varden) -> dict:
    rad = dict.fromkeys(koder.KOLUMNER["matning"])
    rad.update({"omgang_id": omgang_id, "person_id": person_id, "enhet": "eb", **varden})
    return rad


# Small but complete: all seven entities, a renamed default unit and two new ones, texts that
# Excel would take for formulas or errors, a text with the separator, quotes and a line
# break, ids that look like numbers (one with a leading zero), multi-valued codes, blanks.
FULL: dict[str, list[dict]] = {
    "enhet": [
        {"enhet": "eb", "namn": "Försörjningsstöd – omdöpt", "typ": "process"},
        {"enhet": "kurs", "namn": "=SUMMA(A1)", "typ": "kommun"},
        {"enhet": "tel", "namn": "+46 60 12 34 56", "typ": "extern"},
    ],
    "person": [
        {"person_id": "p1", "kon": "K", "fodelsear": 1985, "fodelseregion": "sverige", "hushall_id": "h1"},
        {"person_id": "007", "kon": "M", "fodelsear": 1960, "fodelseregion": "europa", "hushall_id": "1234"},
        {"person_id": "p3", "kon": None, "fodelsear": None, "fodelseregion": None, "hushall_id": None},
    ],
    "matomgang": [
        {"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": "-x"},
        {"omgang_id": "2020-03", "datum": D(2020, 3, 12), "benamning": '@x; "vår"\nandra raden'},
        {"omgang_id": "extra", "datum": D(2020, 6, 1), "benamning": "#N/A"},
    ],
    "matning": [
        matning(
            "p1",
            "2019-09",
            handlaggare="hl1",
            inskrivningsdatum=D(2018, 1, 31),
            hushallstyp="sambo_med_barn",
            hemmavarande_barn="okand",
            boende="akut_hemlos",
            hyra_over_skalig="nej",
            utbildning="forgymnasial_kort",
            pagaende_studier=("komvux", "sfi"),
            arbetshistorik="aldrig",
            pagaende_arbete="ja",
            af_inskriven="ja",
            a_kassa="nej",
            arbetshinder=("svenska", "psykisk", "ej_klarlagt"),
            halsa="bade",
            sjukintyg="deltid",
            sjukersattning_avslag="ja",
            missbruk="oklart",
            huvudsaklig_forsorjning="forsorjningsstod",
            andra_ersattningar=("sjukpenning", "a_kassa"),
            pagaende_insats=("kurs", "af", "eai"),
            handlingsplan="ja",
            sip="okand",
            forandringspotential="hog",
            bistandsbelopp_kr=0,
        ),
        matning("p1", "2020-03", enhet="kurs", pagaende_insats=("ingen",), arbetshinder=("inga",)),
        matning("007", "2019-09", enhet="tel", bistandsbelopp_kr=23456),
        matning("p3", "2020-03"),
    ],
    "insats": [
        {
            "insats_id": "9",
            "person_id": "p1",
            "insatstyp": 12,
            "fran_enhet": "eb",
            "till_enhet": "kurs",
            "remissdatum": D(2019, 1, 1),
            "startdatum": D(2019, 1, 1),
            "slutdatum": D(2019, 5, 31),
            "avslutsorsak": "vidare",
        },
        {
            "insats_id": "10",
            "person_id": "p1",
            "insatstyp": 5,
            "fran_enhet": "kurs",
            "till_enhet": "eb",
            "remissdatum": D(2019, 6, 1),
            "startdatum": D(2019, 6, 3),
            "slutdatum": D(2019, 12, 20),
            "avslutsorsak": None,
        },
        {
            "insats_id": "i3",
            "person_id": "007",
            "insatstyp": 2,
            "fran_enhet": "eb",
            "till_enhet": "eb",
            "remissdatum": D(2020, 1, 2),
            "startdatum": None,
            "slutdatum": None,
            "avslutsorsak": None,
        },
    ],
    "avslut": [
        {"person_id": "p1", "datum": D(2019, 8, 31), "orsak": "arbete"},
        {"person_id": "p1", "datum": D(2020, 8, 31), "orsak": None},
    ],
    "utbetalning": [
        {"hushall_id": "h1", "manad": "2019-07", "belopp_kr": 8500},
        {"hushall_id": "1234", "manad": "2016-01", "belopp_kr": 0},
        {"hushall_id": "h9", "manad": "2025-12", "belopp_kr": 123456},
    ],
}


def ladda(engine, data: dict[str, list[dict]]) -> None:
    r = importera(engine, [(f"{e}.csv", csv_bytes(e, rader, encoding="utf-8-sig")) for e, rader in data.items()])
    assert r.ok, r.felrapport()


def tom_databas(engine) -> None:
    """Make ``engine`` an empty database again (schema and default units only)."""
    Base.metadata.drop_all(engine)
    db.skapa_schema(engine)
    assert exportera_rader(engine, ADMIN)["person"] == []


@pytest.fixture
def full(engine):
    ladda(engine, FULL)
    return engine


def test_exportera_rader_form_och_ordning(full):
    rader = exportera_rader(full, ADMIN)
    assert list(rader) == list(koder.ENTITETER)
    for entitet, lista in rader.items():
        assert all(list(r) == koder.KOLUMNER[entitet] for r in lista)
    # Keys in Python's string order: "007" < "p1" < "p3"; "10" < "9" < "i3".
    assert [r["person_id"] for r in rader["person"]] == ["007", "p1", "p3"]
    assert [r["insats_id"] for r in rader["insats"]] == ["10", "9", "i3"]
    assert [(r["omgang_id"], r["person_id"]) for r in rader["matning"]] == [
        ("2019-09", "007"),
        ("2019-09", "p1"),
        ("2020-03", "p1"),
        ("2020-03", "p3"),
    ]
    # 9 default units, eb renamed, kurs and tel added.
    assert len(rader["enhet"]) == 11
    assert {"enhet": "eb", "namn": "Försörjningsstöd – omdöpt", "typ": "process"} in rader["enhet"]
    m = rader["matning"][1]
    # Multi-valued codes in code-list order; unit codes (not in a list) alphabetically.
    assert m["pagaende_studier"] == ("sfi", "komvux")
    assert m["arbetshinder"] == ("psykisk", "svenska", "ej_klarlagt")
    assert m["andra_ersattningar"] == ("a_kassa", "sjukpenning")
    assert m["pagaende_insats"] == ("af", "eai", "kurs")
    assert rader["matning"][3]["pagaende_insats"] == ()
    assert rader["matning"][3]["hushallstyp"] is None
    assert rader["matomgang"][0]["datum"] == D(2019, 9, 15)


def test_arbetsbok_har_textceller_aldrig_formler(full):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(full, ADMIN)))
    assert wb.sheetnames == list(koder.ENTITETER)
    for ws in wb.worksheets:
        assert [c.value for c in ws[1]] == koder.KOLUMNER[ws.title]
        for rad in ws.iter_rows():
            for c in rad:
                assert c.data_type not in ("f", "e"), (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert c.data_type == "s"
    enheter = {r[0].value: r[1] for r in wb["enhet"].iter_rows(min_row=2)}
    assert (enheter["kurs"].value, enheter["kurs"].data_type) == ("=SUMMA(A1)", "s")
    assert (enheter["tel"].value, enheter["tel"].data_type) == ("+46 60 12 34 56", "s")
    omgangar = {r[0].value: r for r in wb["matomgang"].iter_rows(min_row=2)}
    assert [omgangar[o][2].value for o in ("2019-09", "2020-03", "extra")] == ["-x", '@x; "vår"\nandra raden', "#N/A"]
    # Ids are text even where they look like numbers; dates are date cells.
    personer = [r[0] for r in wb["person"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in personer] == [("007", "s"), ("p1", "s"), ("p3", "s")]
    datum = wb["matomgang"]["B2"]
    assert datum.is_date and datum.value == dt.datetime(2019, 9, 15) and datum.number_format == "yyyy-mm-dd"
    assert wb["utbetalning"]["C2"].value == 0 and wb["utbetalning"]["C2"].data_type == "n"


def test_rundresa_xlsx(full, tmp_path):
    fore = exportera_rader(full, ADMIN)
    sokvag = exportera_xlsx(full, ADMIN, tmp_path / "ut" / "export.xlsx")
    tom_databas(full)
    r = importera(full, sokvag)
    assert r.ok, r.felrapport()
    assert exportera_rader(full, ADMIN) == fore
    # Exporting again gives the same rows, and importing them once more changes nothing.
    r = importera(full, [("igen.xlsx", xlsx_bytes(full, ADMIN))])
    assert r.ok and all(a.insatta == a.uppdaterade == 0 for a in r.antal.values())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_rundresa_csv(full, tmp_path, encoding):
    fore = exportera_rader(full, ADMIN)
    filer = exportera_csv(full, ADMIN, tmp_path / "ut", encoding=encoding)
    assert [f.name for f in filer] == [f"{e}.csv" for e in koder.ENTITETER]
    tom_databas(full)
    r = importera(full, tmp_path / "ut")
    assert r.ok, r.felrapport()
    assert exportera_rader(full, ADMIN) == fore


def test_tom_databas_exporteras_och_importeras(engine):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(engine, ADMIN)))
    assert wb["person"].max_row == 1  # header only
    fore = exportera_rader(engine, ADMIN)
    r = importera(engine, [("tom.xlsx", xlsx_bytes(engine, ADMIN))])
    assert r.ok and r.antal["enhet"].oforandrade == len(koder.STANDARDENHETER)
    assert exportera_rader(engine, ADMIN) == fore


@pytest.mark.parametrize(
    "varde, text",
    [
        (None, ""),
        (D(2019, 9, 1), "2019-09-01"),
        (dt.datetime(2019, 9, 1, 13, 5), "2019-09-01"),
        (("sfi", "komvux"), "sfi|komvux"),
        ((), ""),
        (12345, "12345"),
        (True, "ja"),
        ("=x", "=x"),
    ],
)
def test_formatera_varde(varde, text):
    assert formatera_varde(varde) == text


def test_csv_bytes_format():
    data = csv_bytes(
        "matomgang",
        [{"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": 'Höst; "ny"'}, {"omgang_id": "x"}],
    )
    # Windows-1252 by default, semicolons, CRLF, a field with ; or " quoted with "" inside.
    assert data == 'omgang_id;datum;benamning\r\n2019-09;2019-09-15;"Höst; ""ny"""\r\nx;;\r\n'.encode("cp1252")


def test_demodata_rundresa_xlsx(sqlite_engine):
    # The whole demo municipality through the workbook. SQLite only: openpyxl dominates the
    # time, and the database side of the round trip runs on both backends above.
    from core import demo

    eng = sqlite_engine
    assert demo.ladda(eng).ok
    fore = exportera_rader(eng, ADMIN)
    bok = xlsx_bytes(eng, ADMIN)
    tom_databas(eng)
    r = importera(eng, [("demo.xlsx", bok)])
    assert r.ok, r.felrapport()
    assert exportera_rader(eng, ADMIN) == fore
