"""governance's blueprints: `gov` (cooperatives, colleges, the register, the audit journal, jobs)
and `auth` (accounts, login, the second factor); their routes are in `views`, the commands in
`cli`. Its features (`capital`, `board`, `contracts`) each have their own."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("gov", __name__, template_folder="templates")
auth_bp = Blueprint("auth", __name__)
