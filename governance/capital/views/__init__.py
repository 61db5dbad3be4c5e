"""The share capital's routes, on its blueprint (`..blueprint`): the ledger and statements
(`ledger`), the import of movements (`imports`), capital campaigns (`campaigns`)."""
from . import campaigns, imports, ledger  # noqa: F401  (their routes hang off the blueprint)
