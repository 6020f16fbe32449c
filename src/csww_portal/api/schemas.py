"""What API v1 sends and receives, as typed schemas (django-ninja writes the OpenAPI document
from them). ``Report`` is the core's report exactly as ``csww validate --format json`` prints
it for one file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from csww.report.model import Issue, ReadFailure


class Problem(Schema):
    detail: str = Field(description="What went wrong and what to do next.")


class UploadAccepted(Schema):
    id: int = Field(description="The upload's id.")
    status: Literal["queued", "checking", "done", "failed"]
    status_url: str = Field(description="Where to ask how the check is going (GET).")


class UploadStatus(Schema):
    id: int
    collection: int
    la: str
    filename: str
    received_at: datetime
    status: Literal["queued", "checking", "done", "failed"] = Field(
        description="queued: waiting for a worker; checking: being checked; done: checked; "
        "failed: could not be checked (message says why; the previous version stays current)."
    )
    finished: bool
    position: int = Field(description="Checks queued ahead of this one (while queued).")
    retry_after: int = Field(description="Seconds to wait before asking again (0: finished).")
    current: bool = Field(description="Whether this upload became the current version.")
    version: int | None = Field(description="The version it made, when it made one.")
    workers: int | None = Field(description="Worker records, once done.")
    errors: int | None = Field(description="Errors, once done.")
    queries: int | None = Field(description="Queries, once done.")
    message: str = Field(description="Why it failed, or why it did not become current.")


class Report(Schema):
    valid: bool
    errors: int
    queries: int
    year: int | None = None
    spec_year: int | None = None
    la: str | None = None
    workers: int
    source: str | None = None
    fatal: ReadFailure | None = None
    issues: list[Issue]  # the core's own dataclasses: one definition of an issue


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    worker: str = Field(default="", max_length=40, description="Registration number (SWENo).")
    rule: str = Field(default="", max_length=10, description="Rule number, e.g. 519Q.")
    field: str = Field(default="", max_length=40, description="Item, e.g. Cases30.")


class NoteOut(Schema):
    id: int
    level: Literal["return", "worker", "rule", "issue"]
    worker: str
    rule: str
    field: str
    text: str
    author: str
    created_at: datetime


class ReturnStatus(Schema):
    collection: int
    la: str
    status: str = Field(description="not_started, errors, queries, ready, submitted or approved.")
    status_label: str
    state: Literal["not_started", "in_progress", "submitted", "approved"]
    version: int | None
    workers: int
    errors: int
    queries: int
    queries_without_note: int
    last_activity: datetime | None
