"""HTTP APIs (wallet, bank operations, regulator) and the Python wallet SDK."""
