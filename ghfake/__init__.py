"""ghfake: a local GitHub REST API for the reconciler's tests, benchmarks and demo."""
