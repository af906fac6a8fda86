"""State-transition rules, one module per family of transactions.

Each ``process_*`` function takes the state, the context of the transaction and its typed body,
checks against state in a fixed order (stopping at the first failure with a reason code) and then
applies its effects. Static checks and signatures happen before, in ``ledger.execution``.
"""
