"""Write a national-scale CSWW return (valid data drawn from the 2018 code lists).

python benchmarks/national_return.py 50000 /tmp/national.xml
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

from lxml import etree

ETHNICITY = [
    "WBRI",
    "WIRI",
    "WOTH",
    "MWBC",
    "MWBA",
    "AIND",
    "APKN",
    "BAFR",
    "BCRB",
    "CHNE",
    "OOTH",
    "REFU",
]


def worker(rng: random.Random, n: int) -> dict[str, str]:
    kind = rng.random()
    born = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
    start = date(max(born.year + 22, 1990), 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
    start = min(start, date(2018, 9, 1))
    values = {"AgencyWorker": "0", "SWENo": f"SW{n:07d}"}
    if kind < 0.12:  # agency
        values.update(
            AgencyWorker="1",
            FTE=f"{rng.choice([1, 0.8, 0.6, 1]):g}",
            Cases30=str(rng.randrange(0, 30)),
            ContractWeeks=f"{rng.uniform(1, 200):.1f}",
        )
        return values
    role = rng.choice("5555543216")
    values.update(
        FTE="1" if rng.random() < 0.8 else f"{rng.choice([0.5, 0.6, 0.8, 0.4]):g}",
        PersonBirthDate=born.isoformat(),
        GenderCurrent=rng.choice("2221"),
        Ethnicity=rng.choice(ETHNICITY),
        QualLevel=rng.choice("1112"),
        StepUpGrad=rng.choice("00000001"),
        OrgRole=role,
        RoleStartDate=start.isoformat(),
        StartOrigin=rng.choice(["1", "2", "4", "9", "10"]),
    )
    if kind < 0.25:  # leaver, with the FTE they worked when they left (queries 532Q and 808Q)
        values.update(
            RoleEndDate=(date(2017, 10, 2) + timedelta(days=rng.randrange(0, 360))).isoformat(),
            LeaverDestination=rng.choice("123456789"),
            ReasonLeave=rng.choice(["1", "5", "8", "9"]),
        )
    else:
        started_recently = start > date(2017, 9, 30)
        values.update(
            FTE30="0" if started_recently else values["FTE"],
            Cases30=str(rng.randrange(1, 30)) if role == "5" else "0",
        )
    values.update(WorkingDaysLost=f"{rng.uniform(0, 12):.2f}", FrontlineGrad="0", Absat30Sept="0")
    if rng.random() < 0.05:
        values.update(Absat30Sept="1", ReasonAbsence=rng.choice(["MAT", "OTH", "TRN"]))
    return values


def write_national(count: int, path: str, seed: int = 1) -> None:
    rng = random.Random(seed)
    with etree.xmlfile(path, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            header = etree.Element("Header")
            cd = etree.SubElement(header, "CollectionDetails")
            for k, v in (("Collection", "CSWW"), ("Year", "2018"), ("ReferenceDate", "2018-09-30")):
                etree.SubElement(cd, k).text = v
            src = etree.SubElement(header, "Source")
            for k, v in (
                ("SourceLevel", "L"),
                ("LEA", "330"),
                ("SoftwareCode", "bench"),
                ("DateTime", "2018-10-20T10:00:00"),
            ):
                etree.SubElement(src, k).text = v
            xf.write(header, pretty_print=True)
            la = etree.Element("LALevelVacancies")
            for k, v in (
                ("NumberOfVacancies", "5800.5"),
                ("NoAgencyFTE", "4300.2"),
                ("NoAgencyHeadcount", "4500"),
            ):
                etree.SubElement(la, k).text = v
            xf.write(la, pretty_print=True)
            for n in range(count):
                el = etree.Element("CSWWWorker")
                for k, v in worker(rng, n).items():
                    etree.SubElement(el, k).text = v
                xf.write(el, pretty_print=True)


if __name__ == "__main__":
    write_national(int(sys.argv[1]), sys.argv[2])
