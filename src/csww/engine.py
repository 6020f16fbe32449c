"""The validation engine: reads a return once and returns its report.

The engine only drives; every rule is a check of its own over one of the return's tables
(the rulebook, :mod:`csww.rules`). The header, the LA-level record (:mod:`csww.parts`) and
the reader's notes on the file's shape are checked as they arrive; the worker records a
batch at a time as typed columns (:mod:`csww.worker_checks`), their worker rules as column
expressions run by the engine's core (:func:`csww.core.failing_rows`); the cross-record,
continuity and return-level rules at the end, over the key table of every worker and the
return's totals (:mod:`csww.return_checks`). Every issue lands where a record-by-record pass
would put it.

Bad data never raises: each problem becomes an :class:`~csww.report.Issue`. A file that
cannot be read at all gives a report whose ``fatal`` says why and where.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import replace

import polars as pl

from csww.cells import one_per_problem as one_per_problem  # the spreadsheet routes use it
from csww.model import Record, Return
from csww.parts import Finding, header_findings, la_findings
from csww.reader import DEFAULT_MAX_BYTES, ReadError, Source, StructureNote, iter_events
from csww.report.model import Issue, ReadFailure, Report
from csww.return_checks import across_records, against_last_year, on_totals
from csww.rules import RULES, Context
from csww.rules.items import ItemChecker
from csww.rules.notes import NOTES, NoteRules, latest_note_rules, note_rules
from csww.spec import UnknownYear, available_years, spec_for, year_problem
from csww.values import is_year
from csww.wording import Wording
from csww.worker_checks import BATCH, WorkerChecks
from csww.writer import to_bytes

Progress = Callable[[int], None]
PROGRESS_EVERY = 5000


class NoSpecification(Exception):
    """The return's year has no specification: it cannot be checked (a fatal report)."""


class Validator:
    """Receives a return piece by piece (header, LA level, workers) and collects issues."""

    def __init__(
        self,
        year: int | None = None,
        progress: Progress | None = None,
        previous: pl.DataFrame | None = None,
    ) -> None:
        self.requested_year = year
        self.previous = previous
        self.progress = progress
        self.issues: list[Issue] = []
        self.tail: list[Issue] = []
        self.ctx: Context | None = None
        self.header: Record | None = None
        self.la: Record | None = None
        # Every worker record, in file order; the worker rules run over them all at the end,
        # as columns. ``placed[k]`` is where worker k's issues go among the other issues
        # (after the issues found before it in the file, as a record-by-record pass would).
        self.batch: list[Record] = []
        self.placed: list[int] = []
        self.checks: WorkerChecks | None = None
        self.count = 0
        self.source: str | None = None
        self.notes: list[str] = []
        self.wording = Wording(spec_for(None))

    # ------------------------------------------------------------------ set-up
    def _start(self, header: Record | None) -> Context:
        year_text = header.values.get("Year", "") if header else ""
        header_year = int(year_text) if is_year(year_text) else None
        year = self.requested_year or header_year
        problem = year_problem(year)
        if problem is not None:
            raise NoSpecification(problem)
        if year is None:
            year = available_years()[-1]
            self.notes.append(
                f"The return gives no collection year, so it was checked against {year}, the "
                "latest year csww knows; give the year in the header (or with --year)."
            )
        try:
            spec = spec_for(year)
        except UnknownYear as exc:  # pragma: no cover - year_problem covers every case
            raise NoSpecification(str(exc)) from None
        ctx = Context(spec=spec, year=year, requested_year=self.requested_year)
        self.notes.extend(spec.notes)
        self.ctx = ctx
        self.items = ItemChecker(ctx)
        self.wording = Wording(spec, self.items.messages)
        self.note_book = note_rules(ctx)
        rules = [r for r in RULES.for_year(year) if r.table != NOTES]
        checks = WorkerChecks(
            ctx, self.items, [r for r in rules if r.scope == "worker"], self._worker_issue
        )
        if self.checks is not None:  # a second header: what was found so far stands
            checks.totals, checks.found, checks.keys = (
                self.checks.totals,
                self.checks.found,
                self.checks.keys,
            )
        self.checks = checks
        self.header_rules = [r for r in rules if r.scope == "header"]
        self.la_rules = [r for r in rules if r.scope == "la"]
        self.records_rules = [r for r in rules if r.scope == "records"]
        self.continuity_rules = [r for r in rules if r.scope == "continuity"]
        self.return_rules = [r for r in rules if r.scope == "return"]
        return ctx

    # ------------------------------------------------------------------ emit
    def _issue(
        self,
        rule_id: str,
        rec: Record | None,
        index: int | None,
        element: str | None,
        value: str | None,
        name: str | None = None,
        worker: str | None = None,
    ) -> Issue:
        rule = RULES[rule_id]
        line, cell = rec.location(element) if rec is not None else (None, None)
        message = self._message(rule_id, rule.message, element, name)
        return Issue(
            rule=rule_id,
            severity=rule.severity,
            message=message,
            worker=worker
            if worker is not None
            else (rec.values.get("SWENo") if rec and index else None),
            record=index,
            field=element,
            value=value,
            line=line,
            cell=cell,
        )

    def _noted(self, kind: str, part: str, element: str | None) -> None:
        """Report a note on the whole return (a part absent) by the rule that claims it."""
        rule = self._note_rules().rule(kind, part, element)
        self.issues.append(self._issue(rule.id, None, None, element, None))

    def _note_rules(self) -> NoteRules:
        """The year's note rules; before the year is known, the latest year's (the rules
        about the file's shape are the same in every year)."""
        return self.note_book if self.ctx is not None else latest_note_rules()

    def _worker_issue(
        self,
        rule_id: str,
        rec: Record,
        index: int,
        element: str | None,
        value: str | None,
        worker: str | None,
    ) -> Issue:
        return self._issue(rule_id, rec, index, element, value, worker=worker)

    def _message(self, rule_id: str, text: str, element: str | None, name: str | None) -> str:
        return self.wording.message(rule_id, text, element, name)

    # ------------------------------------------------------------------ pieces
    def on_header(self, rec: Record) -> None:
        self.header = rec
        ctx = self._start(rec)
        self._report(rec, header_findings(rec, ctx, self.note_book, self.header_rules))
        self._place_pending()

    def on_la(self, rec: Record) -> None:
        self.la = rec
        ctx = self.ctx if self.ctx is not None else self._start(None)
        found, self.la_typed = la_findings(rec, ctx, self.note_book, self.la_rules)
        self._report(rec, found)

    def _report(
        self, rec: Record | None, found: list[Finding], into: list[Issue] | None = None
    ) -> None:
        """Issues for a part's findings, at their items (or a repeat's own line)."""
        out = self.issues if into is None else into
        for f in found:
            issue = self._issue(f.rule.id, rec, None, f.element, f.value, f.name)
            out.append(_at_line(issue, f.line))

    def on_worker(self, rec: Record) -> None:
        self.count += 1
        self.batch.append(rec)
        if self.ctx is not None:
            self.placed.append(len(self.issues))
            if self.header is not None and len(self.batch) >= BATCH:
                self._flush()
        if self.progress is not None and self.count % PROGRESS_EVERY == 0:
            self.progress(self.count)

    def _place_pending(self) -> None:
        """Workers read before the year was known have their issues after what came so far."""
        self.placed.extend([len(self.issues)] * (self.count - len(self.placed)))

    def _flush(self) -> None:
        """Check the workers read so far (the year is settled: the header has been read)."""
        assert self.checks is not None
        self.checks.run(self.batch, self.count - len(self.batch))
        self.batch = []

    def on_note(self, note: StructureNote) -> None:
        rule = self._note_rules().rule(note.kind, "message", note.element)
        rule_id = rule.id
        self.issues.append(
            Issue(
                rule=rule_id,
                severity=rule.severity,
                message=self._message(rule_id, rule.message, None, None),
                record=note.record,
                field=note.element,
                value=note.text or None,
                line=note.line,
            )
        )

    # ------------------------------------------------------------------ finish
    def finish(self) -> Report:
        if self.ctx is None:
            self._start(None)
        if self.header is None:
            assert self.ctx is not None
            self._noted("absent", "header", self.ctx.spec.sections.header)
            self._place_pending()
        ctx = self.ctx
        assert ctx is not None
        self._flush()
        assert self.checks is not None
        self.issues = self._in_place(self.checks.found)
        if self.la is None:
            self._noted("absent", "la", ctx.spec.sections.la)
        self._cross_records(ctx)
        la_raw = self.la.values if self.la is not None else {}
        typed = getattr(self, "la_typed", {})
        failing = on_totals(self.return_rules, la_raw, typed, self.checks.totals, ctx)
        found = [Finding(r, r.fields[0], la_raw.get(r.fields[0])) for r in failing]
        self._report(self.la, found, into=self.tail)
        header = self.header.values if self.header is not None else {}
        return Report(
            issues=self.issues + self.tail,
            year=ctx.year,
            spec_year=ctx.spec.year,
            la=header.get("LEA"),
            workers=self.count,
            source=self.source,
            notes=list(dict.fromkeys(self.notes)),
        )

    def key_table(self) -> pl.DataFrame:
        """Every worker's key facts (a previous year's return, for the continuity rules)."""
        if self.ctx is None:
            self._start(None)
        self._flush()
        assert self.checks is not None
        return self.checks.key_table()

    def _in_place(self, found: dict[int, list[Issue]]) -> list[Issue]:
        """The issues in the order a record-by-record pass gives them: each worker's after
        the issues found before that worker in the file."""
        out: list[Issue] = []
        done = 0
        for k in sorted(found):
            at = self.placed[k]
            out.extend(self.issues[done:at])
            done = at
            out.extend(found[k])
        out.extend(self.issues[done:])
        return out

    def _cross_records(self, ctx: Context) -> None:
        assert self.checks is not None
        found = across_records(self.records_rules, self.checks.key_table(), ctx)
        if self.previous is not None:
            keys = self.checks.key_table()
            found.extend(against_last_year(self.continuity_rules, keys, self.previous, ctx))
        found.sort(key=lambda i: (i.record or 0, i.rule))
        self.tail.extend(found)


def _lines(lines: list[int], count: int) -> list[int | None]:
    """Source lines for ``count`` extras; None where the input had no lines (built in memory)."""
    return list(lines) if lines else [None] * count


def _at_line(issue: Issue, line: int | None) -> Issue:
    if not line:
        return issue
    return replace(issue, line=line)


def validate(
    source: Source,
    *,
    year: int | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    previous: Source | None = None,
) -> Report:
    """Validate an XML return from a path, bytes or binary stream.

    With ``previous`` (the LA's return for the year before), continuity rules compare the two.
    """
    keys = None
    if previous is not None:
        keys = previous_keys(previous)
        if isinstance(keys, ReadFailure):
            return Report(
                source=_name(source),
                fatal=ReadFailure(f"The previous year's return cannot be read: {keys}"),
            )
    validator = Validator(year, progress, previous=keys if isinstance(keys, pl.DataFrame) else None)
    validator.source = _name(source)
    gc_was_enabled = gc.isenabled()
    # The stream allocates millions of short-lived, acyclic objects that reference counting
    # frees at once; pausing the cycle collector spares it scanning them again and again.
    gc.disable()
    try:
        for kind, value in iter_events(source, max_bytes=max_bytes):
            if kind == "worker":
                validator.on_worker(value)  # type: ignore[arg-type]
            elif kind == "header":
                validator.on_header(value)  # type: ignore[arg-type]
            elif kind == "la":
                validator.on_la(value)  # type: ignore[arg-type]
            else:
                validator.on_note(value)  # type: ignore[arg-type]
        return validator.finish()
    except ReadError as exc:
        return Report(
            source=validator.source,
            fatal=ReadFailure(exc.message, exc.line, exc.column),
            workers=validator.count,
        )
    except NoSpecification as exc:
        return Report(source=validator.source, fatal=ReadFailure(str(exc)))
    finally:
        if gc_was_enabled:
            gc.enable()


def previous_keys(source: Source) -> pl.DataFrame | ReadFailure:
    """What continuity rules need from a previous return: each worker's key facts."""
    validator = Validator()
    try:
        for kind, value in iter_events(source):
            if kind == "worker":
                validator.on_worker(value)  # type: ignore[arg-type]
            elif kind == "header":
                validator.on_header(value)  # type: ignore[arg-type]
        return validator.key_table()
    except ReadError as exc:
        return ReadFailure(exc.message, exc.line, exc.column)
    except NoSpecification as exc:
        return ReadFailure(str(exc))


def _name(source: Source) -> str | None:
    return str(source) if isinstance(source, str) or hasattr(source, "__fspath__") else None


def validate_return(
    ret: Return,
    *,
    year: int | None = None,
    notes: Iterable[StructureNote] = (),
    extra_issues: Iterable[Issue] = (),
    previous: Source | Return | None = None,
) -> Report:
    """Validate a return already in memory (from a spreadsheet, a form or the portal)."""
    keys = None
    if previous is not None:
        keys = previous_keys(to_bytes(previous) if isinstance(previous, Return) else previous)
        if isinstance(keys, ReadFailure):
            return Report(fatal=ReadFailure(f"The previous year's return cannot be read: {keys}"))
    validator = Validator(year, previous=keys if isinstance(keys, pl.DataFrame) else None)
    extra = list(extra_issues)
    try:
        report = _validate_in_memory(validator, ret, notes, extra)
    except NoSpecification as exc:
        return Report(fatal=ReadFailure(str(exc)), workers=len(ret.workers))
    report.issues = one_per_problem(report.issues, extra, ret, validator.ctx)
    return report


def _validate_in_memory(
    validator: Validator,
    ret: Return,
    notes: Iterable[StructureNote],
    extra_issues: Iterable[Issue],
) -> Report:
    if ret.header.values or ret.header.extras:
        validator.on_header(ret.header)
    for note in notes:
        validator.on_note(note)
    validator.issues.extend(extra_issues)
    if ret.la is not None:
        validator.on_la(ret.la)
    for worker in ret.workers:
        validator.on_worker(worker)
    for (element, text), line in zip(
        ret.extras, _lines(ret.extra_lines, len(ret.extras)), strict=False
    ):
        rule = validator._note_rules().rule("unknown_record", "message")
        validator.issues.append(
            Issue(
                rule=rule.id,
                severity=rule.severity,
                message=rule.message,
                field=element,
                value=text or None,
                line=line,
            )
        )
    return validator.finish()
