"""The share capital's write path: the ledger's movements (`ledger`), their import
(`imports`), capital campaigns (`campaigns`)."""
