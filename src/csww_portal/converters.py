"""URL converters. ``id``: a whole number that fits the database's 64-bit integer columns
(at most 18 digits), so a longer one is simply no page (404), never an overflow in a query."""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
