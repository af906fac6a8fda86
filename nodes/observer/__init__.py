"""The regulator's read-only observer node: follows, verifies and re-executes every block."""
