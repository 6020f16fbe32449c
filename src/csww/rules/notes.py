"""What the readers note, and which rule reports each note.

The XML reader, the engine's reading of the header and LA-level record, the item checker and
the spreadsheet reader never decide that a rule fires: they *note* what they saw, as a row
of the notes table (:data:`COLUMNS`):

* ``kind``: what was seen: ``missing`` (an item absent or empty: of the header and the
  LA-level record, any item, the rule deciding which are required; of a worker, an item the
  item checker finds mandatory for that worker's category), ``empty`` (an item present but
  empty), ``malformed`` (a value its item's format refuses),
  ``forbidden_code``, ``not_applicable``, ``unknown`` (an element the year does not know),
  ``repeated``, ``absent`` (a whole part), ``renamed`` (a part under another year's name),
  the XML reader's ``nested``, ``stray_text``, ``misplaced``, ``unknown_record`` and
  ``duplicate_record``, and the spreadsheet reader's cell readings (:data:`CELL_KINDS`);
* ``part``: where: ``header``, ``la``, ``worker``, ``message`` (the file's shape), ``cell``
  (a spreadsheet cell), ``sheet`` (a column heading) or ``file``;
* ``element``: the element or part it is about (null where none).

Each of these rules carries its check, an expression over the notes table that is true on
the notes it reports (:class:`Noted`). :class:`NoteRules` evaluates the year's checks over
the notes: every note that names a problem is claimed by exactly one rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import polars as pl

from csww.rules.registry import RULES, Context, Rule
from csww.spec import Spec, available_years, spec_for

KIND, PART, ELEMENT = "kind", "part", "element"
COLUMNS = {KIND: pl.String, PART: pl.String, ELEMENT: pl.String}
NOTES = "Notes"

# The notes each part may hold about one of its elements (or about the part itself).
ITEM_KINDS = ("missing", "empty", "malformed", "forbidden_code", "not_applicable")
ELEMENT_KINDS = (*ITEM_KINDS, "unknown", "repeated")
SHAPE_KINDS = ("nested", "stray_text", "misplaced", "unknown_record", "duplicate_record")
PART_KINDS = ("absent", "renamed")
CELL_KINDS = (
    "not_listed",
    "unreadable_date",
    "number_for_date",
    "true_or_false",
    "date_for_non_date",
    "time_in_date",
    "unreadable_datetime",
    "cell_error",
    "too_precise",
)
SHEET_KINDS = ("ignored_column",)
FILE_KINDS = ("not_utf8",)
# The parts whose notes name one of the year's elements; other notes' rules look only at
# their kind and part.
ELEMENT_PARTS = ("header", "la", "worker")


@dataclass(frozen=True, slots=True)
class Noted:
    """What a rule's check over the notes table sees: the columns and the year's context."""

    ctx: Context

    @property
    def kind(self) -> pl.Expr:
        return pl.col(KIND)

    @property
    def part(self) -> pl.Expr:
        return pl.col(PART)

    @property
    def element(self) -> pl.Expr:
        return pl.col(ELEMENT)

    @property
    def spec(self) -> Spec:
        return self.ctx.spec

    def noted(self, kind: str | Iterable[str], part: str | Iterable[str] | None = None) -> pl.Expr:
        """The notes of ``kind`` (one or several), in ``part`` when given."""
        kinds = [kind] if isinstance(kind, str) else sorted(kind)
        found = pl.col(KIND).is_in(kinds)
        if part is not None:
            parts = [part] if isinstance(part, str) else sorted(part)
            found = found & pl.col(PART).is_in(parts)
        return found

    def about(self, elements: Iterable[str]) -> pl.Expr:
        """The notes about one of ``elements``."""
        return pl.col(ELEMENT).is_in(sorted(set(elements)))


NoteCheck = Callable[[Noted], pl.Expr]


def noted(kind: str, part: str | None = None) -> NoteCheck:
    """The check of a rule that reports every note of ``kind`` (in ``part``)."""

    def check(n: Noted) -> pl.Expr:
        return n.noted(kind, part)

    return check


class Unclaimed(LookupError):
    """A note no rule of the year reports, or that two rules both claim: a rulebook fault."""


class NoteRules:
    """The year's rules over the notes table, evaluated once for every note the year's
    readers can make about its own elements; a note about an element the year does not
    know is evaluated when it is first met."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rules = [r for r in RULES.for_year(ctx.year) if r.table == NOTES]
        n = Noted(ctx)
        self._checks = [r.check(n).fill_null(False).alias(r.id) for r in self.rules]
        self._known: dict[tuple[str, str, str | None], Rule | None] = {}
        self._claim(_vocabulary(ctx.spec))

    def _claim(self, frame: pl.DataFrame) -> None:
        keys: list[tuple[str, str, str | None]] = frame.rows()
        self._known.update(dict.fromkeys(keys))
        if not self._checks:
            return
        marks = frame.select(*self._checks)
        claims = marks.select(pl.sum_horizontal(pl.all().cast(pl.Int32))).to_series()
        twice = claims.gt(1).arg_true()
        if len(twice):
            row = marks.row(twice[0])
            claimed = [rule.id for rule, hit in zip(self.rules, row, strict=True) if hit]
            raise Unclaimed(f"rules {', '.join(claimed)} all claim the note {keys[twice[0]]}")
        for rule, name in zip(self.rules, marks.columns, strict=True):
            for i in marks[name].arg_true():
                self._known[keys[i]] = rule

    def match(self, kind: str, part: str, element: str | None = None) -> Rule | None:
        """The rule that reports this note, or None when no rule does (an optional item's
        absence, a not-applicable item the guide allows)."""
        about = part in ELEMENT_PARTS and kind not in PART_KINDS
        key = (kind, part, element if about else None)
        if key not in self._known:
            self._claim(pl.DataFrame([key], schema=COLUMNS, orient="row"))
        return self._known[key]

    def rule(self, kind: str, part: str, element: str | None = None) -> Rule:
        """The rule that reports this note; a note no rule claims is a rulebook fault."""
        found = self.match(kind, part, element)
        if found is None:
            raise Unclaimed(f"no rule of {self.ctx.year} reports the note {kind} {part} {element}")
        return found

    def issues(self, notes: pl.DataFrame) -> list[Rule | None]:
        """The rule that reports each row of a notes table (None where none does)."""
        return [self.match(k, p, e) for k, p, e in notes.select(KIND, PART, ELEMENT).iter_rows()]


def _vocabulary(spec: Spec) -> pl.DataFrame:
    """Every note the year's readers can make about the year's own elements."""
    rows: list[tuple[str, str, str | None]] = []
    removed = list(spec.removed)
    for part, items in (("header", spec.header), ("la", spec.la), ("worker", spec.worker)):
        elements = [*items, *removed]
        rows.extend((kind, part, e) for kind in ELEMENT_KINDS for e in elements)
        rows.extend((kind, part, None) for kind in PART_KINDS)
    rows.extend((kind, "message", None) for kind in SHAPE_KINDS)
    rows.extend((kind, "cell", None) for kind in CELL_KINDS)
    rows.extend((kind, "sheet", None) for kind in SHEET_KINDS)
    rows.extend((kind, "file", None) for kind in FILE_KINDS)
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


_BY_SPEC: dict[tuple[int, int], tuple[Spec, NoteRules]] = {}


def note_rules(ctx: Context) -> NoteRules:
    """The year's note rules (built once per specification)."""
    key = (ctx.year, id(ctx.spec))
    held = _BY_SPEC.get(key)
    if held is None or held[0] is not ctx.spec:
        held = (ctx.spec, NoteRules(ctx))
        _BY_SPEC[key] = held
    return held[1]


@cache
def latest_note_rules() -> NoteRules:
    """The latest year's note rules, for notes met before a return's year is known."""
    year = available_years()[-1]
    return note_rules(Context(spec=spec_for(year), year=year))


def reading_rule(kind: str, part: str = "cell") -> str:
    """The id of the rule that reports what a spreadsheet reader saw (its rules are the
    same in every year)."""
    return latest_note_rules().rule(kind, part).id
