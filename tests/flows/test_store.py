"""The linked store: pseudonyms only, idempotent loading, an LA's own view."""

from __future__ import annotations

from pathlib import Path

import pytest

from csww.flows.store import LoadError, Store
from csww.privacy import pseudonym
from csww.writer import write
from tests.flows.scenario import SALT, returns_2020, returns_2021


def test_loading_the_same_return_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    write(returns_2021()[0], path)
    with Store(SALT) as store:
        first = store.load_file(path)
        rows = store.query("SELECT * FROM workers ORDER BY seq")
        again = store.load_file(path)
        assert (first.outcome, again.outcome) == ("loaded", "unchanged")
        assert store.query("SELECT * FROM workers ORDER BY seq") == rows
        assert store.returns() == [("301", 2021, "301", 8)]


def test_a_resubmission_replaces_the_earlier_return() -> None:
    with Store(SALT) as store:
        ret = returns_2021()[1]
        store.load_return(ret)
        ret.workers.pop()  # the agency record
        assert store.load_return(ret).outcome == "replaced"
        assert store.count() == 3
        assert store.query("SELECT count(*) FROM workers WHERE category = 'agency'") == [(0,)]


def test_persons_are_keyed_by_pseudonym_never_by_number(tmp_path: Path) -> None:
    db = tmp_path / "flows.duckdb"
    with Store(SALT, db) as store:
        for ret in returns_2020() + returns_2021():
            store.load_return(ret)
        people = {p for (p,) in store.query("SELECT DISTINCT person FROM workers")}
    assert pseudonym("SW2001", SALT) in people
    assert all(p is None or p.startswith("PX") for p in people)
    raw = db.read_bytes()
    for number in (b"SW2001", b"SW1001", b"SW9999", b"1980-05-17"):
        assert number not in raw


def test_the_same_person_links_across_las_and_years() -> None:
    with Store(SALT) as store:
        for ret in returns_2020() + returns_2021():
            store.load_return(ret)
        seen = store.query(
            "SELECT year, unit, category FROM workers WHERE person = ? ORDER BY year, unit, category",
            [pseudonym("SW2001", SALT)],
        )
    assert seen == [(2020, "301", "inpost"), (2021, "301", "leaver"), (2021, "302", "inpost")]


def test_an_la_view_shows_only_its_own_people() -> None:
    with Store(SALT) as store:
        for ret in returns_2020() + returns_2021():
            store.load_return(ret)
        view = store.la_view("302")
    assert len(view) == 3 + 4
    assert {row[1] for row in view} == {"302"}
    assert pseudonym("SW1001", SALT) not in {row[4] for row in view}


def test_age_is_kept_not_the_date_of_birth() -> None:
    with Store(SALT) as store:
        store.load_return(returns_2021()[0])
        ages = store.query(
            "SELECT person, age FROM workers WHERE person = ?", [pseudonym("SW2003", SALT)]
        )
    assert ages == [(pseudonym("SW2003", SALT), 22)]  # born 1998-10-01, 30 September 2021


def test_a_return_without_la_or_year_is_refused_with_a_message() -> None:
    ret = returns_2021()[0]
    del ret.header.values["LEA"]
    with Store(SALT) as store, pytest.raises(LoadError, match="no LA code"):
        store.load_return(ret, "bad.xml")


def test_a_short_salt_is_refused() -> None:
    from csww.privacy import SaltError

    with pytest.raises(SaltError):
        Store(b"short")


def test_many_files_load_in_batches_and_a_later_file_replaces(tmp_path: Path) -> None:
    for ret in returns_2020() + returns_2021():
        write(ret, tmp_path / f"{ret.year}_{ret.lea}.xml")
    changed = returns_2021()[2]
    changed.workers.pop()  # 330's agency worker
    write(changed, tmp_path / "zz_2021_330_resubmitted.xml")
    with Store(SALT) as store:
        loaded = list(store.load_paths(sorted(tmp_path.glob("*.xml"))))
        assert [x.outcome for x in loaded].count("replaced") == 1
        assert store.returns()[-1] == ("330", 2021, "330", 3)
        # Loaded again, the folder's two 2021 returns for 330 each replace the other in turn.
        again = [x.outcome for x in store.load_paths(sorted(tmp_path.glob("*.xml")))]
        assert again == ["unchanged"] * 5 + ["replaced", "replaced"]


def test_an_unreadable_file_is_named_and_earlier_ones_kept(tmp_path: Path) -> None:
    write(returns_2020()[0], tmp_path / "a.xml")
    (tmp_path / "b.xml").write_text("not xml", encoding="utf-8")
    with Store(SALT) as store:
        with pytest.raises(LoadError, match=r"b\.xml"):
            list(store.load_paths(sorted(tmp_path.glob("*.xml"))))
        assert store.returns() == [("301", 2020, "301", 7)]
