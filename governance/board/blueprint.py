"""The board's blueprint: its routes are in `views`, its pages in `templates/board/`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("board", __name__, template_folder="templates")
