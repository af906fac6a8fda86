"""The reserve custodian (SPEC §1, §4): signs deposit receipts, payout confirmations and reserve
attestations with its own key, and keeps its own books of the NTDC reserve account."""
