"""Local process launchers for SmartSync's infrastructure and services (tests, demo, benchmarks)."""
