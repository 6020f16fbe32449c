"""The ``csww`` command line: a thin edge over the core."""
