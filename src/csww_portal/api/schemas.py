"""What API v1 sends and receives, as typed schemas (django-ninja writes the OpenAPI document
from them). ``Report`` is the core's report exactly as ``csww validate --format json`` prints
it for one file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from csww.report.model import Issue, ReadFailure


class Problem(Schema):
    detail: str = Field(description="What went wrong and what to do next.")


class LaterVersion(Schema):
    number: int
    description: str
    by: str = Field(description="Who made it (blank: nobody named).")
    at: datetime


class Conflict(Schema):
    detail: str = Field(description="Why nothing was done and what to do next.")
    version: int | None = Field(
        default=None,
        description="When the request named no version or an older one: the version that is "
        "current now (0: none). Read the return again, then repeat the request with it.",
    )
    since: list[LaterVersion] = Field(
        default_factory=list,
        description="The versions made after the one the request named (the latest 20).",
    )


VERSION = (
    "The version of the return this request was made from (`version` in the return's status). "
    "Required: without it, or with an older one, nothing is done and the answer is 409 with "
    "the current version."
)


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
    notes: list[str] = Field(
        default_factory=list,
        description="What to know about the year's specification (facts less than certain).",
    )
    issues: list[Issue]  # the core's own dataclasses: one definition of an issue


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    worker: str = Field(default="", max_length=40, description="Registration number (SWENo).")
    rule: str = Field(default="", max_length=10, description="Rule number, e.g. 519Q.")
    field: str = Field(default="", max_length=40, description="Item, e.g. Cases30.")
    version: int | None = Field(default=None, ge=0, description=VERSION)

    @field_validator("version", mode="before")
    @classmethod
    def _not_true_or_false(cls, value: object) -> object:
        """JSON's true is not version 1 (a bool is an int to Python)."""
        if isinstance(value, bool):
            raise ValueError("a version is a whole number, not true or false")
        return value


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
