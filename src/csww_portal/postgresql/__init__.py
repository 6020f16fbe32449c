"""The portal's PostgreSQL backend: Django's, with pooled connections checked as they are lent
(:mod:`csww_portal.postgresql.base`)."""
