"""The flows store's columnar load: the same pseudonyms as the privacy module, and the same
rows a record-by-record conversion gives."""

from __future__ import annotations

from pathlib import Path

from csww.flows.store import Store, _person
from csww.privacy import pseudonym
from tests.factories import make_return, make_worker
from tests.paths import SAMPLES

SALT = b"a salt of thirty-two bytes, ok!!"


def test_the_store_pseudonymises_exactly_as_the_privacy_module_does() -> None:
    person = _person(SALT)
    for number in ("SW123456", " sw123456 ", "Ab1", "ÉW1"):
        assert person(number) == pseudonym(number.strip(), SALT)
    assert person("  ") is None


def test_each_record_becomes_one_row_of_typed_columns() -> None:
    workers = [
        make_worker("inpost", 2022, SWENo="SW1", FTE="0.5", PersonBirthDate="1980-10-01"),
        make_worker("leaver", 2022, SWENo="", FTE="x", ReasonLeave=""),
        make_worker("agency", 2022, SWENo="SW3"),
    ]
    with Store(SALT) as store:
        store.load_return(make_return(workers, year=2022))
        rows = store.query(
            "SELECT seq, person, category, fte, age, reason FROM workers ORDER BY seq"
        )
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[0][1] == pseudonym("SW1", SALT) and rows[1][1] is None
    assert [r[2] for r in rows] == ["inpost", "leaver", "agency"]
    assert rows[0][3] == 500_000 and rows[1][3] is None
    # Born 1 October 1980: 41 at the census date, 30 September 2022.
    assert rows[0][4] == 41
    assert rows[1][5] is None  # an empty item is stored as nothing


def test_the_columnar_reader_gives_what_the_lean_reader_gives(tmp_path: Path) -> None:
    from csww import to_bytes
    from csww.stats.fastread import records, worker_columns

    workers = [make_worker("inpost", 2022), make_worker("leaver", 2022, Cases30=None)]
    data = to_bytes(make_return(workers, year=2022)).replace(
        b"<FTE>", b"<Mystery>1</Mystery><FTE>", 1
    )
    path = tmp_path / "r.xml"
    path.write_bytes(data)
    paths = [path, *sorted(SAMPLES.glob("*.xml"))]
    for sample in paths:
        header, columns, n = worker_columns(sample)
        values = [rec.values for kind, rec in records(sample) if kind == "worker"]
        assert n == len(values), sample
        rebuilt = [
            {k: col[i] for k, col in columns.items() if col[i] is not None} for i in range(n)
        ]
        assert rebuilt == values, sample
        assert header == next(rec.values for kind, rec in records(sample) if kind == "header")
