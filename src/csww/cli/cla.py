"""``csww cla ...``: the SSDA903 (children looked after) return.

Each command lives in a module of its own beside this one and is added to the group here.
"""

from __future__ import annotations

import click


@click.group(name="cla", context_settings={"help_option_names": ["-h", "--help"]})
def cla_group() -> None:
    """SSDA903, children looked after: validate, generate and count a 903 return.

    Years are named by their 31 March: 2025 is 1 April 2024 to 31 March 2025.
    """
