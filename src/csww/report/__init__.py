"""Validation reports and their renderers."""

from csww.report.model import Issue, ReadFailure, Report, Severity

__all__ = ["Issue", "ReadFailure", "Report", "Severity"]
