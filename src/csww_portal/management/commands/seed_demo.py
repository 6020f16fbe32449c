"""Fill the database with the demo collection and users, and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from csww_portal.demo import seed


class Command(BaseCommand):
    help = "Create the demo collection, LA returns in every state, and demo users (new passwords each time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="Default: the latest year.")
        parser.add_argument(
            "--scale",
            type=float,
            default=0.5,
            help="Workforce size relative to the LA's published one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = seed(options["year"], scale=options["scale"])
        self.stdout.write("Demo users (passwords are new each time the demo starts):")
        for u in users:
            where = f" for LA {u.la}" if u.la else ""
            self.stdout.write(f"  {u.username:<20} {u.password:<16} {u.role}{where}")
