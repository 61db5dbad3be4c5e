"""The votes' blueprint: its routes are in `views`, its commands in `cli`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("votes", __name__, cli_group="votes", template_folder="templates")
