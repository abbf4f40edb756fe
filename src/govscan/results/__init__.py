"""A scan's results between the evaluator and the reports.

The spool (results on disk while a scan runs), the in-memory sink, the index
that relates framework requirements to results, and framework scoring live
here, so reporters only format what this package hands them.  Submodules are
imported by name: the spool needs SQLite, which a command that only reads
results in memory has no reason to load.
"""
