from csww.cla.stats import rounding as rnd


def test_national_numbers_round_to_ten_half_up() -> None:
    assert [rnd.round_to_ten(n) for n in (0, 4, 5, 14, 15, 66074, 66075)] == [
        0,
        0,
        10,
        10,
        20,
        66070,
        66080,
    ]
    assert rnd.number(66074, "National") == "66070"
    assert rnd.number(66074, "Local authority") == "66074"


def test_percentages_whole_half_up_with_k_for_non_zero_under_half() -> None:
    assert rnd.percent(1, 8) == "13"  # 12.5 → 13
    assert rnd.percent(200, 66070) == "k"  # 0.3%
    assert rnd.percent(0, 10) == "0"
    assert rnd.percent(0, 0) == "z"


def test_la_counts_one_to_five_are_hidden_with_a_second_figure() -> None:
    cells = [rnd.Cell(40, 50), rnd.Cell(3, 50), rnd.Cell(7, 50), rnd.Cell(50, 50, is_total=True)]
    rnd.suppress(cells, "Local authority")
    assert [c.suppressed for c in cells] == [False, True, True, False]  # 7 hidden too
    assert rnd.shown(cells[0], "Local authority") == ("40", "80")
    assert rnd.shown(cells[1], "Local authority") == ("c", "c")


def test_secondary_suppression_may_hide_a_zero() -> None:
    cells = [rnd.Cell(40, 41), rnd.Cell(1, 41), rnd.Cell(0, 41), rnd.Cell(41, 41, is_total=True)]
    rnd.suppress(cells, "Local authority")
    assert [c.suppressed for c in cells] == [False, True, True, False]


def test_national_figures_are_never_suppressed() -> None:
    cells = [rnd.Cell(3, 9), rnd.Cell(6, 9), rnd.Cell(9, 9, is_total=True)]
    rnd.suppress(cells, "National")
    assert not any(c.suppressed for c in cells)
    assert rnd.shown(cells[0], "National") == ("0", "33")  # the percentage is of unrounded counts


def test_zero_shows_zero_percent_when_the_total_is_hidden() -> None:
    cells = [rnd.Cell(0, 4), rnd.Cell(4, 4), rnd.Cell(4, 4, is_total=True)]
    rnd.suppress(cells, "Local authority")
    assert rnd.shown(cells[0], "Local authority", denominator_suppressed=True) == ("c", "c")
    plain = rnd.Cell(0, 4)
    assert rnd.shown(plain, "Local authority", denominator_suppressed=True) == ("0", "0")


def test_a_figure_shown_whatever_its_size_is_never_hidden_for_itself() -> None:
    # DfE's suitability file: "No information" 2 is shown, so nothing else need be hidden
    cells = [
        rnd.Cell(34, 36),
        rnd.Cell(0, 36),
        rnd.Cell(2, 36, exempt=True),
        rnd.Cell(36, 36, is_total=True),
    ]
    rnd.suppress(cells, "Local authority")
    assert not any(c.suppressed for c in cells)
