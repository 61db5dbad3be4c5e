"""Routes for the documents attached to a vote: download, attach and remove (drafts only)."""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from governance.permissions import can_admin
from governance.platform.attachments import uploaded
from governance.platform.downloads import send_document
from governance.views.common import child_or_404, run

from .. import services as svc
from ..blueprint import bp
from ..models import State, VoteDocument
from .common import load_vote


def _document(vote, doc_id: int) -> VoteDocument:
    doc = child_or_404(VoteDocument, doc_id, vote_id=vote.id)
    return doc


def _back(vote):
    return redirect(url_for("votes.show", vote_id=vote.id) + "#documents")


@bp.get("/votes/<int:vote_id>/documents/<int:doc_id>")
@login_required
def document(vote_id, doc_id):
    """Download a document of the vote (whoever sees the vote; drafts: the secretariat)."""
    vote = load_vote(vote_id)
    if vote.state == State.DRAFT and not can_admin(current_user, vote.cooperative):
        abort(404)
    return send_document(_document(vote, doc_id))


@bp.post("/votes/<int:vote_id>/documents")
@login_required
def document_add(vote_id):
    """Attach a document to a draft vote (secretariat)."""
    vote = load_vote(vote_id, can_admin)
    upload = uploaded()
    if upload is not None:
        run(lambda: svc.add_document(current_user, vote, *upload), _("The document is attached."))
    return _back(vote)


@bp.post("/votes/<int:vote_id>/documents/<int:doc_id>/remove")
@login_required
def document_remove(vote_id, doc_id):
    """Remove a document from a draft vote (secretariat)."""
    vote = load_vote(vote_id, can_admin)
    doc = _document(vote, doc_id)
    run(lambda: svc.remove_document(current_user, doc), _("The document is removed."))
    return _back(vote)
