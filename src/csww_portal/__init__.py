"""The CSWW collection service: a GOV.UK-style web portal over the csww core.

Local authorities upload, fix, annotate and submit their return; DfE watches progress,
chases, reopens and downloads. Every rule and statistic comes from the ``csww`` core: this
package stores, shows and controls access, and never decides whether data is valid.
"""
