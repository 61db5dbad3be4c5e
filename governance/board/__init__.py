"""The board (conseil d'administration, RULES.md §7): mandates and their terms, meetings,
attendance and quorum, minutes approved then published. Its routes are on its own
blueprint (`blueprint`, `views`), its pages in `templates/board/`; its tables are in `models`."""
