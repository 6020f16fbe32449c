"""What to tell a user whose file or folder cannot be used: the problem is theirs to put
right (exit 2), so the message says what to do."""

from __future__ import annotations

import os


def file_problem(exc: OSError) -> str:
    """What went wrong with a file or folder the user named, and what to do about it."""
    name = exc.filename or "a file"
    parent = os.path.dirname(str(name)) if exc.filename else ""
    if isinstance(exc, FileNotFoundError) and parent and not os.path.isdir(parent):
        return (
            f"Error: the folder {parent} does not exist, so {name} cannot be written. Create it "
            f"(mkdir -p {parent}) or give a path in a folder that exists."
        )
    if isinstance(exc, FileNotFoundError):
        return f"Error: {name} does not exist. Check the path."
    if isinstance(exc, PermissionError):
        return f"Error: csww may not read or write {name}. Choose a path you may write to."
    if isinstance(exc, IsADirectoryError):
        return f"Error: {name} is a folder. Give a file name."
    if isinstance(exc, NotADirectoryError):
        return f"Error: part of {name} is a file, not a folder. Check the path."
    return f"Error: {name}: {exc.strerror or exc}. Check the path and the free disk space."
