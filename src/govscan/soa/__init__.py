"""The Statement of Applicability: every requirement of a framework with its
applicability, implementation status, evidence, owner and last review, read
from an evidence bundle (``govscan soa``; docs/soa.md)."""
