"""The assemblies' blueprint; its routes are in `views`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assemblies", __name__, template_folder="templates")
