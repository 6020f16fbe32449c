"""A worker's sex, whatever the year calls the item: see :mod:`csww.sex` (kept here for
the flows' callers)."""

from csww.sex import normalise, sex_of

__all__ = ["normalise", "sex_of"]
