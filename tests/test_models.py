"""The typed models: constraints, references and the multi-valued child table, on both databases."""

import datetime as dt

import pytest
from sqlalchemy import delete, func, inspect, select
from sqlalchemy.exc import IntegrityError

from core import db, koder
from core.models import Base, Enhet, Insats, Matning, MatningVal, Matomgang, Person, Utbetalning


def _bas(c):
    db.bulk_insert(c, Person.__table__, [{"person_id": "P1", "kon": "K", "fodelsear": 1980}])
    db.bulk_insert(c, Matomgang.__table__, [{"omgang_id": "2019-09", "datum": dt.date(2019, 9, 15)}])
    db.bulk_insert(c, Matning.__table__, [{"omgang_id": "2019-09", "person_id": "P1", "enhet": "eb"}])


def test_standardenheter_ar_rader(engine):
    with engine.connect() as c:
        rader = c.execute(select(Enhet.enhet, Enhet.namn, Enhet.typ).order_by(Enhet.enhet)).all()
    assert sorted(rader) == sorted(koder.STANDARDENHETER)


def test_referenser_haller(engine):
    with pytest.raises(IntegrityError), engine.begin() as c:
        db.bulk_insert(c, Matning.__table__, [{"omgang_id": "saknas", "person_id": "P9", "enhet": "eb"}])
    with pytest.raises(IntegrityError), engine.begin() as c:
        _bas(c)
        db.bulk_insert(
            c,
            Insats.__table__,
            [{"insats_id": "I1", "person_id": "P1", "insatstyp": 1, "fran_enhet": "eb", "till_enhet": "nix",
              "remissdatum": dt.date(2019, 1, 1)}],
        )  # fmt: skip


@pytest.mark.parametrize(
    "tabell, rad",
    [
        (Insats.__table__, {"insats_id": "I1", "person_id": "P1", "insatstyp": 13, "fran_enhet": "eb",
                            "till_enhet": "eai", "remissdatum": dt.date(2019, 1, 1)}),
        (Utbetalning.__table__, {"hushall_id": "H1", "manad": "2019-01", "belopp_kr": -1}),
        (Enhet.__table__, {"enhet": "x", "namn": "X", "typ": "annat"}),
    ],
)  # fmt: skip
def test_kontroller(engine, tabell, rad):
    with engine.begin() as c:
        _bas(c)
    with pytest.raises(IntegrityError), engine.begin() as c:
        db.bulk_insert(c, tabell, [rad])


def test_flerval_raknas_i_sql_och_tas_bort_med_matningen(engine):
    with engine.begin() as c:
        _bas(c)
        db.bulk_insert(
            c,
            MatningVal.__table__,
            [
                {"omgang_id": "2019-09", "person_id": "P1", "variabel": "arbetshinder", "kod": k}
                for k in ("psykisk", "npf")
            ],
        )
    with engine.connect() as c:
        n = c.execute(select(func.count()).where(MatningVal.variabel == "arbetshinder")).scalar_one()
    assert n == 2
    with engine.begin() as c:
        c.execute(delete(Matning))
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(MatningVal)).scalar_one() == 0


def test_namn_pa_begransningar_ar_lika_pa_bada(engine):
    # The naming convention gives the same constraint names on SQLite and PostgreSQL.
    insp = inspect(engine)
    assert insp.get_pk_constraint("matning")["name"] == "pk_matning"
    fk = {f["name"] for f in insp.get_foreign_keys("matning_val")}
    assert fk == {"fk_matning_val_matning"}
    assert set(insp.get_table_names()) == set(Base.metadata.tables)
