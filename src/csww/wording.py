"""The words of an issue in its return's year: item rules' own words from the year's
specification, and a message's placeholders filled with the item's name and the year's
section names (``{name}``, ``{la}``, ``{removed}``, ...)."""

from __future__ import annotations

from collections.abc import Mapping

from csww.spec import Spec, removed_item


class Wording:
    """The messages of one year's specification, with the item rules' own words ``own``
    (:func:`csww.rules.items.item_messages`); without them, before the return's year is
    known, only the section names are filled in."""

    def __init__(self, spec: Spec, own: Mapping[str, str] | None = None) -> None:
        self.spec = spec
        self.with_items = own is not None
        self.own = own or {}
        s = spec.sections
        self.names = {
            "message": s.message,
            "header": s.header,
            "la": s.la,
            "worker": s.worker,
            "body": spec.registration_body,
            "year": str(spec.year),
        }

    def message(self, rule_id: str, text: str, element: str | None, name: str | None) -> str:
        """The rule's message for this year: item rules' words come from the year's spec,
        and placeholders name the item and the year's sections."""
        own = self.own.get(rule_id)
        if own is not None:
            return own
        if "{" not in text:
            return text
        spec = self.spec
        about = element if self.with_items else None
        item = spec.item_named(about) if about else None
        fill = dict(self.names)
        fill["name"] = name or (item.name if item else element or "")
        gone = removed_item(spec, about) if about else None
        if gone is not None:
            old_name, year, instead = gone
            fill["name"] = f"{old_name} ({element})"
            fill["removed"] = str(year) + (f"; give {instead} instead" if instead else "")
        return text.format_map(_Keep(fill))


class _Keep(dict[str, str]):
    """Fills the placeholders it knows and leaves any other braces as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
