"""Enforcement: sanctions screening, holding caps, police holds, freezes and seizures (SPEC §6)."""
