"""The GCP test server and its estate (tests/gcp), shared with the collector's tests."""

from tests.gcp.conftest import gcp, gcp_files, gcp_server

__all__ = ["gcp", "gcp_files", "gcp_server"]
