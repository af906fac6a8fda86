"""PBFT as a pure state machine."""
