"""API v1 for software suppliers (django-ninja): routes in ``routes``, token auth in ``tokens``."""
