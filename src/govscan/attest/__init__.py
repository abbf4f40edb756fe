"""Attestations: requirements answered by people, judged like any other result.

An attestation file says which framework requirements it answers, who owns the
answer (a role), what evidence backs it and until when it holds. A scan turns
each into one result (``attestation.<id>`` on a ``govscan.attestation``
resource): ``pass`` while valid and every evidence file still has its hash.
"""
