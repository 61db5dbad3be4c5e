"""The share capital (RULES.md §3): the append-only share ledger and the balances derived
from it, statements, the reimbursement queue, SCOP ratios, imports of movements, and capital
campaigns with a matching partner. Its routes are on its own blueprint
(`blueprint`, `views`), its pages in `templates/capital/`; its tables are in `models`."""
