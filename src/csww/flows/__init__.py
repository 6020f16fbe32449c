"""Workforce flows: a pseudonymised store of returns linked across LAs and years.

* :mod:`~csww.flows.store`: the linked store (DuckDB), one row per worker record, persons
  keyed by the salted HMAC pseudonym of the registration number;
* :mod:`~csww.flows.attrition`: DfE's attrition measure (moved, into agency, full attrition);
* :mod:`~csww.flows.movement`: where each LA's leavers went and its starters came from,
  beside what the LA recorded;
* :mod:`~csww.flows.retention`: retention curves by start cohort, an LA against its
  statistical neighbours (:mod:`~csww.stats.neighbours`) and England;
* :mod:`~csww.flows.continuity`: an LA's continuity report (this year against last year),
  from the rulebook's continuity rules.

Method and choices: ``docs/flows.md``.
"""
