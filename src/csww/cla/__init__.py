"""SSDA903, children looked after: the second collection, on csww's engine."""
