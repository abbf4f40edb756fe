"""The condition language's syntax: paths, operators, what a check reads, validation
and JSON Schema. The catalog validates with it; the engine compiles and judges."""
