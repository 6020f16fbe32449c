"""Workforce statistics by DfE's published methodology (see ``docs/methodology.md``)."""
