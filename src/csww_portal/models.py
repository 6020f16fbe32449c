# ruff: noqa: RUF012  (Django reads Meta options and migration lists as class attributes)
"""What the portal stores: collections, LAs' returns, every upload and version, notes, audit.

Nothing is overwritten: an upload or an edit adds a :class:`ReturnVersion` and moves the
return's ``current`` pointer, inside one transaction, so a failure leaves the previous
version in place. Validation results are the core's report, stored as its JSON form.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

from csww.report.model import Issue, ReadFailure, Report


class Role(models.TextChoices):
    LA_SUBMITTER = "la_submitter", "LA submitter"
    LA_APPROVER = "la_approver", "LA approver"
    DFE = "dfe", "DfE statistician"
    ADMIN = "admin", "Administrator"


LA_ROLES = frozenset({Role.LA_SUBMITTER, Role.LA_APPROVER})


def new_record_key() -> str:
    """A return's secret for its workers' record ids (see ``services.identity``)."""
    return secrets.token_hex(16)


class LocalAuthority(models.Model):
    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PortalSession(AbstractBaseSession):
    """Django's database session with the signed-in person's id beside its data, so that one
    statement reads the session, the person, their role and the return a page is about
    (``rows.py``). The id in the signed data still decides who is signed in: the person read
    beside it is used only when the two agree. Ends with the person's account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "csww_portal_session"

    @classmethod
    def get_session_store_class(cls) -> Any:
        from csww_portal.rows import SessionStore

        return SessionStore


class Membership(models.Model):
    """A person's role; LA roles are tied to exactly one LA, DfE roles to none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    la = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=[Role.LA_SUBMITTER, Role.LA_APPROVER], la__isnull=False)
                    | models.Q(role__in=[Role.DFE, Role.ADMIN], la__isnull=True)
                ),
                name="la_role_has_one_la",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Phase(models.TextChoices):
    NOT_OPEN = "not_open", "Not open yet"
    FAMILIARISATION = "familiarisation", "Familiarisation (practice data, deleted when it ends)"
    OPEN = "open", "Open"
    LA_READ_ONLY = "la_read_only", "Closed: read only for local authorities"
    FINISHED = "finished", "Finished"


class Collection(models.Model):
    """One census year and its dates (all inclusive, UK local dates)."""

    year = models.PositiveSmallIntegerField(unique=True)
    familiarisation_start = models.DateField(null=True, blank=True)
    familiarisation_end = models.DateField(null=True, blank=True)
    opens = models.DateField()
    closes = models.DateField(help_text="Last day local authorities can change and submit.")
    la_read_only_until = models.DateField(
        help_text="Local authorities can read their return until this day."
    )
    dfe_read_only_from = models.DateField(
        help_text="From this day DfE's view is read only too: returns can no longer be reopened."
    )
    familiarisation_cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"CSWW {self.year}"

    def in_familiarisation(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        start, end = self.familiarisation_start, self.familiarisation_end
        return bool(start and end and start <= today <= end)

    def phase(self, today: date | None = None) -> Phase:
        today = today or timezone.localdate()
        if self.in_familiarisation(today):
            return Phase.FAMILIARISATION
        if today < self.opens:
            return Phase.NOT_OPEN
        if today <= self.closes:
            return Phase.OPEN
        if today <= self.la_read_only_until:
            return Phase.LA_READ_ONLY
        return Phase.FINISHED

    def la_can_view(self, today: date | None = None) -> bool:
        return self.phase(today) in (Phase.FAMILIARISATION, Phase.OPEN, Phase.LA_READ_ONLY)

    def la_can_change(self, today: date | None = None) -> bool:
        return self.phase(today) in (Phase.FAMILIARISATION, Phase.OPEN)

    def dfe_can_change(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) < self.dfe_read_only_from

    def familiarisation_due(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        end = self.familiarisation_end
        return bool(end and today > end and self.familiarisation_cleared_at is None)


class State(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


class LAReturn(models.Model):
    """One LA's return in one collection: its state and a pointer to the current version."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="returns")
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED)
    current = models.ForeignKey(
        "ReturnVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workers = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    unexplained = models.PositiveIntegerField(default=0, help_text="Queries without a note.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)
    last_activity = models.DateTimeField(null=True, blank=True)
    record_key = models.CharField(
        max_length=32, default=new_record_key, help_text="Keys the workers' record ids."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "la"], name="one_return_per_la")
        ]
        ordering = ["la__name"]

    def __str__(self) -> str:
        return f"{self.la} {self.collection}"

    @property
    def locked(self) -> bool:
        """Submitted and approved returns change only after DfE reopens them."""
        return self.state in (State.SUBMITTED, State.APPROVED)


class Upload(models.Model):
    """Every file an LA sent, byte for byte, whether or not it could be read."""

    class Outcome(models.TextChoices):
        LOADED = "loaded", "Loaded"
        HELD = "held", "Waiting for you to confirm"
        CANCELLED = "cancelled", "Not loaded (you cancelled it)"
        UNREADABLE = "unreadable", "Could not be read"
        REFUSED = "refused", "Refused"

    la_return = models.ForeignKey(LAReturn, on_delete=models.CASCADE, related_name="uploads")
    # The person's and the token's uploads are found through the (who, when) indexes below,
    # which serve lookups by who alone as well: no index of their own, one fewer to write
    # with every upload.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(blank=True, default=b"")
    # The file beside the database that holds the bytes (``services.storage``); uploads
    # from before keep them in ``content``.
    stored = models.CharField(max_length=80, blank=True, default="")
    # Empty while the upload waits for its check: the row is then the queue entry.
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    message = models.TextField(blank=True)
    # The API token it came through (None: the upload page); uploads are rate-limited per
    # person and per token.
    token = models.ForeignKey(
        "csww_portal.ApiToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    confirmed = models.BooleanField(
        default=False,
        help_text="Load it even if it empties the return or removes most of its workers.",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["uploaded_by", "uploaded_at"]),
            models.Index(fields=["token", "uploaded_at"]),
            models.Index(fields=["id"], condition=models.Q(outcome=""), name="upload_waiting"),
        ]


class ReturnVersion(models.Model):
    """One state of a return: from an upload or an edit, with the core's report on it."""

    la_return = models.ForeignKey(LAReturn, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    description = models.CharField(max_length=200)
    # The return as COLLECT XML; empty when it is the XML upload itself, unchanged.
    xml = models.BinaryField(blank=True, default=b"")
    report = models.JSONField()
    workers = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    # Each worker's record id, in order; filled the first time a page needs them.
    record_ids = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["la_return", "number"], name="version_number_unique")
        ]
        ordering = ["-number"]

    def xml_bytes(self) -> bytes:
        if self.xml:
            return bytes(self.xml)
        assert self.upload is not None, "a version without XML must come from an XML upload"
        from csww_portal.services.storage import bytes_of

        return bytes_of(self.upload)

    def report_object(self) -> Report:
        return report_from_dict(self.report)


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild the core's :class:`Report` from its ``as_dict()`` form."""
    fatal = data.get("fatal")
    return Report(
        issues=[Issue(**issue) for issue in data.get("issues", [])],
        year=data.get("year"),
        spec_year=data.get("spec_year"),
        la=data.get("la"),
        workers=data.get("workers", 0),
        source=data.get("source"),
        fatal=ReadFailure(**fatal) if fatal else None,
    )


class Note(models.Model):
    """An explanation at return, worker or issue level.

    Keyed by registration number (SWENo), rule and field, never by row position, so a note
    still applies after the return is uploaded again with its workers in another order.
    """

    la_return = models.ForeignKey(LAReturn, on_delete=models.CASCADE, related_name="notes")
    worker = models.CharField(
        max_length=40, blank=True, help_text="Registration number; blank for the return."
    )
    rule = models.CharField(max_length=10, blank=True)
    field = models.CharField(max_length=40, blank=True)
    text = models.TextField(max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["la_return", "worker", "rule", "field"])]

    @property
    def level(self) -> str:
        if self.rule and not self.worker and not self.field:
            return "rule"
        if self.rule:
            return "issue"
        return "worker" if self.worker else "return"


class AuditEvent(models.Model):
    """Who did what, when. ``detail`` never holds personal data (no names, dates or values)."""

    class Action(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        RESTORE = "restore", "Restored a version"
        UPLOAD = "upload", "Uploaded a file"
        EDIT = "edit", "Edited the return"
        NOTE = "note", "Added a note"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        REOPEN = "reopen", "Reopened"
        DOWNLOAD = "download", "Downloaded"
        FAMILIARISATION = "familiarisation", "Deleted familiarisation data"
        TOKEN = "token", "Issued or revoked an API token"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    collection = models.ForeignKey(Collection, null=True, blank=True, on_delete=models.CASCADE)
    la = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["la", "at"])]


class LoginAttempt(models.Model):
    """Sign-in attempts, counted per account and per address (see ``throttle``)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["username", "ip", "at"]),
            models.Index(fields=["username", "at"]),
            models.Index(fields=["ip", "at"]),
        ]


class ThrottleCount(models.Model):
    """Events counted per key in a fixed window (``csww_portal.throttle.WindowCounter``): kept
    in the database so every web process counts against one limit. Rows whose window has
    ended are deleted as new windows start."""

    key = models.CharField(max_length=200, primary_key=True)
    started = models.FloatField(help_text="When the window began (Unix time, seconds).")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["started"])]


class UploadCheck(models.Model):
    """An upload's place in the check queue and the outcome of its check.

    The upload and this row (and the queued task) are committed together; a worker claims
    it (``checking``), reads and checks the file, and in one transaction stores the version
    and marks it ``done``, or marks it ``failed`` with the reason, leaving the previous
    version current. A check found ``done`` or ``failed`` is never run again, so a task run
    twice does no harm. Uploads to one return apply in the order they were received: a
    check that finishes after a newer upload's has been applied is kept with its counts but
    does not replace the current version.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        DONE = "done", "Checked"
        FAILED = "failed", "Could not be checked"

    upload = models.OneToOneField(
        Upload, primary_key=True, on_delete=models.CASCADE, related_name="upload_check"
    )
    la_return = models.ForeignKey(LAReturn, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    version = models.OneToOneField(
        ReturnVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied = models.BooleanField(default=False, help_text="Its version became the current one.")
    confirmed = models.BooleanField(
        default=False,
        help_text="Load it even if it empties the return or removes most of its workers.",
    )
    workers = models.PositiveIntegerField(null=True, blank=True)
    errors = models.PositiveIntegerField(null=True, blank=True)
    queries = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ApiToken(models.Model):
    """A person's key to API v1. Only a SHA-256 digest of the token is stored (the token is 256
    random bits, so a fast hash is enough); ``prefix`` lets its owner tell tokens apart."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class WorkbookLease(models.Model):
    """A download workbook being made (``csww_portal.services.workbook_leases``). Each making
    holds one of ``max(1, CSWW_EXPORT_PROCESSES)`` slots, so every web process on this
    database shares one cap on makers, and ``version`` is unique, so a version is made by one
    maker at a time. The maker renews ``expires`` while it works and deletes the row when it is
    done; a row past ``expires`` (its maker stopped) is taken over by the next download."""

    slot = models.PositiveSmallIntegerField(primary_key=True)
    # The ReturnVersion's id, not a foreign key: a lease only says who is making a file.
    version = models.BigIntegerField(unique=True)
    holder = models.CharField(max_length=32, help_text="One making's random id.")
    expires = models.FloatField(help_text="When the lease ends unless renewed (Unix time, s).")
