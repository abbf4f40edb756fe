"""govscan: compliance-as-code and security-governance scanner."""

__version__ = "0.1.0"
