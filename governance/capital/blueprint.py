"""The share capital's blueprint: its routes are in `views`, its pages in `templates/capital/`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("capital", __name__, template_folder="templates")
