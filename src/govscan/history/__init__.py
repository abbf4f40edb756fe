"""The history of runs: what each scan found, kept so that later runs can be compared.

A history is a database (embedded SQLite by default, PostgreSQL for teams) with
one schema on both, created and upgraded by versioned migrations. A scan with
``--history`` appends its run in one transaction after the bundle is written;
``govscan history`` lists, shows, trends and prunes. Findings are kept as spans
of consecutive runs with the same status, so the database grows with changes,
not with findings times runs.
"""
