"""``python -m csww``: the same as the ``csww`` command."""

from csww.cli.main import main

main()
