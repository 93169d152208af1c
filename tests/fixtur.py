"""A tiny hand-built municipality whose every figure is computed by hand in the tests.

Round ``2019-09`` (2019-09-15): twelve persons P01–P12. Round ``2020-03`` (2020-03-15): P01–P06
and the newcomer P13. The comments give the values the tests' expectations are counted from.
"""

from __future__ import annotations

import datetime as dt

from core import db, harledning
from core.models import Avslut, Insats, Matning, MatningVal, Matomgang, Person

D = dt.date

# person_id, kon, fodelsear (age in 2019), fodelseregion
PERSONER = [
    ("P01", "K", 1999, "sverige"),  # 20 -> 16-24
    ("P02", "K", 1997, "sverige"),  # 22 -> 16-24
    ("P03", "K", 1996, "utanfor_europa"),  # 23 -> 16-24
    ("P04", "K", 1990, "utanfor_europa"),  # 29 -> 25-34
    ("P05", "K", 1989, "europa"),  # 30 -> 25-34
    ("P06", "K", 1985, "sverige"),  # 34 -> 25-34
    ("P07", "K", 1980, "norden"),  # 39 -> 35-44
    ("P08", "M", 1975, "sverige"),  # 44 -> 35-44
    ("P09", "M", 1970, "okand"),  # 49 -> 45-54
    ("P10", "M", 1962, "sverige"),  # 57 -> 55-64
    ("P11", "M", 1950, "sverige"),  # 69 -> 65+
    ("P12", None, None, None),  # blank sex, blank birth year
    ("P13", "M", 1995, "sverige"),  # only in 2020-03
]

# R1 matning: person, enhet, inskrivningsdatum (completed months to 2019-09-15),
# handlingsplan, af_inskriven, boende
R1 = [
    ("P01", "eb", D(2019, 9, 1), "ja", "ja", "egen"),  # 0
    ("P02", "eb", D(2018, 9, 16), "ja", "ja", "egen"),  # 11
    ("P03", "eb", D(2018, 9, 15), "ja", "ja", "egen"),  # 12
    ("P04", "eb", D(2017, 9, 15), "ja", "nej", "egen"),  # 24
    ("P05", "eb", D(2016, 9, 16), "ja", "nej", "egen"),  # 35
    ("P06", "eb", D(2016, 9, 15), "ja", "nej", "andrahand"),  # 36
    ("P07", "eb", D(2010, 1, 1), "nej", "nej", "andrahand"),  # 116
    ("P08", "eb", D(2015, 3, 1), "nej", "nej", "andrahand"),  # 54
    ("P09", "eai", None, "nej", "nej", "andrahand"),  # unknown
    ("P10", "eai", D(2019, 3, 31), "nej", "nej", "andrahand"),  # 5
    ("P11", "eai", D(2018, 1, 31), None, "nej", "hemlos"),  # 19
    ("P12", "eai", D(2017, 2, 28), None, "nej", "hemlos"),  # 31
]

# Multi-valued codes in R1 (a person missing from a variable has a blank cell).
R1_FLERVAL = {
    "arbetshinder": {
        "P01": ["psykisk", "social"],
        "P02": ["psykisk"],
        "P03": ["inga"],
        "P04": ["psykisk", "fysisk"],
        "P05": ["ej_klarlagt"],
        "P06": ["psykisk", "npf"],
        "P07": ["fysisk"],
        "P08": ["psykisk"],
        # P09 blank
        "P10": ["fysisk", "psykisk"],
        "P11": ["inga"],
        "P12": ["psykisk"],
    },
    "pagaende_insats": {
        **{f"P{i:02d}": ["eai"] for i in range(1, 11)},
        "P11": ["ingen"],
        # P12 blank
    },
}

# R2 (2020-03-15): person, enhet, inskrivningsdatum, handlingsplan, af_inskriven, pagaende_insats
R2 = [
    ("P01", "eb", D(2019, 9, 1), "ja", "ja", ["eai"]),
    ("P02", "eb", D(2018, 9, 16), "ja", "ja", ["ingen"]),
    ("P03", "eb", D(2018, 9, 15), "ja", "ja", ["ingen"]),
    ("P04", "eb", D(2017, 9, 15), "ja", "ja", ["af"]),
    ("P05", "eb", D(2016, 9, 16), "ja", "nej", ["ingen"]),
    ("P06", "eb", D(2016, 9, 15), "nej", "nej", ["eai", "af"]),
    ("P13", "eai", D(2020, 1, 10), "ja", "ja", ["eai"]),
]

INSATSER = [
    # P01: referred by eb to eai, ongoing -> P01 belongs to eai in 2019-09
    ("I1", "P01", 1, "eb", "eai", D(2019, 4, 1), D(2019, 5, 1), None, None),
    # P02: to af, ended 2018-12-01, within 12 months of 2019-09-15 -> belongs to af
    ("I2", "P02", 2, "eb", "af", D(2018, 6, 1), D(2018, 6, 15), D(2018, 12, 1), "avbrott"),
    # P03: to reu, ended 2018-01-01, more than 12 months before -> not reu
    ("I3", "P03", 1, "eb", "reu", D(2017, 6, 1), D(2017, 7, 1), D(2018, 1, 1), "vidare"),
]

AVSLUT = [
    ("P11", D(2019, 9, 15), "arbete"),  # on the previous round's date: not in (2019-09-15, 2020-03-15]
    ("P07", D(2019, 12, 1), "arbete"),
    ("P08", D(2020, 1, 10), "studier"),
    ("P09", D(2020, 2, 1), "flytt"),
    ("P10", D(2020, 3, 15), "ovrigt"),  # on this round's date: included
]


def ladda(engine) -> None:
    """Insert the fixture (directly, not through the importer, so these tests stand alone), and
    its derived rows as every writer must (``core.harledning``)."""
    with engine.begin() as c:
        db.bulk_insert(
            c,
            Person.__table__,
            [
                {"person_id": p, "kon": k, "fodelsear": f, "fodelseregion": r, "hushall_id": "H" + p}
                for p, k, f, r in PERSONER
            ],
        )
        db.bulk_insert(
            c,
            Matomgang.__table__,
            [
                {"omgang_id": "2019-09", "datum": D(2019, 9, 15), "benamning": "Mätning september 2019"},
                {"omgang_id": "2020-03", "datum": D(2020, 3, 15), "benamning": "Mätning mars 2020"},
            ],
        )
        db.bulk_insert(
            c,
            Matning.__table__,
            [
                {
                    "omgang_id": "2019-09",
                    "person_id": p,
                    "enhet": e,
                    "inskrivningsdatum": d,
                    "handlingsplan": h,
                    "af_inskriven": a,
                    "boende": b,
                }
                for p, e, d, h, a, b in R1
            ]
            + [
                {
                    "omgang_id": "2020-03",
                    "person_id": p,
                    "enhet": e,
                    "inskrivningsdatum": d,
                    "handlingsplan": h,
                    "af_inskriven": a,
                }
                for p, e, d, h, a, _ in R2
            ],
        )
        val = [
            {"omgang_id": "2019-09", "person_id": p, "variabel": v, "kod": k}
            for v, per in R1_FLERVAL.items()
            for p, ks in per.items()
            for k in ks
        ] + [
            {"omgang_id": "2020-03", "person_id": p, "variabel": "pagaende_insats", "kod": k}
            for p, *_, ks in R2
            for k in ks
        ]
        db.bulk_insert(c, MatningVal.__table__, val)
        db.bulk_insert(
            c,
            Insats.__table__,
            [
                dict(
                    zip(
                        [
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
                        r,
                        strict=True,
                    )
                )
                for r in INSATSER
            ],
        )
        db.bulk_insert(c, Avslut.__table__, [{"person_id": p, "datum": d, "orsak": o} for p, d, o in AVSLUT])
        harledning.berakna_om(c)
        db.byt_dataversion(c)
