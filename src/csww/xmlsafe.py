"""The one safe way every collection's reader parses XML (the workforce census, the 903, and
the statistics' lean reader).

The parser never resolves entities, never loads a DTD and never touches the network;
comments and processing instructions are dropped; libxml2's own limits (``huge_tree`` off)
bound depth and text size. A DOCTYPE is refused by each reader, checked on the parsed
document (:func:`declares_doctype`), as no return needs one. A stream is bounded by
:func:`bounded`, so a file without a known size cannot run past the limit either.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import IO

from lxml import etree

# The settings every reader passes to lxml: nothing from outside the file is ever fetched or
# expanded, and the parser's own size and depth limits stay on.
SAFE_SETTINGS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

TooLarge = Callable[[str], Exception]


def iterparse(source: IO[bytes] | str, tags: tuple[str, ...]) -> etree.iterparse:
    """The elements named ``tags`` as each one ends, parsed with :data:`SAFE_SETTINGS`."""
    return etree.iterparse(source, events=("end",), tag=tags, **SAFE_SETTINGS)


def declares_doctype(tree: etree._ElementTree) -> bool:
    """Whether the document declares a DOCTYPE (which no return needs, and which can hide
    entity attacks)."""
    info = tree.docinfo
    return bool(info.doctype) or info.internalDTD is not None


# The characters XML 1.0 cannot hold, even escaped: the C0 controls other than tab, line
# feed and carriage return, the two non-characters U+FFFE and U+FFFF, and lone surrogates.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def control_character(what: str, found: str) -> str:
    """The start of every refusal of such a character: what holds it, and which it is."""
    return (
        f"{what} holds a control character ({found}) that cannot be sent in a return: it was "
        "probably pasted from another program, and is often invisible."
    )


def unwritable(text: str) -> str | None:
    """The first character of ``text`` that a return cannot carry (XML 1.0 has no way to
    write it), as ``U+0001``; None when every character can be written."""
    found = UNWRITABLE.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def local(tag: object) -> str:
    """An element's name without its namespace ("" for a comment or processing instruction)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def over_limit(limit: int) -> str:
    return f"The file is larger than the {limit // 1048576} MB limit."


class _Bounded(io.RawIOBase):
    """A stream that refuses to read past ``limit`` bytes (for streams of unknown size)."""

    def __init__(self, raw: IO[bytes], limit: int, too_large: TooLarge) -> None:
        self.raw, self.left, self.limit, self.too_large = raw, limit, limit, too_large

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise self.too_large(over_limit(self.limit))
        buffer[: len(data)] = data
        return len(data)


def bounded(raw: IO[bytes], limit: int, too_large: TooLarge) -> IO[bytes]:
    """``raw`` read through a buffer that raises ``too_large(message)`` past ``limit`` bytes."""
    return io.BufferedReader(_Bounded(raw, limit, too_large))


def parser_said(exc: etree.XMLSyntaxError) -> str:
    """What libxml2 said, without the position (each reader gives line and column itself)."""
    return str(exc.msg or exc).split(", line")[0]


def position(exc: etree.XMLSyntaxError) -> tuple[int | None, int | None]:
    """The line and column the parser stopped at, when it says."""
    return exc.position if exc.position else (None, None)
