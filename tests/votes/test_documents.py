"""Documents attached to a vote: the secretariat attaches them to a draft, voters download
them, they freeze at opening with their fingerprints in the journal."""
import hashlib
import io
import json

import pytest
import sqlalchemy as sa

from governance.models import AuditEntry
from governance.platform.attachments import MAX_DOCUMENTS
from governance.platform.extensions import db
from governance.platform.service import DomainError, Forbidden
from votes import services as svc
from votes.models import VoteDocument

from .test_views import EN, new_vote, text

PDF = b"%PDF-1.7\n% the continuation plan\n"


def attach(client, vote, name="plan.pdf", data=PDF):
    return client.post(f"/votes/{vote.id}/documents", headers=EN,
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_the_secretariat_attaches_a_document_voters_download_it(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False)
    page = attach(user(admin), vote)
    assert "The document is attached." in text(page)
    assert hashlib.sha256(PDF).hexdigest() in text(page)
    doc = db.session.scalars(sa.select(VoteDocument)).one()
    svc.open_vote(admin, vote, notify=False)
    voter = user(voters[0])
    page = text(voter.get(f"/votes/{vote.id}", headers=EN))
    assert "plan.pdf" in page and "Attach a document" not in page
    download = voter.get(f"/votes/{vote.id}/documents/{doc.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    opened = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "vote.open")).one()
    assert json.loads(opened.summary)["after"]["documents"] == [
        {"name": "plan.pdf", "sha256": hashlib.sha256(PDF).hexdigest()}]


def test_a_bad_file_is_refused_with_a_message_and_nothing_saved(smart, user):
    coop, admin, _ = smart
    vote = new_vote(coop, admin, open_now=False)
    client = user(admin)
    page = text(attach(client, vote, "plan.pdf", b"MZ\x90\x00 not a pdf"))
    assert "The content of “plan.pdf” does not match its type." in page
    page = text(attach(client, vote, "virus.exe", b"MZ"))
    assert "Attach a file of one of these types" in page
    page = text(client.post(f"/votes/{vote.id}/documents", headers=EN, data={},
                            content_type="multipart/form-data", follow_redirects=True))
    assert "Choose a file." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteDocument)) == 0


def test_documents_freeze_when_the_vote_opens(smart):
    coop, admin, _ = smart
    vote = new_vote(coop, admin, open_now=False)
    doc = svc.add_document(admin, vote, "plan.pdf", PDF)
    svc.open_vote(admin, vote, notify=False)
    with pytest.raises(DomainError) as err:
        svc.add_document(admin, vote, "annexe.pdf", PDF)
    assert err.value.code == "documents_frozen"
    with pytest.raises(DomainError):
        svc.remove_document(admin, doc)
    assert [d.name for d in vote.documents] == ["plan.pdf"]


def test_remove_is_journaled_and_only_for_the_secretariat(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False)
    doc = svc.add_document(admin, vote, "plan.pdf", PDF)
    with pytest.raises(Forbidden):
        svc.remove_document(voters[0], doc)
    assert user(voters[0]).post(f"/votes/{vote.id}/documents/{doc.id}/remove").status_code == 403
    page = text(user(admin).post(f"/votes/{vote.id}/documents/{doc.id}/remove", headers=EN,
                                 follow_redirects=True))
    assert "The document is removed." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteDocument)) == 0
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "vote.document_add" in actions and "vote.document_remove" in actions


def test_draft_documents_are_hidden_from_members_and_ids_are_checked(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False)
    other = new_vote(coop, admin, open_now=False, title="Autre")
    doc = svc.add_document(admin, vote, "plan.pdf", PDF)
    assert user(voters[0]).get(f"/votes/{vote.id}/documents/{doc.id}").status_code == 404
    assert user(admin).get(f"/votes/{other.id}/documents/{doc.id}").status_code == 404
    assert user(admin).get(f"/votes/{vote.id}/documents/{doc.id}").status_code == 200


def test_at_most_twenty_documents(smart):
    coop, admin, _ = smart
    vote = new_vote(coop, admin, open_now=False)
    for i in range(MAX_DOCUMENTS):
        svc.add_document(admin, vote, f"annexe-{i}.txt", b"texte")
    with pytest.raises(DomainError) as err:
        svc.add_document(admin, vote, "one-more.txt", b"texte")
    assert err.value.code == "too_many_documents"
