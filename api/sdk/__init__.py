"""Python SDK for wallets, banks, the custodian and tools: build, sign and verify."""
