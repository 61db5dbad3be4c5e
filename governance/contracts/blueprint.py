"""The CAE contracts' blueprint: its routes are in `views`, its pages in `templates/contracts/`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contracts", __name__, template_folder="templates")
