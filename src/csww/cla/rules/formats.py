"""Item formats and code lists (DfE's 1xx rules and their later additions), every year.

A code rule accepts the year's codes (from the spec) whatever their case, since a code
comparison reads the upper-cased typed column. A date rule fails a value that is not a real
dd/mm/yyyy date. Blank fails only where the rule is about a required item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import QUERY, XSD_ERROR, blank, c, d, given, spec
from csww.core.evaluate import RuleInputs
from csww.core.rulebook import Check


@dataclass(frozen=True)
class Format:
    id: str
    table: str
    item: str
    kind: str  # "date" | "code" | "pattern" | "integer"
    message: str
    required: bool = False
    since: int = 2015
    until: int | None = None
    pattern: str | None = None
    error: bool = False  # evidence: DfE's XSD date pattern


FORMATS = (
    Format("101", "Header", "SEX", "code", "The child's reported sex is not valid.", True),
    Format("102", "Header", "DOB", "date", "Date of birth is not a valid date.", True, error=True),
    Format(
        "103",
        "Header",
        "ETHNIC",
        "code",
        "The ethnicity code is either not valid or has not been entered.",
        True,
    ),
    Format("104", "UASC", "DUC", "date", "Date UASC status ceased is not a valid date."),
    Format(
        "112", "AD1", "DATE_INT", "date", "Date should be placed for adoption is not a valid date."
    ),
    Format(
        "113",
        "AD1",
        "DATE_MATCH",
        "date",
        "Date matching child and adopter(s) is not a valid date.",
    ),
    Format(
        "114",
        "AD1",
        "FOSTER_CARE",
        "code",
        "Data entry to record the status of former carer(s) of an adopted child is invalid.",
    ),
    Format(
        "115",
        "PlacedAdoption",
        "DATE_PLACED",
        "date",
        "Date of the LA's decision that a child should be placed for adoption is not a valid date.",
        True,
    ),
    Format(
        "116",
        "PlacedAdoption",
        "DATE_PLACED_CEASED",
        "date",
        "Date of the LA's decision that a child should no longer be placed for adoption is not a valid date.",
    ),
    Format(
        "120",
        "PlacedAdoption",
        "REASON_PLACED_CEASED",
        "code",
        "The reason for the reversal of the decision that the child should be placed for adoption code is not valid.",
    ),
    Format(
        "131",
        "OC3",
        "IN_TOUCH",
        "code",
        "Data entry for being in touch after leaving care is invalid.",
    ),
    Format("132", "OC3", "ACTIV", "code", "Data entry for activity after leaving care is invalid."),
    Format(
        "133", "OC3", "ACCOM", "code", "Data entry for accommodation after leaving care is invalid."
    ),
    Format(
        "141",
        "Episodes",
        "DECOM",
        "date",
        "Date episode began is not a valid date.",
        True,
        error=True,
    ),
    Format(
        "143",
        "Episodes",
        "RNE",
        "code",
        "The reason for new episode code is not a valid code.",
        True,
    ),
    Format("144", "Episodes", "LS", "code", "The legal status code is not a valid code.", True),
    Format("145", "Episodes", "CIN", "code", "Category of need code is not a valid code.", True),
    Format("146", "Episodes", "PLACE", "code", "Placement type code is not a valid code.", True),
    Format(
        "147", "Episodes", "DEC", "date", "Date episode ceased is not a valid date.", error=True
    ),
    Format("149", "Episodes", "REC", "code", "Reason episode ceased code is not valid."),
    Format(
        "166", "Reviews", "REVIEW", "date", "Date of review is invalid or blank.", True, error=True
    ),
    Format(
        "167",
        "Reviews",
        "REVIEW_CODE",
        "code",
        "Data entry for participation is invalid or blank.",
        True,
    ),
    Format(
        "168",
        "Header",
        "UPN",
        "pattern",
        "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5.",
        pattern=r"^(?:[A-HJ-NP-RT-Z][0-9]{12}|[A-HJ-NP-RT-Z][0-9]{11}[A-Z]|UN[1-5])$",
    ),
    Format(
        "171", "Header", "MC_DOB", "date", "Date of birth of mother's child is not a valid date."
    ),
    Format("175", "AD1", "NB_ADOPTR", "code", "The number of adopter(s) code is not a valid code."),
    Format(
        "176",
        "AD1",
        "SEX_ADOPTR",
        "code",
        "The gender of adopter(s) at the date of adoption code is not a valid code.",
    ),
    Format(
        "177",
        "AD1",
        "LS_ADOPTR",
        "code",
        "The legal status of adopter(s) code is not a valid code.",
    ),
    Format(
        "178", "Episodes", "PLACE_PROVIDER", "code", "Placement provider code is not a valid code."
    ),
    Format(
        "180",
        "OC2",
        "SDQ_SCORE",
        "integer",
        "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.",
    ),
    Format(
        "196",
        "OC2",
        "SDQ_REASON",
        "code",
        "Strengths and Difficulties (SDQ) reason is not a valid code.",
    ),
    Format(
        "1004",
        "Missing",
        "MIS_START",
        "date",
        "The start date of the missing episode or episode that the child was away from placement without authorisation is not a valid date.",
        True,
    ),
    Format(
        "1005",
        "Missing",
        "MIS_END",
        "date",
        "The end date of the missing episode or episode that the child was away from placement without authorisation is not a valid date.",
    ),
    Format("1006", "Missing", "MISSING", "code", "Missing type invalid.", True),
    Format(
        "1009",
        "Episodes",
        "REASON_PLACE_CHANGE",
        "code",
        "Reason for placement change is not a valid code.",
        since=2016,
    ),
    Format(
        "SW02STG1",
        "SWEpisodes",
        "SW_ID",
        "pattern",
        "Social worker ID does not begin with the characters 'SW' or 'XX'.",
        True,
        since=2024,
        pattern=r"^(?:SW|XX)",
    ),
    Format(
        "SW04STG1",
        "SWEpisodes",
        "SW_DECOM",
        "date",
        "Date social worker episode began is not a valid date.",
        True,
        since=2024,
    ),
    Format(
        "SW05STG1",
        "SWEpisodes",
        "SW_DEC",
        "date",
        "Date social worker episode ended is not a valid date.",
        since=2024,
    ),
    Format(
        "SW13STG1",
        "SWEpisodes",
        "SW_REASON",
        "code",
        "The reason for social worker change is not valid.",
        since=2024,
    ),
    Format(
        "700",
        "DoLo",
        "DOLO_START",
        "date",
        "The start date of the DoLO is not a valid date.",
        True,
        since=2027,
    ),
    Format(
        "701",
        "DoLo",
        "DOLO_END",
        "date",
        "The end date of the DoLO is not a valid date.",
        since=2027,
    ),
)

# Rule 181: every OC2 yes/no item is 0 or 1 when given (one rule over eight items).
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)


def _check(f: Format) -> Check:
    def check(inputs: RuleInputs) -> pl.Expr:
        missing = blank(f.item) if f.required else pl.lit(False)
        if f.kind == "date":
            return missing | (given(f.item) & d(f.item).is_null())
        if f.kind == "code":
            codes = sorted(spec(inputs).table(f.table).item(f.item).codes)
            return missing | (given(f.item) & ~c(f.item).is_in(codes).fill_null(False))
        if f.kind == "integer":
            value = pl.col(f.item).str.strip_chars().cast(pl.Int64, strict=False)
            return missing | (given(f.item) & ~value.is_between(0, 40).fill_null(False))
        assert f.pattern is not None
        text = pl.col(f.item).str.strip_chars()
        return missing | (given(f.item) & ~text.str.contains(f.pattern).fill_null(False))

    return check


for _f in FORMATS:
    CLA_RULES.rule(
        _f.id,
        "error" if _f.error else "query",
        _f.message,
        items=(_f.item,),
        section=f"DfE rule {_f.id} (item format)",
        table=_f.table,
        since=_f.since,
        until=_f.until,
        assumption=XSD_ERROR if _f.error else QUERY,
    )(_check(_f))


@CLA_RULES.rule(
    "181",
    "query",
    "Data items relating to children looked after continuously for 12 months should be "
    "completed with a 0 or 1.",
    items=OC2_FLAGS,
    section="DfE rule 181 (item format)",
    table="OC2",
    since=2015,
    assumption=QUERY,
)
def _flags(inputs: RuleInputs) -> pl.DataFrame:
    frame = inputs.tables["OC2"]
    bad = [
        frame.filter(given(item) & ~c(item).is_in(["0", "1"]).fill_null(False)).select(
            "_row", pl.lit(item).alias("_item")
        )
        for item in OC2_FLAGS
    ]
    return pl.concat(bad).unique(subset=["_row"], keep="first").sort("_row")


assert all(re.compile(f.pattern) for f in FORMATS if f.pattern)
