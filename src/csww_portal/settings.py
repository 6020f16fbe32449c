"""Django settings for the collection portal, read from the environment.

The embedded default is SQLite in ``var/portal.sqlite3`` (or ``CSWW_PORTAL_DB``); set
``DATABASE_URL`` (for example ``postgresql://user@host:5432/csww``) for PostgreSQL.
``SECRET_KEY`` must be set whenever ``DEBUG`` is off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, default: int, least: int = 0) -> int:
    """A whole-number setting from the environment; a value that is not one is refused naming
    the variable, before anything starts."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = least - 1
    if number < least:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {least}, not {value!r}; "
            f"leave it unset for {default}."
        )
    return number


BASE_DIR = Path(__file__).resolve().parent
DEBUG = _flag("CSWW_PORTAL_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not _flag("CSWW_PORTAL_EPHEMERAL_KEY", False):
        raise ImproperlyConfigured(
            "Set SECRET_KEY (or CSWW_PORTAL_DEBUG=1 for a local demo) before starting the portal."
        )
    # A throwaway key: sessions end when the process stops, which suits a demo or a test run.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = [
    h
    for h in os.environ.get("CSWW_PORTAL_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSWW_PORTAL_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csww_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csww_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Errors from outside the portal's handlers (a bare 405, a chunked body, a framework's
    # plain-text error under /api/) answered as the portal answers errors.
    "csww_portal.middleware.ErrorResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "csww_portal.limits.RequestSizeMiddleware",
    # A NUL in the query string or a form: a 400 saying so, never a database error.
    "csww_portal.limits.NulCharacterMiddleware",
    # The upload form's body read whole with bytes.find, not Django's parser (form_body.py).
    "csww_portal.form_body.UploadFormMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "csww_portal.urls"
WSGI_APPLICATION = "csww_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csww_portal.context.portal",
            ],
        },
    },
]

_default_db = os.environ.get("CSWW_PORTAL_DB") or str(Path.cwd() / "var" / "portal.sqlite3")
# A new PostgreSQL connection costs about 11 ms of the server's CPU and 2 ms of the web
# process's, so connections are kept: this long at most (docs/benchmarks-portal.md).
_KEEP_SECONDS = _number("CSWW_PORTAL_CONN_MAX_AGE", 3600)
DATABASES = {
    # An empty DATABASE_URL is taken as none given.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_default_db}", conn_max_age=_KEEP_SECONDS
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers carry on while an upload commits; the timeout rides out short write locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
if _POSTGRESQL:
    # Django's, lending only live connections from the pool (csww_portal/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "csww_portal.postgresql"
if _POSTGRESQL and os.environ.get("CSWW_PORTAL_PREPARED_STATEMENTS", "1") != "0":
    # The few statements every request makes (csww_portal/rows.py) are prepared once per
    # connection; Django's own queries are bound on the client and never prepared. Behind
    # PgBouncer in transaction mode set its max_prepared_statements, or set
    # CSWW_PORTAL_PREPARED_STATEMENTS=0 (docs/portal.md, "Serving").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 1_000_000)
    # Each is planned once, on its first run, not on each of its first five (PostgreSQL's
    # default): they look rows up by unique keys, and at the deadline burst most
    # connections run each statement fewer than five times, so planning the session's
    # eleven-table statement again was most of PostgreSQL's CPU per acknowledgement
    # (docs/benchmarks-portal.md). Only prepared statements are affected: Django's own
    # queries are never prepared. PgBouncer refuses this startup option: there, set
    # CSWW_PORTAL_PLAN_ONCE=0 and the role's plan_cache_mode instead (docs/portal.md).
    if os.environ.get("CSWW_PORTAL_PLAN_ONCE", "1") != "0":
        DATABASES["default"]["OPTIONS"].setdefault(
            "options", "-c plan_cache_mode=force_generic_plan"
        )
if _POSTGRESQL and os.environ.get("CSWW_PORTAL_DB_POOL", "1") != "0":
    # Each process keeps a pool of connections (psycopg's, through Django): a request
    # takes one for its own length and gives it back. A web process handles two requests
    # at a time whatever its number of threads (admission.py), so a handful of
    # connections, each with its statements already prepared and planned, serve every
    # thread; one connection kept per thread made a deadline burst prepare the same
    # statements on 32 connections (docs/benchmarks-portal.md). `csww serve` sizes each
    # process's pool to its threads (server.size_pools), so a request never waits for a
    # connection. Behind PgBouncer, or to keep one connection per thread, set
    # CSWW_PORTAL_DB_POOL=0 (docs/portal.md).
    if _KEEP_SECONDS < 60:
        raise ImproperlyConfigured(
            "CSWW_PORTAL_CONN_MAX_AGE must be at least 60 seconds while connections are "
            "pooled; set CSWW_PORTAL_DB_POOL=0 to open a connection for each request."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # given back to the pool after each request
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _number("CSWW_PORTAL_DB_POOL_MAX", 20, least=1),
        "max_lifetime": float(_KEEP_SECONDS),
        "max_idle": 600.0,  # connections above min_size, unused this long, are closed
        "timeout": 30.0,  # the longest a request waits for a connection
        "name": "csww",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first, as Django recommends, at OWASP's minimum setting (csww_portal/hashers.py);
# PBKDF2 still reads passwords stored before the change (they are re-hashed at the next
# sign-in). CSWW_PASSWORD_HASHER=pbkdf2 keeps PBKDF2 first.
_HASHERS = {
    "argon2": "csww_portal.hashers.Argon2idHasher",
    "pbkdf2": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}
_first = os.environ.get("CSWW_PASSWORD_HASHER", "argon2")
if _first not in _HASHERS:
    raise ImproperlyConfigured("CSWW_PASSWORD_HASHER must be argon2 or pbkdf2.")
PASSWORD_HASHERS = [_HASHERS[_first], *(h for k, h in _HASHERS.items() if k != _first)]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "csww_portal:login"
LOGIN_REDIRECT_URL = "csww_portal:home"
LOGOUT_REDIRECT_URL = "csww_portal:login"

# Sign-in throttling (see throttle.py): per account, back-off after this many failures in the
# window; per client address, a lock after CSWW_LOGIN_MAX_ADDRESS_FAILURES failures.
CSWW_LOGIN_MAX_FAILURES = _number("CSWW_LOGIN_MAX_FAILURES", 5)
CSWW_LOGIN_WINDOW_MINUTES = _number("CSWW_LOGIN_WINDOW_MINUTES", 15)
CSWW_LOGIN_MAX_ADDRESS_FAILURES = _number("CSWW_LOGIN_MAX_ADDRESS_FAILURES", 30)
CSWW_LOGIN_BACKOFF_SECONDS = _number("CSWW_LOGIN_BACKOFF_SECONDS", 30)
# Behind a reverse proxy that appends the client's address to X-Forwarded-For, the number of
# such proxies; 0 (the default) trusts only REMOTE_ADDR, as a client can write the header.
CSWW_TRUSTED_PROXY_HOPS = _number("CSWW_PORTAL_TRUSTED_PROXY_HOPS", 0)

# Django's admin pages: for administrators only, and only where switched on.
CSWW_ADMIN_ENABLED = _flag("CSWW_PORTAL_ADMIN", False)

# Limits, each checked before any work (docs/portal.md says why each is what it is).
# A 20,000-worker return is about 10 MB of XML; the largest LA has under 2,000 workers.
CSWW_MAX_UPLOAD_BYTES = _number("CSWW_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, least=1)
# The whole request: the file plus the form's few fields. Larger bodies are refused unread.
CSWW_MAX_REQUEST_BYTES = CSWW_MAX_UPLOAD_BYTES + 256 * 1024
CSWW_MAX_WORKERS = _number("CSWW_MAX_WORKERS", 20000)
CSWW_MAX_STORED_ISSUES = _number("CSWW_MAX_STORED_ISSUES", 20000)
CSWW_MAX_UPLOADS = _number("CSWW_MAX_UPLOADS", 500)
CSWW_KEEP_UNUSED_UPLOADS = _number("CSWW_KEEP_UNUSED_UPLOADS", 10)
# Files the portal keeps outside the database: workbooks made for download (one per version).
CSWW_FILES_DIR = os.environ.get("CSWW_FILES_DIR") or str(Path(_default_db).parent / "portal-files")
# Processes that make workbooks for download, one at a time each (0: in the request's own
# thread, one at a time per web process).
CSWW_EXPORT_PROCESSES = _number("CSWW_EXPORT_PROCESSES", 1)
# Uploads per person, and per API token, in a rolling window: a runaway client slows itself
# down, and cannot fill the return's allowance (which counts only files that were loaded).
CSWW_UPLOAD_RATE = _number("CSWW_UPLOAD_RATE", 30)
CSWW_UPLOAD_RATE_MINUTES = _number("CSWW_UPLOAD_RATE_MINUTES", 10)
# Failed API token checks per client address per minute before the address waits.
CSWW_API_AUTH_MAX_FAILURES = _number("CSWW_API_AUTH_MAX_FAILURES", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "csww_portal.limits.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Sessions and cookies: HttpOnly and SameSite always; Secure whenever the site is not in DEBUG.
_secure = _flag("CSWW_PORTAL_SECURE_COOKIES", not DEBUG)
# The person, their role and their LA in one query per request.
AUTHENTICATION_BACKENDS = ["csww_portal.backends.PortalBackend"]
# Django's database sessions with the person beside them (PortalSession), read with the person
# and the return a page is about in one prepared statement (csww_portal/rows.py).
SESSION_ENGINE = "csww_portal.rows"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _secure
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
# A form sent without its token, or an old one: the portal's own page, saying what to do.
CSRF_FAILURE_VIEW = "csww_portal.views.errors.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _flag("CSWW_PORTAL_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("CSWW_PORTAL_STATIC_ROOT") or None
# Static files are served from the installed package by WhiteNoise: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# Logs carry no personal data: request paths and user ids only, never field values.
# A refused request (403, 404, 413) is logged as one line, without a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "no_client_tracebacks": {"()": "csww_portal.limits.NoClientErrorTracebacks"},
        "few_refusals": {"()": "csww_portal.limits.FewRefusals"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_tracebacks", "few_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CSWW_PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Uploads are queued by their own row and checked by `csww worker` (csww_portal.tasks). Django's
# tasks framework (django-tasks-db) stays configured for other background work; its table
# holds the queue of portals from before. Tests set CSWW_TASKS_BACKEND to Django's immediate
# backend, which also checks uploads at once (CSWW_CHECK_AT_ONCE).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CSWW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A check still running after this long is taken to have died with its worker and is queued
# again; after this many attempts it is marked failed.
CSWW_CHECK_LEASE_SECONDS = _number("CSWW_CHECK_LEASE_SECONDS", 300)
# Check each upload at once, inside its request, instead of queueing it for `csww worker`
# (the tests; also when CSWW_TASKS_BACKEND names Django's immediate backend).
CSWW_CHECK_AT_ONCE = _flag("CSWW_CHECK_AT_ONCE", False) or "Immediate" in os.environ.get(
    "CSWW_TASKS_BACKEND", ""
)
CSWW_CHECK_MAX_ATTEMPTS = _number("CSWW_CHECK_MAX_ATTEMPTS", 3)
# A stored upload file that no row names (its process died between writing it and inserting
# the row) is deleted by the workers once it is this old.
CSWW_ORPHAN_UPLOAD_MINUTES = _number("CSWW_ORPHAN_UPLOAD_MINUTES", 60)
