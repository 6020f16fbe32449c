"""The validation engine: reads a return once and returns its report.

The header, the LA-level record and the reader's notes on the file's shape are checked as
they arrive; the worker records are checked a batch at a time as typed columns
(:mod:`csww.worker_checks`), their worker rules as column expressions run by the engine's
core (:func:`csww.core.failing_rows`); the cross-record, continuity and return-level rules
run at the end on each worker's key facts and the return's totals. Every issue lands where a
record-by-record pass would put it.

Bad data never raises: each problem becomes an :class:`~csww.report.Issue`. A file that
cannot be read at all gives a report whose ``fatal`` says why and where.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from csww.model import Record, Return
from csww.reader import DEFAULT_MAX_BYTES, ReadError, Source, StructureNote, iter_events
from csww.report.model import Issue, ReadFailure, Report
from csww.rules import RULES, Context, Rule, View, la_level, structure
from csww.rules import header as header_rules
from csww.rules.items import ItemChecker, parser_for
from csww.rules.records import WorkerKey
from csww.spec import UnknownYear, available_years, removed_item, spec_for, year_problem
from csww.values import is_year
from csww.worker_checks import BATCH, WorkerChecks
from csww.writer import to_bytes

Progress = Callable[[int], None]
# Rules the engine applies itself (no check of their own), declared in the rulebook.
NOTE_RULES = structure.NOTE_RULES
LA_MISSING = la_level.MISSING.id
UNKNOWN, REPEATED = structure.UNKNOWN_ITEM.id, structure.REPEATED_ITEM.id
NO_LONGER_COLLECTED = structure.NO_LONGER_COLLECTED.id
PROGRESS_EVERY = 5000


class NoSpecification(Exception):
    """The return's year has no specification: it cannot be checked (a fatal report)."""


class Validator:
    """Receives a return piece by piece (header, LA level, workers) and collects issues."""

    def __init__(
        self,
        year: int | None = None,
        progress: Progress | None = None,
        previous: dict[str, list[WorkerKey]] | None = None,
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
        self.keys: dict[str, list[WorkerKey]] = {}
        self.source: str | None = None
        self.notes: list[str] = []
        self.names: dict[str, str] = _names(spec_for(None))

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
        self.names = _names(spec)
        self.ctx = ctx
        self.items = ItemChecker(ctx)
        rules = [r for r in RULES.for_year(year) if r.check]
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
        """The rule's message for this year: item rules' words come from the year's spec,
        and placeholders name the item and the year's sections."""
        own = self.items.messages.get(rule_id) if hasattr(self, "items") else None
        if own is not None:
            return own
        if "{" not in text:
            return text
        ctx = self.ctx
        item = ctx.spec.item_named(element) if ctx is not None and element else None
        fill = dict(self.names)
        fill["name"] = name or (item.name if item else element or "")
        gone = removed_item(ctx.spec, element) if ctx is not None and element else None
        if gone is not None:
            old_name, year, instead = gone
            fill["name"] = f"{old_name} ({element})"
            fill["removed"] = str(year) + (f"; give {instead} instead" if instead else "")
        return text.format_map(_Keep(fill))

    # ------------------------------------------------------------------ pieces
    def on_header(self, rec: Record) -> None:
        self.header = rec
        ctx = self._start(rec)
        raw = rec.values
        for element in (e for e, i in ctx.spec.header.items() if i.required):
            if not raw.get(element):
                item = ctx.spec.header.get(element)
                self.issues.append(
                    self._issue(
                        header_rules.MISSING.id,
                        rec,
                        None,
                        element,
                        None,
                        item.name if item else element,
                    )
                )
        self._record_extras(rec, None, set(ctx.spec.header))
        view = View(raw, {}, "header", ctx)
        for rule in self.header_rules:
            if all(raw.get(n) for n in rule.needs) and not rule.check(view):  # type: ignore[misc]
                field = rule.fields[0]
                self.issues.append(self._issue(rule.id, rec, None, field, raw.get(field)))
        self._place_pending()

    def on_la(self, rec: Record) -> None:
        self.la = rec
        if self.ctx is None:
            self._start(None)
        assert self.ctx is not None
        ctx = self.ctx
        if rec.tag is not None and rec.tag != ctx.spec.sections.la:
            wrong = la_level.wrong_section(ctx.year)
            self.issues.append(self._issue(wrong, rec, None, None, rec.tag))
        typed: dict[str, Any] = {}
        for element, item in ctx.spec.la.items():
            text = rec.values.get(element, "")
            if text == "":
                if item.required:
                    self.issues.append(self._issue(LA_MISSING, rec, None, element, None, item.name))
                continue
            value = parser_for(item, ctx.spec)(text)
            if value is None:
                rule_id = item.format_rule or LA_MISSING
                self.issues.append(self._issue(rule_id, rec, None, element, text, item.name))
            else:
                typed[element] = value
        self._record_extras(rec, None, set(ctx.spec.la))
        self.la_typed = typed
        view = View(rec.values, typed, "la", ctx)
        for rule in self.la_rules:
            if rule.needs <= typed.keys() and not rule.check(view):  # type: ignore[misc]
                field = rule.fields[0]
                self.issues.append(self._issue(rule.id, rec, None, field, rec.values.get(field)))

    def _record_extras(self, rec: Record, index: int | None, known: set[str]) -> None:
        removed = self.ctx.spec.removed if self.ctx is not None else {}
        for element, text in rec.values.items():
            if element not in known:
                rule_id = NO_LONGER_COLLECTED if element in removed else UNKNOWN
                self.issues.append(self._issue(rule_id, rec, index, element, text))
        for (element, text), line in zip(
            rec.extras, _lines(rec.extra_lines, len(rec.extras)), strict=False
        ):
            rule_id = REPEATED if element in known else UNKNOWN
            issue = self._issue(rule_id, rec, index, element, text)
            self.issues.append(_at_line(issue, line))

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
        rule = next(r for r in NOTE_RULES if r.check is not None and r.check(note))
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
            self.issues.append(
                self._issue(
                    header_rules.NO_HEADER.id, None, None, self.ctx.spec.sections.header, None
                )
            )
            self._place_pending()
        ctx = self.ctx
        assert ctx is not None
        self._flush()
        assert self.checks is not None
        self.issues = self._in_place(self.checks.found)
        self.keys = self.checks.worker_keys(only_shared=self.previous is None)
        if self.la is None:
            self.issues.append(
                self._issue(la_level.NO_SECTION.id, None, None, ctx.spec.sections.la, None)
            )
        self._cross_records(ctx)
        la_raw = self.la.values if self.la is not None else {}
        totals = self.checks.totals
        view = View(la_raw, getattr(self, "la_typed", {}), "return", ctx, totals=totals)
        for rule in self.return_rules:
            if rule.needs <= view.t.keys() and not rule.check(view):  # type: ignore[misc]
                field = rule.fields[0]
                self.tail.append(self._issue(rule.id, self.la, None, field, la_raw.get(field)))
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

    def worker_keys(self) -> dict[str, list[WorkerKey]]:
        """Every worker's key facts by registration number (a previous year's return)."""
        if self.ctx is None:
            self._start(None)
        self._flush()
        assert self.checks is not None
        return dict(self.checks.worker_keys(only_shared=False))

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
        found: list[Issue] = []
        for swe, group in self.keys.items():
            if len(group) < 2:
                continue
            for rule in self.records_rules:
                for key in rule.check(group, ctx):  # type: ignore[misc]
                    field = rule.fields[0]
                    found.append(
                        Issue(
                            rule=rule.id,
                            severity=rule.severity,
                            message=rule.message,
                            worker=swe,
                            record=key.record,
                            field=field,
                            value=None,
                            line=key.line,
                            cell=key.cell,
                        )
                    )
        if self.previous is not None:
            found.extend(self._continuity(ctx, self.previous))
        found.sort(key=lambda i: (i.record or 0, i.rule))
        self.tail.extend(found)

    def _continuity(self, ctx: Context, previous: dict[str, list[WorkerKey]]) -> list[Issue]:
        found = []
        # This year's numbers in file order, then last year's that are gone: the same order
        # on every run (a set's order changes with the interpreter's hash seed).
        numbers = [*self.keys, *(swe for swe in previous if swe not in self.keys)]
        for swe in numbers:
            current, before = self.keys.get(swe, []), previous.get(swe, [])
            for rule in self.continuity_rules:
                for key in rule.check(current, before, ctx):  # type: ignore[misc]
                    found.append(
                        Issue(
                            rule=rule.id,
                            severity=rule.severity,
                            message=rule.message,
                            worker=swe,
                            record=key.record if key else None,
                            field=_field_of(rule, ctx),
                            value=None,
                            line=key.line if key else None,
                            cell=key.cell if key else None,
                        )
                    )
        return found


def _field_of(rule: Rule, ctx: Context) -> str | None:
    """The rule's first field that the year collects (a rule about an item that changed its
    element names each year's own), else its first field."""
    if not rule.fields:
        return None
    return next((f for f in rule.fields if f in ctx.spec.worker), rule.fields[0])


class _Keep(dict[str, str]):
    """Fills the placeholders it knows and leaves any other braces as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _names(spec: Any) -> dict[str, str]:
    s = spec.sections
    return {
        "message": s.message,
        "header": s.header,
        "la": s.la,
        "worker": s.worker,
        "body": spec.registration_body,
        "year": str(spec.year),
    }


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
    validator = Validator(year, progress, previous=keys if isinstance(keys, dict) else None)
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


def previous_keys(source: Source) -> dict[str, list[WorkerKey]] | ReadFailure:
    """What continuity rules need from a previous return: each worker's key facts."""
    validator = Validator()
    try:
        for kind, value in iter_events(source):
            if kind == "worker":
                validator.on_worker(value)  # type: ignore[arg-type]
            elif kind == "header":
                validator.on_header(value)  # type: ignore[arg-type]
        return validator.worker_keys()
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
    validator = Validator(year, previous=keys if isinstance(keys, dict) else None)
    extra = list(extra_issues)
    try:
        report = _validate_in_memory(validator, ret, notes, extra)
    except NoSpecification as exc:
        return Report(fatal=ReadFailure(str(exc)), workers=len(ret.workers))
    report.issues = one_per_problem(report.issues, extra, ret, validator.ctx)
    return report


def one_per_problem(
    issues: list[Issue], read_issues: list[Issue], ret: Return, ctx: Context | None
) -> list[Issue]:
    """One problem is one issue, at the cell the user must change.

    A cell the spreadsheet reader could not convert is reported by the reader's rule, which
    says what happened and how to put it right; the item's format rule on that same cell
    would say it a second time, so it is dropped. Every issue about an item of a worker
    record points at that item's cell, and an issue about the worker records as a whole at
    the first worker row. A return with no cells (XML) is left as it is."""
    converted = {i.cell for i in read_issues if i.cell}
    la_format = (
        {e: item.format_rule for e, item in ctx.spec.la.items() if item.format_rule}
        if ctx is not None
        else {}
    )
    kept = []
    for issue in issues:
        if issue.cell in converted and _is_format_rule(issue, la_format):
            continue
        cell = _cell_of(issue, ret)
        kept.append(issue if cell is None or cell == issue.cell else replace(issue, cell=cell))
    return kept


def _is_format_rule(issue: Issue, la_format: dict[str, str]) -> bool:
    """Whether the issue is an item's typing rule (worker items, or an LA-level figure)."""
    if issue.rule not in RULES:
        return False
    if RULES[issue.rule].scope == "item":
        return True
    return issue.field is not None and la_format.get(issue.field) == issue.rule


def _cell_of(issue: Issue, ret: Return) -> str | None:
    if issue.record is not None and 1 <= issue.record <= len(ret.workers):
        return ret.workers[issue.record - 1].cells.get(issue.field or "")
    if issue.field == "CSWWWorker" and ret.workers_cell:
        return ret.workers_cell
    return None


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
        rule = structure.UNKNOWN_RECORD
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
