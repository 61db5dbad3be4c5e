"""Register CSV import (upload → preview → commit) and export."""
from __future__ import annotations

from flask import abort
from flask_login import login_required

from ..permissions import can_admin
from . import bp, load_coop


@bp.route("/c/<slug>/members/import", methods=["GET", "POST"])
@login_required
def register_import(slug):
    load_coop(slug, can_admin)
    abort(404)  # replaced by the CSV import


@bp.get("/c/<slug>/members.csv")
@login_required
def register_export(slug):
    load_coop(slug, can_admin)
    abort(404)  # replaced by the CSV export
