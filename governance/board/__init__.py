"""The board (conseil d'administration, RULES.md §7): mandates and their terms, meetings,
attendance and quorum, minutes approved then published. Its routes hang off the `gov`
blueprint (`views`); its tables are in `models`."""
