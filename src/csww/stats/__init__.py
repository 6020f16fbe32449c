"""Workforce statistics by DfE's published methodology (see ``docs/methodology.md``).

* :mod:`~csww.stats.indicators`: the published columns, formulas, rounding and symbols;
* :mod:`~csww.stats.measures`: exact per-LA totals from worker records;
* :mod:`~csww.stats.collect`: measure returns from files, folders or memory;
* :mod:`~csww.stats.aggregate`: LA, regional and national rows in DfE's layout;
* :mod:`~csww.stats.breakdowns`: age, gender, ethnicity, role ... and the 2012-13 variables;
* :mod:`~csww.stats.published`: DfE's published figures and the geography derived from them;
* :mod:`~csww.stats.compare`, :mod:`~csww.stats.output`, :mod:`~csww.stats.report_html`.
"""
