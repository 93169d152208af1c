"""The dialect helpers in core/db.py, on both databases."""

import datetime as dt

import pytest
from sqlalchemy import literal, select

from core import db
from core.models import Enhet, Installning


@pytest.mark.parametrize(
    "fran, till, manader",
    [
        # Completed months: the day of `till` before the day of `fran` takes one off.
        (dt.date(2019, 1, 31), dt.date(2019, 2, 28), 0),
        (dt.date(2019, 1, 31), dt.date(2019, 3, 1), 1),
        (dt.date(2018, 9, 15), dt.date(2019, 9, 15), 12),
        (dt.date(2018, 9, 16), dt.date(2019, 9, 15), 11),
        (dt.date(2016, 2, 29), dt.date(2019, 9, 15), 42),
        (dt.date(2019, 9, 15), dt.date(2019, 9, 15), 0),
    ],
)
def test_hela_manader(engine, fran, till, manader):
    with engine.connect() as c:
        got = c.execute(select(db.hela_manader(literal(fran), literal(till)))).scalar_one()
    assert got == manader
    assert db.hela_manader_py(fran, till) == manader


def test_datumdelar(engine):
    d = dt.date(2023, 3, 7)
    with engine.connect() as c:
        row = c.execute(select(db.ar(literal(d)), db.manad(literal(d)), db.dag(literal(d)))).one()
    assert tuple(row) == (2023, 3, 7)


def test_upsert_ersatter_och_lagger_till(engine):
    with engine.begin() as c:
        db.upsert(
            c,
            Enhet.__table__,
            [
                {"enhet": "eb", "namn": "Nytt namn", "typ": "process"},
                {"enhet": "ny", "namn": "Ny enhet", "typ": "kommun"},
            ],
            ["enhet"],
        )
    with engine.connect() as c:
        rows = dict(c.execute(select(Enhet.enhet, Enhet.namn)).all())
    assert rows["eb"] == "Nytt namn"
    assert rows["ny"] == "Ny enhet"
    assert len(rows) == 10  # nine default units plus the new one


def test_lika_skiftlage(engine):
    with engine.connect() as c:
        got = c.execute(select(Enhet.enhet).where(db.lika_skiftlage(Enhet.enhet, "EAI"))).scalars().all()
    assert got == ["eai"]


def test_dataversion_byts(engine):
    fore = db.dataversion(engine)
    with engine.begin() as c:
        db.byt_dataversion(c)
    assert db.dataversion(engine) != fore
    with engine.connect() as c:
        assert sorted(c.execute(select(Installning.nyckel)).scalars()) == ["dataversion", "schemaversion"]


def test_schemaversion_skrivs_och_hojs(engine):
    with engine.connect() as c:
        assert db.schemaversion(c) == db.SCHEMAVERSION
    # A database from before schema versions were recorded (or an older one) gets the
    # current version from skapa_schema; a complete one is left as it is.
    with engine.begin() as c:
        c.execute(Installning.__table__.delete().where(Installning.nyckel == "schemaversion"))
        assert db.schemaversion(c) is None
    db.skapa_schema(engine)
    with engine.begin() as c:
        assert db.schemaversion(c) == db.SCHEMAVERSION
        db.satt_installning(c, "schemaversion", "inte ett tal")
        assert db.schemaversion(c) is None
    assert set(Installning.metadata.tables) >= db.SCHEMATABELLER


def test_sqlite_foreign_keys_pa(sqlite_engine):
    with sqlite_engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("antal", [3, 1200])
def test_bulk_insert_i_transaktionen(engine, antal):
    # 1200 rows go through COPY on PostgreSQL, 3 through executemany; both roll back together.
    from sqlalchemy import func

    from core.models import Utbetalning

    rader = [{"hushall_id": f"H{i}", "manad": "2019-01", "belopp_kr": i} for i in range(antal)]
    with pytest.raises(RuntimeError), engine.begin() as c:
        db.bulk_insert(c, Utbetalning.__table__, rader)
        raise RuntimeError("avbryt")
    with engine.begin() as c:
        assert c.execute(select(func.count()).select_from(Utbetalning)).scalar_one() == 0
        db.bulk_insert(c, Utbetalning.__table__, rader)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Utbetalning)).scalar_one() == antal
        assert c.execute(select(func.sum(Utbetalning.belopp_kr))).scalar_one() == sum(range(antal))
