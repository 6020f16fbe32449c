"""``csww worker`` and ``csww token``: the portal's check worker and API tokens (Django is
imported inside the commands, as for ``csww serve``)."""

from __future__ import annotations

import click

from csww.cli.serve import _django


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
