"""Issue, list or revoke a person's API tokens: ``django-admin api_token USERNAME``
(``csww token USERNAME``). Audited as the administrator's action (no user: the command line)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from csww_portal.api import tokens
from csww_portal.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for USERNAME (printed once), or list or revoke their tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Issued by an administrator")
        parser.add_argument("--list", action="store_true", help="List the person's tokens.")
        parser.add_argument(
            "--revoke", metavar="PREFIX", help="Revoke the token that starts with PREFIX."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"There is no user called {options['username']!r}.") from exc
        if options["list"]:
            for t in ApiToken.objects.filter(user=user):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                self.stdout.write(
                    f"{t.prefix}…  {t.name}  created {t.created_at:%Y-%m-%d}  {state}"
                )
            return
        if options["revoke"]:
            matches = ApiToken.objects.filter(
                user=user, prefix__startswith=options["revoke"][:16], revoked_at__isnull=True
            )
            if matches.count() != 1:
                raise CommandError(
                    f"{matches.count()} active tokens of {user.get_username()} start with "
                    f"{options['revoke']!r}: give a prefix that names exactly one (see --list)."
                )
            token = matches.get()
            tokens.revoke(token, by=None)
            self.stdout.write(f"Revoked {token.prefix}…")
            return
        raw, token = tokens.issue(user, options["name"], by=None)
        self.stdout.write(raw)
        self.stderr.write(
            f"API token {token.prefix}… for {user.get_username()}: shown once, store it safely. "
            "Send it as the header 'Authorization: Bearer TOKEN'."
        )
