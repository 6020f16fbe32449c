"""Delete practice data from every collection whose familiarisation period has ended."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from csww_portal.models import Collection
from csww_portal.services.collections import clear_familiarisation


class Command(BaseCommand):
    help = (
        "Delete the data LAs loaded during familiarisation, once that period has ended (run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for collection in Collection.objects.all():
            if collection.familiarisation_due():
                emptied = clear_familiarisation(collection)
                self.stdout.write(
                    f"CSWW {collection.year}: familiarisation data deleted from {emptied} returns."
                )
            else:
                self.stdout.write(f"CSWW {collection.year}: nothing to delete.")
