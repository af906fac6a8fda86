"""The NTDC state machine: types, transactions, rules, AML, reserves, collateral. No I/O."""
