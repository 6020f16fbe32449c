"""Create or update a collection year and its dates; every LA gets a return."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from csww_portal.services.collections import create_collection


class Command(BaseCommand):
    help = "Create (or change the dates of) a collection. Dates are YYYY-MM-DD and inclusive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--opens", type=date.fromisoformat, required=True)
        parser.add_argument("--closes", type=date.fromisoformat, required=True)
        parser.add_argument("--la-read-only-until", type=date.fromisoformat, required=True)
        parser.add_argument("--dfe-read-only-from", type=date.fromisoformat, required=True)
        parser.add_argument("--familiarisation-start", type=date.fromisoformat)
        parser.add_argument("--familiarisation-end", type=date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management.base import CommandError

        from csww.spec import year_problem

        problem = year_problem(options["year"])
        if problem is not None:  # a collection is only for a year csww can check
            raise CommandError(problem)
        collection = create_collection(
            options["year"],
            opens=options["opens"],
            closes=options["closes"],
            la_read_only_until=options["la_read_only_until"],
            dfe_read_only_from=options["dfe_read_only_from"],
            familiarisation_start=options["familiarisation_start"],
            familiarisation_end=options["familiarisation_end"],
        )
        self.stdout.write(f"CSWW {collection.year}: {collection.returns.count()} LA returns.")
