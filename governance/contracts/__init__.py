"""CAE entrepreneurs' contracts (CAPE, then CESA): who may join the cooperative's circles and
be paid for their time before becoming a sociétaire, and the legal delay to become one. Its
routes are on its own blueprint (`blueprint`, `views`), its page in `templates/contracts/`; its
table is in `models`."""
