"""Structure rules (9xx), each tried both ways on small COLLECT XML files.

The reader keeps everything a file holds; what does not fit the return's shape (unknown,
repeated, empty or nested elements, stray text, misplaced or repeated sections) must be
reported, and what merely looks odd but is well placed (comments, aliases, zeros,
whitespace) must not.
"""

from __future__ import annotations

import pytest

from csww import to_bytes
from csww.model import Return
from tests.core.test_rules_table import Case, check, fires, passes, xml
from tests.factories import make_return

SECOND_HEADER = (
    "<Header><CollectionDetails><Collection>CSWW</Collection><Year>2018</Year>"
    "<ReferenceDate>2018-09-30</ReferenceDate></CollectionDetails></Header>\n  "
)
SECOND_LA = (
    "<LALevelVacancies><NumberOfVacancies>0</NumberOfVacancies><NoAgencyFTE>0</NoAgencyFTE>"
    "<NoAgencyHeadcount>0</NoAgencyHeadcount></LALevelVacancies>\n  "
)


def la_before_header() -> bytes:
    """The default file with its LA-level section moved in front of its header."""
    text = to_bytes(make_return()).decode()
    start, end = text.index("<Header>"), text.index("</Header>") + len("</Header>")
    header = text[start:end]
    text = text[:start] + text[end:]
    at = text.index("</LALevelVacancies>") + len("</LALevelVacancies>")
    return (text[:at] + "\n  " + header + text[at:]).encode()


def with_message_extra() -> Return:
    ret = make_return()
    ret.extras.append(("Notes", "see email"))
    return ret


STRUCTURE_CASES: list[Case] = [
    fires(
        "901Q",
        "an unknown item in a worker",
        xml("<QualInst>", "<Mystery>x</Mystery><QualInst>"),
        "Mystery",
        1,
    ),
    fires(
        "901Q",
        "a misspelt item in the header",
        xml("<LEA>301</LEA>", "<LEA>301</LEA><Softwarecode>x</Softwarecode>"),
        "Softwarecode",
        None,
    ),
    fires(
        "901Q",
        "an unknown item in the LA-level section",
        xml("<NoAgencyFTE>", "<NoVacancyFTE>1</NoVacancyFTE><NoAgencyFTE>"),
        "NoVacancyFTE",
        None,
    ),
    passes(
        "901Q",
        "the HCPC number under its older name HCPCNo",
        xml("<SWENo>SW123456</SWENo>", "<HCPCNo>SW123456</HCPCNo>"),
    ),
    fires(
        "902",
        "cases given twice in a worker",
        xml("<Cases30>18</Cases30>", "<Cases30>18</Cases30><Cases30>3</Cases30>"),
        "Cases30",
        1,
    ),
    fires(
        "902",
        "LEA given twice in the header",
        xml("<LEA>301</LEA>", "<LEA>301</LEA><LEA>302</LEA>"),
        "LEA",
        None,
    ),
    fires(
        "902",
        "the number under both its names",
        xml("<SWENo>SW123456</SWENo>", "<SWENo>SW123456</SWENo><HCPCNo>SW123456</HCPCNo>"),
        "SWENo",
        1,
    ),
    passes(
        "902",
        "a repeat that is commented out",
        xml("<Cases30>18</Cases30>", "<Cases30>18</Cases30><!-- <Cases30>3</Cases30> -->"),
    ),
    fires(
        "903Q",
        "an empty voluntary item",
        xml("<QualInst>University of Leeds</QualInst>", "<QualInst/>"),
        "QualInst",
        1,
    ),
    fires(
        "903Q",
        "a leaver's empty reason for leaving (voluntary for leavers)",
        xml("<ReasonLeave>1</ReasonLeave>", "<ReasonLeave></ReasonLeave>"),
        "ReasonLeave",
        2,
    ),
    passes(
        "903Q",
        "a count of zero written as 0",
        xml(
            "<Cases30>18</Cases30>",
            "<Cases30>0</Cases30>",
            "<OrgRole>5</OrgRole>",
            "<OrgRole>6</OrgRole>",
        ),
    ),
    passes(
        "903Q",
        "an empty mandatory item is reported as missing (217) instead",
        xml("<Cases30>18</Cases30>", "<Cases30></Cases30>"),
        instead="217",
    ),
    fires(
        "904",
        "an item holding an element",
        xml(
            "<QualInst>University of Leeds</QualInst>",
            "<QualInst><Name>University of Leeds</Name></QualInst>",
        ),
        "QualInst",
        1,
    ),
    fires(
        "904",
        "a header item holding an element",
        xml("<LEA>301</LEA>", "<LEA><Code>301</Code></LEA>"),
        "LEA",
        None,
    ),
    passes(
        "904",
        "an item holding a comment beside its value",
        xml(
            "<QualInst>University of Leeds</QualInst>",
            "<QualInst>University of Leeds<!-- main campus --></QualInst>",
        ),
    ),
    fires(
        "905",
        "text before a worker's first item",
        xml("<CSWWWorker>", "<CSWWWorker>oops"),
        "CSWWWorker",
        1,
    ),
    fires("905", "text after an item", xml("<FTE>1</FTE>", "<FTE>1</FTE>1.0"), "FTE", 1),
    passes(
        "905", "a comment between items", xml("<FTE>1</FTE>", "<FTE>1</FTE><!-- checked by HR -->")
    ),
    fires(
        "906",
        "a worker wrapped in another element",
        xml("<CSWWWorker>", "<Workers><CSWWWorker>", "</CSWWWorker>", "</CSWWWorker></Workers>"),
        "CSWWWorker",
        None,
    ),
    passes(
        "906",
        "a worker placed after an unknown top-level element",
        xml("<CSWWWorker>", "<Notes>x</Notes><CSWWWorker>"),
    ),
    fires(
        "907Q",
        "an unknown element in the message",
        xml("</Message>", "<Notes>see email</Notes></Message>"),
        "Notes",
        None,
    ),
    fires(
        "907Q", "an unknown element kept on a return in memory", with_message_extra, "Notes", None
    ),
    passes("907Q", "a comment in the message", xml("</Message>", "<!-- end --></Message>")),
    fires(
        "908",
        "two headers",
        xml("<LALevelVacancies>", SECOND_HEADER + "<LALevelVacancies>"),
        "Header",
        None,
    ),
    fires(
        "908",
        "two LA-level sections",
        xml("<CSWWWorker>", SECOND_LA + "<CSWWWorker>"),
        "LALevelVacancies",
        None,
    ),
    passes("908", "the LA-level section before the header", la_before_header),
]


@pytest.mark.parametrize("case", STRUCTURE_CASES, ids=lambda c: c.id)
def test_structure_rule_case(case: Case) -> None:
    check(case)
