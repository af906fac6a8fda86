"""AML rules that run inside the deterministic state transition (SPEC §6)."""
