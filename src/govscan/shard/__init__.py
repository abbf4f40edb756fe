"""Organisation scale: a scan planned once, run as independent shards, merged.

``govscan plan`` writes the units of a scan (``planfile``); ``govscan scan --plan
--shard I/N`` collects the I-th share of them (``assign``); ``govscan merge``
joins the shard bundles into one bundle equal to a single-process scan.
"""
