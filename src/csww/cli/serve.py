"""``csww serve``, ``csww demo``, ``csww worker`` and ``csww token``: run the collection
portal, its upload-check workers, and issue API tokens (Django, imported lazily).

The core never imports the portal: Django is imported inside the commands only, so
``import csww.cli.main`` works without it installed.
"""

from __future__ import annotations

import os
import sys

import click


def _django(debug: bool) -> None:
    if debug:
        os.environ.setdefault("CSWW_PORTAL_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csww_portal.settings")
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
    except ImportError as exc:
        raise click.ClickException(
            "The portal needs its extras: pip install 'csww[portal]'."
        ) from exc
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from exc


def _run(host: str, port: int, demo: bool, threads: int, workers: int) -> None:
    from django.core.management import call_command

    os.makedirs("var", exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        call_command("seed_demo")
    from django.conf import settings

    db = settings.DATABASES["default"]
    click.echo(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}")
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
        ident="csww",
    )


def _start_check_workers(count: int) -> None:
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
    "--threads", default=16, show_default=True, type=int, help="Worker threads of the WSGI server."
)
@click.option(
    "--check-workers",
    default=0,
    show_default=True,
    type=int,
    help="Threads in this process that check uploads; otherwise run `csww worker` beside it.",
)
def serve_command(demo: bool, host: str, port: int, threads: int, check_workers: int) -> None:
    """Run the collection portal. Configure with DATABASE_URL and SECRET_KEY (see docs/portal.md)."""
    _django(debug=demo)
    _run(host, port, demo, threads, check_workers)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Run the portal on SQLite with a demo collection and demo users (printed on start)."""
    os.environ.setdefault("CSWW_PORTAL_DB", os.path.join("var", "demo.sqlite3"))
    _django(debug=True)
    _run(host, port, True, 16, 1)


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
    _django(debug=False)
    from django.core.management import call_command

    call_command("check_worker", interval=interval, batch=batch, nice=nice)


@click.command("token")
@click.argument("username")
@click.option("--name", default="Issued by an administrator", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the person's tokens.")
@click.option("--revoke", metavar="PREFIX", help="Revoke the token that starts with PREFIX.")
def token_command(username: str, name: str, list_: bool, revoke: str | None) -> None:
    """Issue an API v1 token for USERNAME (printed once), or list or revoke their tokens."""
    _django(debug=False)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options: dict[str, object] = {"name": name, "list": list_}
    if revoke:
        options["revoke"] = revoke
    try:
        call_command("api_token", username, **options)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc
