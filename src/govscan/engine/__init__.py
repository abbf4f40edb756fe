"""engine"""

# Operators that live in their own modules register at import of the engine.
from govscan.engine import residency as _residency  # noqa: F401
