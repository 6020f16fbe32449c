"""What a synthetic return carries beyond the 2017 items, in the format of its year.

Every name comes from the year's specification by concept ("sex", "base_salary",
"incentive", ...), so a year that adds or renames an item needs no change here unless it
adds a new kind of fact. The draws use their own random stream, so adding a year's items
never changes the records of another year.
"""

from __future__ import annotations

import random

from csww.model import Record
from csww.spec import Spec

# The synthetic workforce draws a sex as 1 (male) or 2 (female), the 2017 codes.
DRAWN = {"1": "Male", "2": "Female"}
# Annual full-time base salaries by role (OrgRole 1-6), pounds: a spread around figures
# typical of English LA pay scales for children's social work in 2025.
SALARY_BY_ROLE = {
    "1": (68_000, 92_000),
    "2": (55_000, 68_000),
    "3": (47_000, 56_000),
    "4": (42_000, 49_000),
    "5": (33_000, 43_000),
    "6": (33_000, 42_000),
}
# Knowledge and Skills status by role: ASYE for case holders in their first year, practice
# supervisor for first-line managers, practice leader for senior managers.
INCENTIVE_CHANCES = (0.45, 0.25, 0.30)  # No, Yes (all eligible), Yes (some eligible)


def sex_codes(spec: Spec) -> dict[str, str]:
    """The year's code for each drawn sex (1 and 2 in 2017-2023, M and F from 2024)."""
    element = spec.element_for("sex")
    if element is None:
        return {}
    codes = spec.codes(spec.worker[element])
    by_label = {label: code for code, label in codes.items()}
    return {drawn: by_label.get(label, drawn) for drawn, label in DRAWN.items()}


def add_year_items(workers: list[Record], la: dict[str, str], spec: Spec, seed: str) -> None:
    """Give the records the items ``spec``'s year collects beyond 2017's."""
    rng = random.Random(f"{seed}:year-items:{spec.year}")
    skills = spec.element_for("knowledge_and_skills")
    salary = spec.element_for("base_salary")
    payments = spec.element_for("rr_payments")
    for worker in workers:
        values = worker.values
        if values.get("AgencyWorker") == "1":
            continue
        role = values.get("OrgRole", "5")
        if skills and rng.random() < 0.3:
            values[skills] = {"1": "4", "2": "3", "3": "3"}.get(role, rng.choice("12"))
        if salary:
            low, high = SALARY_BY_ROLE.get(role, SALARY_BY_ROLE["5"])
            values[salary] = f"{rng.uniform(low, high):.2f}"
            if payments and rng.random() < 0.2:
                values[payments] = f"{rng.choice((1000, 1500, 2000, 3000, 5000))}.00"
    for element in spec.elements_for("incentive", "la"):
        la[element] = rng.choices(("0", "1", "2"), weights=INCENTIVE_CHANCES)[0]
    for element in spec.elements_for("other_allowances", "la"):
        la[element] = ""


def to_year_format(ret_workers: list[Record], la: Record | None, spec: Spec, seed: str) -> None:
    """Carry records of an earlier year into ``spec``'s format: its own sex item and codes (by
    what the codes mean), without the items it no longer collects, with the items it adds."""
    sex = spec.element_for("sex")
    wanted = sex_labels_to_codes(spec)
    for worker in ret_workers:
        values = worker.values
        for element in [e for e in values if e in spec.removed]:
            old = values.pop(element)
            if sex and element in _sex_elements() and sex not in values:
                values[sex] = wanted.get(_sex_label(element, old), old)
    if la is not None:
        for element in [e for e in la.values if e in spec.removed]:
            la.values.pop(element)
    la_values = la.values if la is not None else {}
    missing_la = {e for e in spec.la if e not in la_values}
    extra: dict[str, str] = {}
    add_year_items(ret_workers, extra, spec, seed)
    for element in missing_la:
        if la is not None and element in extra:
            la.values[element] = extra[element]


def sex_labels_to_codes(spec: Spec) -> dict[str, str]:
    element = spec.element_for("sex")
    if element is None:
        return {}
    return {label: code for code, label in spec.codes(spec.worker[element]).items()}


def _sex_elements() -> set[str]:
    from csww.spec import available_years, load_spec

    return {e for y in available_years() if (e := load_spec(y).element_for("sex")) is not None}


def _sex_label(element: str, code: str) -> str:
    from csww.spec import available_years, load_spec

    for year in available_years():
        spec = load_spec(year)
        if spec.element_for("sex") == element:
            return spec.codes(spec.worker[element]).get(code, code)
    return code
