"""csww: England's Children's Social Work Workforce census, as a library.

The core reads, validates and writes returns and computes statistics; it imports no web
framework. Typical use::

    import csww
    report = csww.validate("return.xml")   # the header's Year, or year=...
    ret = csww.read("return.xml")
    csww.write(ret, "copy.xml")
"""

from csww.inputs import validate, validate_return
from csww.model import Record, Return, category_of
from csww.reader import ReadError, read
from csww.report import Issue, Report
from csww.rules import RULES
from csww.spec import Spec, available_years, load_spec
from csww.writer import to_bytes, write

__all__ = [
    "RULES",
    "Issue",
    "ReadError",
    "Record",
    "Report",
    "Return",
    "Spec",
    "available_years",
    "category_of",
    "load_spec",
    "read",
    "to_bytes",
    "validate",
    "validate_return",
    "write",
]
