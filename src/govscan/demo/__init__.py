"""The embedded demo: a small company's AWS estate, repository and AVV registry."""
