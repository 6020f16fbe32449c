"""Portal test set-up: Django settings, a collection open today, people in every role.

The same tests run on SQLite (default) and on PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csww_portal.settings")
os.environ.setdefault("CSWW_PORTAL_EPHEMERAL_KEY", "1")
# Most tests run the upload check at once, in the request; tests/portal/test_queue.py runs the
# real database queue and its worker.
os.environ.setdefault("CSWW_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django

django.setup()

from django.conf import settings  # noqa: E402

# Hashing passwords properly takes most of a second each; tests only need them to match.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

import pytest  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from csww.model import Return  # noqa: E402
from csww.writer import to_bytes  # noqa: E402
from csww_portal.models import (  # noqa: E402
    Collection,
    LAReturn,
    LocalAuthority,
    Membership,
    ReturnVersion,
    Role,
)
from csww_portal.services.collections import create_collection  # noqa: E402
from tests.factories import make_header, make_la, make_return, make_worker  # noqa: E402

YEAR = 2018
PASSWORD = "correct horse battery staple"


@pytest.fixture
def collection(db: Any) -> Collection:
    today = timezone.localdate()
    return create_collection(
        YEAR,
        opens=today - timedelta(days=10),
        closes=today + timedelta(days=30),
        la_read_only_until=today + timedelta(days=37),
        dfe_read_only_from=today + timedelta(days=90),
        familiarisation_start=today - timedelta(days=60),
        familiarisation_end=today - timedelta(days=20),
    )


def _user(username: str, role: str, la: str | None) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    Membership.objects.create(
        user=user, role=role, la=LocalAuthority.objects.get(code=la) if la else None
    )
    return user


@pytest.fixture
def people(collection: Collection) -> dict[str, Any]:
    return {
        "submitter": _user("sub301", Role.LA_SUBMITTER, "301"),
        "approver": _user("app301", Role.LA_APPROVER, "301"),
        "other": _user("sub302", Role.LA_SUBMITTER, "302"),
        "dfe": _user("dfe", Role.DFE, None),
        "admin": _user("administrator", Role.ADMIN, None),
    }


@pytest.fixture
def login(people: dict[str, Any]) -> Callable[[str], Client]:
    def make(who: str) -> Client:
        client = Client()
        client.force_login(people[who])
        return client

    return make


def la_url(name: str, la: str = "301", *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"csww_portal:{name}", args=[YEAR, la, *args])


def xml(ret: Return) -> bytes:
    return to_bytes(ret)


def valid_return(la: str = "301") -> Return:
    return make_return(year=YEAR, lea=la)


def return_with_error_and_query(la: str = "301") -> Return:
    """Record 1 has an invalid ethnicity code (an error); record 2 a caseload over 40 (a query)."""
    workers = [
        make_worker("inpost", YEAR, SWENo="SW100001", Ethnicity="XXXX"),
        make_worker("inpost", YEAR, SWENo="SW100002", Cases30="45"),
        make_worker("leaver", YEAR, SWENo="SW100003"),
        make_worker("agency", YEAR, SWENo="SW100004"),
    ]
    return Return(header=make_header(YEAR, la), la=make_la(), workers=workers)


def upload(client: Client, data: bytes, name: str = "return.xml", la: str = "301") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(la_url("upload", la), {"return_file": SimpleUploadedFile(name, data)})


def the_return(la: str = "301") -> LAReturn:
    return LAReturn.objects.select_related("current", "la", "collection").get(
        collection__year=YEAR, la__code=la
    )


def current(la: str = "301") -> ReturnVersion:
    """The current version of the LA's return (there must be one)."""
    version = the_return(la).current
    assert version is not None
    return version


def record_id(position: int, la: str = "301") -> str:
    """The record id of the worker at ``position`` (1-based) in the current version."""
    from csww_portal.services import identity

    ret = the_return(la)
    assert ret.current is not None
    return identity.ids_of(ret, ret.current)[position - 1]


def worker_url(position: int, la: str = "301", name: str = "worker") -> str:
    return la_url(name, la, record_id(position, la))


def base() -> dict[str, str]:
    """The hidden field every edit form posts: the version it was built from."""
    return {"base": str(current().number)}


@pytest.fixture(autouse=True)
def _portal_files(tmp_path: Any, settings: Any) -> None:
    """Files the portal keeps outside the database go to the test's own folder; workbooks are
    made in the request's thread (``test_downloads.py`` also runs the separate process)."""
    settings.CSWW_FILES_DIR = str(tmp_path / "portal-files")
    settings.CSWW_EXPORT_PROCESSES = 0


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Django's cache starts empty in each test (the portal's throttles count in the
    database, which each test starts afresh)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
