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


# --- issue 19: Excel's row limit, a zip of CSV files, folders with a dot, a full disk -----------


def _utbetalningar(engine, antal: int, start: int = 0) -> None:
    """``antal`` payment rows written by the database itself (a million in a second or two)."""
    from sqlalchemy import text

    with engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT :a UNION ALL SELECT i + 1 FROM n WHERE i < :b) "
                    "INSERT INTO utbetalning (hushall_id, manad, belopp_kr) SELECT 'H' || i, '2019-01', 1 FROM n"
                ),
                {"a": start, "b": start + antal - 1},
            )
        else:
            c.execute(
                text(
                    "INSERT INTO utbetalning (hushall_id, manad, belopp_kr) "
                    "SELECT 'H' || i, '2019-01', 1 FROM generate_series(:a, :b) AS i"
                ),
                {"a": start, "b": start + antal - 1},
            )


def test_fler_rader_an_ett_excelblad_rymmer(engine, tmp_path):
    from core import exporter

    assert exporter.EXCEL_MAX_RADER == 2**20  # Excel's limit, the header row included
    _utbetalningar(engine, 2**20 - 1)  # exactly what fits under the header
    assert exporter.for_stora_blad(engine) == {}
    _utbetalningar(engine, 1, start=2**20)
    assert exporter.for_stora_blad(engine) == {"utbetalning": 2**20}
    with pytest.raises(exporter.ExportFel, match="utbetalning .1\u00a0048\u00a0576 rader. får inte plats"):
        xlsx_bytes(engine, ADMIN)
    with pytest.raises(exporter.ExportFel, match="Exportera CSV-filer i stället"):
        exportera_xlsx(engine, ADMIN, tmp_path / "ut" / "alla.xlsx")
    assert not (tmp_path / "ut").exists()


def test_zip_rundresa(full):
    from core import exporter

    fore = exportera_rader(full, ADMIN)
    data = exporter.zip_bytes(full, ADMIN)
    tom_databas(full)
    r = importera(full, [("alla.zip", data)])
    assert r.ok, r.felrapport()
    assert exportera_rader(full, ADMIN) == fore


def _cli(url, *args):
    import os
    import subprocess
    import sys

    env = dict(os.environ, VAGEN_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, env=env)


def test_cli_export_till_mapp_med_punkt_och_zip(full, db_url, tmp_path):
    fore = exportera_rader(full, ADMIN)
    mapp = tmp_path / "export.2024-09"
    r = _cli(db_url, "export", str(mapp))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in mapp.iterdir()) == sorted(f"{e}.csv" for e in koder.ENTITETER)
    r = _cli(db_url, "export", str(tmp_path / "alla.zip"))
    assert r.returncode == 0, r.stderr
    r = _cli(db_url, "export", str(tmp_path / "alla.csv"))
    assert r.returncode == 1 and ".xlsx eller .zip, eller en mapp" in r.stderr
    for kalla in (mapp, tmp_path / "alla.zip"):
        tom_databas(full)
        r = importera(full, kalla)
        assert r.ok, r.felrapport()
        assert exportera_rader(full, ADMIN) == fore


def test_cli_export_vagrar_for_stor_arbetsbok(sqlite_engine, tmp_path, monkeypatch, capsys):
    from core import cli, exporter

    monkeypatch.setenv("VAGEN_DATABASE_URL", str(sqlite_engine.url))
    ladda(sqlite_engine, FULL)
    monkeypatch.setattr(exporter, "EXCEL_MAX_RADER", 4)  # three rows under the header
    assert cli.main(["export", str(tmp_path / "alla.xlsx")]) == 1
    fel = capsys.readouterr().err
    assert "bladet enhet (11 rader), matning (4 rader) får inte plats" in fel
    assert f"python -m core export {tmp_path / 'alla.zip'}" in fel
    assert not (tmp_path / "alla.xlsx").exists()
    assert cli.main(["export", str(tmp_path / "alla.zip")]) == 0


@pytest.mark.parametrize("mal", ["alla.xlsx", "alla.zip", "mapp"])
def test_export_till_full_disk(full, db_url, full_disk, mal):
    import errno

    with open(full_disk / "fyllnad", "ab", buffering=0) as f:  # the last 8 KB too (the files are small)
        with pytest.raises(OSError) as e:
            while True:
                f.write(b"\0" * 4096)
        assert e.value.errno == errno.ENOSPC
    r = _cli(db_url, "export", str(full_disk / mal))
    assert r.returncode == 1
    assert "disken är full" in r.stderr and "Traceback" not in r.stderr
    rest = sorted(str(p.relative_to(full_disk)) for p in full_disk.rglob("*"))
    assert rest in (["fyllnad"], ["fyllnad", "mapp"])  # no partial or temporary file


def test_export_skrivfel_lamnar_inga_filer(full, tmp_path, monkeypatch):
    import errno

    from core import exporter

    def full_vid_namnbyte(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "ut").mkdir()
    (tmp_path / "ut" / "person.csv").write_bytes(b"gammal")
    monkeypatch.setattr(exporter.os, "replace", full_vid_namnbyte)
    with pytest.raises(OSError):
        exportera_csv(full, ADMIN, tmp_path / "ut")
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == ["person.csv"]
    assert (tmp_path / "ut" / "person.csv").read_bytes() == b"gammal"
