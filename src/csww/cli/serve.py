"""``csww serve``, ``csww demo``, ``csww worker`` and ``csww token``: run the collection
portal, its upload-check workers, and issue API tokens (Django, imported lazily).

The core never imports the portal: Django is imported inside the commands only, so
``import csww.cli.main`` works without it installed.
"""

from __future__ import annotations

import errno
import os
import socket
import sys

import click


def _django(demo: bool) -> None:
    if demo:
        # A local demo: plain HTTP on loopback, a throwaway key and the admin pages for the
        # demo administrator. Never DEBUG: its error pages would list every URL.
        os.environ.setdefault("CSWW_PORTAL_EPHEMERAL_KEY", "1")
        os.environ.setdefault("CSWW_PORTAL_SECURE_COOKIES", "0")
        os.environ.setdefault("CSWW_PORTAL_ADMIN", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csww_portal.settings")
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        click.echo("Error: the portal needs its extras: pip install 'csww[portal]'.", err=True)
        sys.exit(2)
    try:
        django.setup()
    except ImproperlyConfigured as exc:  # a setting the user must give: say which (exit 2)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


def check_port(host: str, port: int) -> None:
    """Refuse, before anything is set up or printed, a port another program holds."""
    if not 0 < port < 65536:
        click.echo(
            f"Error: --port {port} is not a port number: give one from 1 to 65535.", err=True
        )
        sys.exit(2)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As the server itself binds (waitress sets SO_REUSEADDR): connections of a portal
        # stopped a moment ago linger in TIME-WAIT for a minute, and must not count as a
        # program holding the port. A program listening on it still does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            busy = exc.errno == errno.EADDRINUSE
            why = (
                "is in use by another program (perhaps csww is already running)"
                if busy
                else (f"cannot be used ({exc.strerror})")
            )
            click.echo(
                f"Error: port {port} on {host} {why}. Stop that program, or give another port: "
                f"--port {port + 1}.",
                err=True,
            )
            sys.exit(2)


def _run(
    host: str,
    port: int,
    demo: bool,
    threads: int,
    workers: int,
    processes: int,
    at_once: int | None = None,
) -> None:
    from django.core.management import call_command

    check_port(host, port)
    os.makedirs("var", exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        _seed_demo()
        click.echo(
            "API tokens for these users: run 'csww token USERNAME' in this folder "
            "(in another terminal while the demo runs)."
        )
    from django.conf import settings

    db = settings.DATABASES["default"]
    click.echo(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}")
    try:
        from csww_portal import server
        from csww_portal.admission import AT_ONCE
    except ImportError:  # gunicorn is for Unix: elsewhere, one waitress process
        _serve_one_process(host, port, threads, workers)
        return
    at_once = at_once or AT_ONCE
    click.echo(
        f"Serving the CSWW collection portal on http://{host}:{port}/ with {processes} "
        f"process{'es' * (processes != 1)} of {threads} threads, {min(at_once, threads)} of them "
        "at work at once (Ctrl+C stops it)"
    )
    if workers:
        click.echo(
            f"Checking uploads with {workers} worker thread{'s' * (workers != 1)} in each process"
        )
    sys.stdout.flush()
    server.run(
        host, port, processes=processes, threads=threads, check_workers=workers, at_once=at_once
    )


def _seed_demo() -> None:
    """Fill the demo in a process of its own: seeding validates returns with the core, whose
    data frame library starts a thread pool that a process forked afterwards (gunicorn's web
    processes) would inherit broken, so the serving process never validates anything."""
    import multiprocessing

    seeder = multiprocessing.get_context("spawn").Process(target=_seed_in_child)
    seeder.start()
    seeder.join()
    if seeder.exitcode != 0:
        click.echo("Error: the demo could not be filled (see the messages above).", err=True)
        sys.exit(1)


def _seed_in_child() -> None:
    _django(demo=True)
    from django.core.management import call_command

    call_command("seed_demo")


def _serve_one_process(host: str, port: int, threads: int, workers: int) -> None:
    """Where gunicorn cannot run (Windows): waitress, one process."""
    from django.conf import settings
    from django.core.management import call_command

    _start_check_workers(workers)
    click.echo(f"Serving the CSWW collection portal on http://{host}:{port}/ (Ctrl+C stops it)")
    sys.stdout.flush()
    try:
        from waitress import serve
    except ImportError:
        call_command("runserver", f"{host}:{port}", use_reloader=False, insecure=True)
        return
    from csww_portal.wsgi import application

    serve(
        application,
        host=host,
        port=port,
        threads=threads,
        # Every LA's user (152) may hold a keep-alive connection at the deadline, and API
        # clients more: waitress's default of 100 would stop accepting new ones.
        connection_limit=max(1000, threads * 8),
        channel_timeout=120,
        # Above the portal's own limit, so a body just over it reaches the portal, which
        # answers with its own page; far larger ones the server refuses unread.
        max_request_body_size=server_body_limit(int(settings.CSWW_MAX_REQUEST_BYTES)),
        # A typical return (under 2 MB) is read in large pieces and kept in memory, not
        # spooled to a temporary file; larger bodies still go to one.
        recv_bytes=65536,
        inbuf_overflow=2 * 1024 * 1024,
        ident="csww",
    )


def server_body_limit(portal_limit: int) -> int:
    """The web server's request body limit: four times the portal's (waitress keeps a large
    body in a temporary file, not in memory), so the portal's GOV.UK page answers."""
    return 4 * portal_limit


def start_check_workers(count: int) -> None:
    """Workers that check queued uploads, as threads of this process (the demo's one command);
    a production site runs ``csww worker`` processes instead."""
    import threading

    from csww_portal.management.commands.check_worker import run_worker

    for n in range(count):
        threading.Thread(
            target=run_worker,
            kwargs={"interval": 0.5, "signals": False},
            daemon=True,
            name=f"check-worker-{n}",
        ).start()


def _start_check_workers(count: int) -> None:
    start_check_workers(count)
    if count:
        click.echo(
            f"Checking uploads with {count} worker thread{'s' * (count != 1)} in this process"
        )


@click.command("serve")
@click.option(
    "--demo",
    is_flag=True,
    help="Fill the database with demo data and users first (local use only).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=int,
    help="Threads of each web process: requests in progress, of which --at-once run at a time.",
)
@click.option(
    "--processes",
    default=os.cpu_count() or 1,
    show_default="the number of CPU cores",
    type=click.IntRange(min=1),
    help="Web server processes behind the one address, each with --threads threads.",
)
@click.option(
    "--at-once",
    default=None,
    type=click.IntRange(min=1),
    help="Requests each process works on at a time; its other threads wait their turn "
    "(default 2: docs/portal.md, 'Serving').",
)
@click.option(
    "--check-workers",
    default=0,
    show_default=True,
    type=int,
    help="Threads in each web process that check uploads; otherwise run `csww worker` beside it.",
)
def serve_command(
    demo: bool,
    host: str,
    port: int,
    threads: int,
    processes: int,
    at_once: int | None,
    check_workers: int,
) -> None:
    """Run the collection portal. Configure with DATABASE_URL and SECRET_KEY (see docs/portal.md)."""
    _django(demo=demo)
    _run(host, port, demo, threads, check_workers, processes, at_once)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Run the portal on SQLite with a demo collection and demo users (printed on start)."""
    os.environ.setdefault("CSWW_PORTAL_DB", os.path.join("var", "demo.sqlite3"))
    _django(demo=True)
    _run(host, port, True, 16, 1, os.cpu_count() or 1)


@click.command("worker")
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between looks at an empty queue."
)
@click.option("--batch", is_flag=True, help="Check what is queued now, then stop.")
@click.option(
    "--nice",
    default=10,
    show_default=True,
    help="Lower the worker's CPU priority so that, on a shared machine, pages come first.",
)
def worker_command(interval: float, batch: bool, nice: int) -> None:
    """Check uploaded returns queued by the portal (run one or more beside `csww serve`).

    Uses the same DATABASE_URL and SECRET_KEY as the portal; workers may run on other machines.
    """
    _portal_database("worker")
    _django(demo=False)
    _database_ready("worker")
    from django.core.management import call_command

    call_command("check_worker", interval=interval, batch=batch, nice=nice)


@click.command("token")
@click.argument("username")
@click.option("--name", default="Issued by an administrator", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the person's tokens.")
@click.option("--revoke", metavar="PREFIX", help="Revoke the token that starts with PREFIX.")
def token_command(username: str, name: str, list_: bool, revoke: str | None) -> None:
    """Issue an API v1 token for USERNAME (printed once), or list or revoke their tokens.

    Uses the portal's database: DATABASE_URL or CSWW_PORTAL_DB as for `csww serve`, else
    var/portal.sqlite3 in this folder, else the demo's var/demo.sqlite3 (run it where
    `csww demo` runs)."""
    # Tokens are stored as digests and nothing is signed, so no SECRET_KEY is needed here:
    # without one a throwaway key is used.
    os.environ.setdefault("CSWW_PORTAL_EPHEMERAL_KEY", "1")
    _portal_database("token")
    _django(demo=False)
    _database_ready("token")
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options: dict[str, object] = {"name": name, "list": list_}
    if revoke:
        options["revoke"] = revoke
    try:
        call_command("api_token", username, **options)
    except CommandError as exc:  # no such user, or a prefix that names no token: say so
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


PORTAL_DB = os.path.join("var", "portal.sqlite3")
DEMO_DB = os.path.join("var", "demo.sqlite3")
SETUP = (
    "Run 'csww {command}' in the folder where 'csww serve' or 'csww demo' runs, with the "
    "same DATABASE_URL (or CSWW_PORTAL_DB) as the portal."
)


def _portal_database(command: str) -> None:
    """Choose the database ``csww token`` or ``csww worker`` works on, and refuse (exit 2)
    one that is not there, rather than creating an empty SQLite file."""
    from django.conf import settings

    if os.environ.get("DATABASE_URL") or settings.configured:
        return  # a database named by URL, or Django already set up by the caller
    chosen = os.environ.get("CSWW_PORTAL_DB")
    if chosen is None and not os.path.exists(PORTAL_DB) and os.path.exists(DEMO_DB):
        chosen = os.environ["CSWW_PORTAL_DB"] = DEMO_DB
        click.echo(f"Using the demo's database, {DEMO_DB}.", err=True)
    path = chosen or PORTAL_DB
    if not os.path.isfile(path):
        click.echo(
            f"Error: there is no portal database at {path}"
            + ("" if chosen else f" (nor the demo's {DEMO_DB})")
            + ". "
            + SETUP.format(command=command),
            err=True,
        )
        sys.exit(2)


def _database_ready(command: str) -> None:
    """The portal's tables must exist: a database never migrated is the user's setup."""
    from django.db import DatabaseError, connection

    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError as exc:
        click.echo(
            f"Error: the portal database cannot be opened ({exc}). "
            + SETUP.format(command=command),
            err=True,
        )
        sys.exit(2)
    if "auth_user" not in tables:
        name = connection.settings_dict.get("NAME", "")
        click.echo(
            f"Error: the database {name} has no portal tables yet. Start the portal once "
            "('csww serve' sets them up), or run 'django-admin migrate' with the portal's "
            "settings. " + SETUP.format(command=command),
            err=True,
        )
        sys.exit(2)
