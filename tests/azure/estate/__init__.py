"""The Azure test estate: ARM path -> JSON, one module per service (see armserver)."""
