"""Settings every test shares."""

from __future__ import annotations

import os

# moto loads thousands of public machine images into every EC2 region it creates,
# seconds each; no test needs them (estates register the images they launch).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
