"""The vote pages through HTTP: create, open, cast with a receipt, live turnout without partial
results, close, result in words per college, exports, tracker lookup, and who may do what."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from governance.platform.clock import utcnow
from governance.platform.extensions import db
from tests.conftest import PASSWORD, is_postgres
from tests.test_permissions import LOGIN, WHO, people  # noqa: F401 - the matrix's fixture
from votes import ballotbox
from votes import services as svc
from votes.models import Ballot, State, Vote

EN = {"Accept-Language": "en"}
TRACKER = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


SMALL_OK = {"small_colleges_ok": "1"}  # the secretariat read the small-colleges warning


def new_vote(coop, admin, *, open_now=True, **kw) -> Vote:
    draft = svc.VoteDraft(**({"title": "Plan de continuation", "kind": "extraordinary"} | kw))
    vote = svc.create_vote(admin, coop, draft)
    if open_now:
        svc.open_vote(admin, vote, notify=False)
    return vote


def text(response) -> str:
    return response.get_data(as_text=True)


def outbox_mail(app, needle: str) -> str | None:
    for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml")):
        content = path.read_text(encoding="utf-8", errors="replace")
        if needle in content:
            return content
    return None


# ---------------------------------------------------------------------------------------------
# Creating and opening.

def test_admin_creates_a_vote_with_the_form(smart, user):
    coop, admin, _ = smart
    client = user(admin)
    assert "New vote" in text(client.get("/c/smart/votes", headers=EN))
    assert client.get("/c/smart/votes/new").status_code == 200
    response = client.post("/c/smart/votes/new", data={
        "title": "Plan de continuation", "body": "Adopt the plan.", "method": "resolution",
        "secret": "y", "kind": "extraordinary", "counting": "", "threshold": "", "strict": "",
        "quorum": "", "empty_college": "redistribute", "eligibility": "colleges",
        "colleges": ["a", "b"], "opens_at": "2021-11-29T14:00", "closes_at": "2021-11-29T18:00",
        "grades": "", "options": "", "seats": "1"})
    assert response.status_code == 302
    vote = db.session.scalar(sa.select(Vote))
    assert response.location.endswith(f"/votes/{vote.id}")
    assert (vote.title, vote.secret, vote.state) == ("Plan de continuation", True, State.DRAFT)
    assert (vote.threshold, vote.strict, vote.quorum) == ("2/3", False, "1/4")  # statutes, AGE
    assert vote.eligible_colleges == ["a", "b"]
    assert vote.opens_at == datetime(2021, 11, 29, 13, 0)  # Paris (UTC+1 in winter) → UTC
    page = text(client.get(response.location, headers=EN))
    assert "Adopted with at least 66.67%" in page and "25.00% of the roll must take part" in page


def test_the_form_overrides_the_statutes_and_reports_errors(smart, user):
    coop, admin, _ = smart
    client = user(admin)
    base = {"title": "Élection du CA", "method": "approval", "kind": "ordinary",
            "options": "Ana\nBen\nChloé", "seats": "2", "threshold": "1/2", "strict": "no",
            "no_quorum": "y", "eligibility": "all", "counting": "participants",
            "empty_college": "against"}
    response = client.post("/c/smart/votes/new", data=base | {"threshold": "150 %"},
                           headers=EN)
    assert response.status_code == 200 and "must lie between 0 and 100" in text(response)
    response = client.post("/c/smart/votes/new", data=base | {"options": "Ana"}, headers=EN)
    assert "Give at least two options" in text(response)  # the service's refusal, translated
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 0
    assert client.post("/c/smart/votes/new", data=base).status_code == 302
    vote = db.session.scalar(sa.select(Vote))
    assert (vote.method, vote.seats, vote.threshold, vote.strict, vote.quorum, vote.counting,
            vote.empty_college, vote.secret) == ("approval", 2, "1/2", False, None,
                                                 "participants", "against", False)
    assert [o["label"] for o in vote.options] == ["Ana", "Ben", "Chloé"]


def test_admin_opens_the_vote_and_sees_the_roll_size(smart, user):
    coop, admin, _ = smart
    vote = new_vote(coop, admin, open_now=False)
    client = user(admin)
    response = client.post(f"/votes/{vote.id}/open", data=SMALL_OK, headers=EN,
                           follow_redirects=True)
    assert "The vote is open: 6 voters on the roll." in text(response)
    db.session.refresh(vote)
    assert vote.state == State.OPEN
    response = client.post(f"/votes/{vote.id}/open", data=SMALL_OK, headers=EN,
                           follow_redirects=True)
    assert "already been opened" in text(response)


def test_a_secret_vote_with_small_colleges_warns_before_opening(smart, user, make_member):
    """Colleges a (2 voters) and c (1) cannot keep a ballot secret within them: the draft page
    says so, opening needs the secretariat's confirmation, and the open vote keeps saying so."""
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False)
    client = user(admin)
    page = " ".join(text(client.get(f"/votes/{vote.id}", headers=EN)).split())
    assert "If the vote opened now, these colleges would have fewer than three voters on " \
           "the roll: A, C." in page
    assert 'name="small_colleges_ok"' in page
    response = client.post(f"/votes/{vote.id}/open", headers=EN, follow_redirects=True)
    assert "read the warning, tick the box, then open the vote" in text(response)
    db.session.refresh(vote)
    assert vote.state == State.DRAFT
    client.post(f"/votes/{vote.id}/open", data=SMALL_OK)
    page = " ".join(text(user(voters[2]).get(f"/votes/{vote.id}", headers=EN)).split())
    assert "These colleges have fewer than three voters on the roll: A, C." in page
    assert "cannot keep its ballots secret within it" in page
    assert "nobody can see what you voted" not in page.lower()
    # an open vote, or colleges of three voters and more, need no warning
    for c in "ac":
        make_member(coop, college=c)
    make_member(coop, college="c")
    big = new_vote(coop, admin, open_now=False)
    page = text(client.get(f"/votes/{big.id}", headers=EN))
    assert "fewer than three voters" not in page and 'name="small_colleges_ok"' not in page
    assert client.post(f"/votes/{big.id}/open").status_code == 302
    db.session.refresh(big)
    assert big.state == State.OPEN


# ---------------------------------------------------------------------------------------------
# Casting, secrecy while open, closing, results and exports: one vote from start to end.

def test_a_vote_from_ballot_to_published_box(app, smart, user, make_member):
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    alice = user(voters[0])

    page = text(alice.get(f"/votes/{vote.id}", headers=EN))
    assert 'name="choice" id="choice-for"' in page and "<legend>" in page
    response = alice.post(f"/votes/{vote.id}/cast", data={"choice": "for"}, headers=EN)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    receipt = text(response)
    tracker = TRACKER.search(receipt).group()
    digest = re.search(r"[0-9a-f]{64}", receipt).group()
    mail = outbox_mail(app, tracker)
    assert mail and voters[0].email in mail and digest in mail  # the receipt, by email too

    # a second attempt is refused; the page says the vote is cast, never what it was
    again = alice.post(f"/votes/{vote.id}/cast", data={"choice": "against"}, headers=EN,
                       follow_redirects=True)
    assert "A ballot has already been cast for you" in text(again)
    page = text(alice.get(f"/votes/{vote.id}", headers=EN))
    assert "You have voted" in page and 'name="choice"' not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1

    # someone admitted after the opening is not on the frozen roll
    late = make_member(coop, college="a").person
    late_client = user(late)
    assert "You are not on the roll" in text(late_client.get(f"/votes/{vote.id}", headers=EN))
    assert late_client.post(f"/votes/{vote.id}/cast", data={"choice": "for"}).status_code == 403

    for person, choice in zip(voters[1:5], ["for", "against", "for", "abstain"], strict=True):
        assert user(person).post(f"/votes/{vote.id}/cast",
                                 data={"choice": choice}).status_code == 200

    # while open: turnout, and no partial result of the secret vote, not even to the admin
    boss = user(admin)
    page = text(boss.get(f"/votes/{vote.id}", headers=EN))
    partial = text(boss.get(f"/votes/{vote.id}/turnout", headers=EN | {"HX-Request": "true"}))
    assert "5 of 6 voters on the roll have voted" in partial
    assert 'hx-trigger="every 5s"' in page and partial.strip() in page.replace("\r", "")
    for html in (page, partial):
        assert "result-title" not in html and "Share for" not in html and "<svg" not in html
        assert not re.search(r">\s*(For|Against|Abstain)\s*<", html)  # no per-answer column
    a_line = re.search(r"<th scope=\"row\">A</th>(.*?)</tr>", partial, re.S).group(1)
    assert re.findall(r">([^<]+)</td>", a_line) == ["2", "2", "100.00%"]  # voted, roll, share
    assert boss.get(f"/votes/{vote.id}/results.csv").status_code == 404
    assert boss.get(f"/votes/{vote.id}/ballot-box.json").status_code == 404

    # the admin closes; the page states the outcome in words, per college, with a chart
    response = boss.post(f"/votes/{vote.id}/close", headers=EN, follow_redirects=True)
    page = text(response)
    assert "The vote is closed and its ballot box sealed." in page
    # a: 2 for / 2; b: 1 for, 1 against (abstention not counted); c: nobody → redistributed
    # S = (2/5 + 3/10 · 1/2) / (2/5 + 3/10) = 11/14 = 78.57 % ≥ 2/3
    assert "The resolution is adopted: 78.57% of the votes counted are for; it needed at " \
           "least 66.67%." in page
    assert "Quorum required: 25.00% of the roll; participation: 83.33%." in page
    section = page.split('id="result-title"')[1]
    rows = {m.group(1): re.findall(r'<td class="num">([^<]*)</td>', m.group(2)) for m in
            re.finditer(r'<tr><th scope="row">(\w)</th>(.*?)</tr>', section, re.S)}
    assert rows["A"] == ["40.00%", "2", "0", "0", "2", "100.00%"]
    assert rows["B"] == ["30.00%", "1", "1", "1", "2", "50.00%"]
    assert rows["C"] == ["30.00%", "0", "0", "0", "0", "—"]
    assert '<svg class="chart"' in page and "<desc" in page
    assert "flask --app app votes verify FILE.json" in page

    # the exports: CSV per college and overall, and the sealed box that verifies
    response = boss.get(f"/votes/{vote.id}/results.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(text(response).lstrip("\ufeff")), delimiter=";"))
    line = {(r["college"], r["option"]): r for r in lines}
    assert line[("b", "for")]["votes"] == "1" and line[("b", "for")]["share"] == "0.500000"
    assert line[("overall", "for")]["share"] == "0.785714"
    assert line[("overall", "for")]["outcome"] == "adopted"
    response = alice.get(f"/votes/{vote.id}/ballot-box.json")
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="{vote.public_id}.json"'
    problems, recount = ballotbox.verify(response.data)
    assert problems == [] and recount["outcome"] == "adopted"
    box = json.loads(response.data)
    assert {"tracker": tracker, "hash": digest} in [
        {"tracker": b["tracker"], "hash": b["hash"]} for b in box["ballots"]]

    # the voter finds their tracker in the box; a made-up one is not there
    found = text(alice.get(f"/votes/{vote.id}/tracker?code={tracker.lower()}", headers=EN))
    assert "This ballot is in the sealed ballot box" in found and digest in found
    assert "<dd>For</dd>" in found  # the box is public to members: the choice shows
    missing = text(alice.get(f"/votes/{vote.id}/tracker?code=AAAA-BBBB-CCCC", headers=EN))
    assert "No ballot with the tracking code AAAA-BBBB-CCCC" in missing
    assert alice.post(f"/votes/{vote.id}/cast", data={"choice": "for"}, headers=EN,
                      follow_redirects=True).status_code == 200  # refused with a message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 5


def test_tracker_lookup_waits_for_the_close(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    client = user(voters[0])
    receipt = text(client.post(f"/votes/{vote.id}/cast", data={"choice": "for"}))
    tracker = TRACKER.search(receipt).group()
    page = text(client.get(f"/votes/{vote.id}/tracker?code={tracker}", headers=EN))
    status = page.split('role="status">')[1].split("</div>")[0]
    assert "The vote is still open: its ballot box is sealed and published when it closes." \
        in status
    assert tracker not in status and "<dd>" not in status  # nothing of the ballot while open


def writes_during(fn) -> list[str]:
    """The statements other than SELECT that `fn` sends to the database."""
    seen: list[str] = []

    def statement(conn, cursor, sql, *args):
        if sql.split()[0].upper() not in ("SELECT", "PRAGMA"):
            seen.append(sql.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", statement)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
    return seen


def test_a_vote_past_its_closing_time_says_closing_until_the_scheduled_close(smart, user,
                                                                             runner):
    """No page request closes a vote: the pages say "closing…" and take no ballot until
    `flask votes close-due` (cron) seals it at its closing time."""
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False, closes_at=utcnow() + timedelta(hours=1))
    svc.open_vote(admin, vote, now=utcnow() - timedelta(hours=2), notify=False)
    svc.cast(voters[0], vote, "for")
    vote.closes_at = utcnow() - timedelta(minutes=1)  # time passes
    db.session.commit()
    client, boss = user(voters[1]), user(admin)
    pages = {}

    def visit():
        pages["list"] = text(client.get("/c/smart/votes", headers=EN))
        pages["vote"] = text(client.get(f"/votes/{vote.id}", headers=EN))
        pages["admin"] = text(boss.get(f"/votes/{vote.id}", headers=EN))
        pages["turnout"] = text(client.get(f"/votes/{vote.id}/turnout",
                                           headers={"HX-Request": "true"}))
        pages["tracker"] = text(client.get(f"/votes/{vote.id}/tracker?code=AAAA", headers=EN))

    assert writes_during(visit) == []
    db.session.refresh(vote)
    assert vote.state == State.OPEN and vote.box_json is None
    assert "Closing…" in pages["list"] and "Closing…" in pages["vote"]
    assert 'name="choice"' not in pages["vote"] and "no ballot is taken" in pages["vote"]
    refused = text(client.post(f"/votes/{vote.id}/cast", data={"choice": "for"}, headers=EN,
                               follow_redirects=True))
    assert "This vote is closed, or not open yet: no ballot was taken." in refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1

    result = runner.invoke(args=["votes", "close-due"])
    assert result.exit_code == 0 and "1 vote(s) closed." in result.output
    db.session.refresh(vote)
    assert vote.state == State.CLOSED and vote.closed_at == vote.closes_at.replace(microsecond=0)
    partial = client.get(f"/votes/{vote.id}/turnout", headers={"HX-Request": "true"})
    assert partial.headers.get("HX-Refresh") == "true"  # the open page reloads to the result
    page = text(client.get(f"/votes/{vote.id}", headers=EN))
    assert "No quorum: 16.67% of the roll took part, 25.00% was required." in page


@pytest.mark.parametrize("method, options, ballots, outcome", [
    ("choice", "Plan A\nPlan B", [{"choice": "o1"}, {"choice": "o1"}, {"choice": ""}],
     "Chosen: Plan A."),
    ("approval", "Ana\nBen\nChloé", [{"choice": ["o1", "o3"]}, {"choice": ["o3"]},
                                    {"choice": []}], "Elected: Chloé, Ana."),
    ("majority_judgment", "Plan A\nPlan B",
     [{"grade-o1": "0", "grade-o2": "3"}, {"grade-o1": "1", "grade-o2": "0"},
      {"grade-o1": "1"}], "Winner: Plan A, with the majority grade “Bien”."),
])
def test_other_methods_state_their_outcome(smart, user, method, options, ballots, outcome):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, method=method, options=options.split("\n"), seats=2,
                    quorum="", threshold="1/3", kind="ordinary")
    for person, data in zip(voters, ballots, strict=False):
        assert user(person).post(f"/votes/{vote.id}/cast", data=data).status_code == 200
    boss = user(admin)
    page = text(boss.post(f"/votes/{vote.id}/close", headers=EN, follow_redirects=True))
    assert outcome in page and '<svg class="chart"' in page
    assert "No quorum was required." in page
    assert boss.get(f"/votes/{vote.id}/results.csv").status_code == 200
    assert ballotbox.verify(boss.get(f"/votes/{vote.id}/ballot-box.json").data)[0] == []


def test_a_cast_is_one_short_transaction_and_nothing_is_read_after_it(smart, user):
    """The hot path of a large vote: the voter, the vote and their roll entry read, the ballot
    and the emargement written, the journal appended, one commit; the receipt page shows what
    it already holds (no second transaction to reload the voter for the header)."""
    coop, admin, voters = smart
    vote = new_vote(coop, admin)
    client, url = user(voters[0]), f"/votes/{vote.id}/cast"
    seen: list[str] = []

    def statement(conn, cursor, sql, *args):
        seen.append(sql.split()[0].upper())

    def commit(conn):
        seen.append("COMMIT")

    sa.event.listen(db.engine, "before_cursor_execute", statement)
    sa.event.listen(db.engine, "commit", commit)
    try:
        response = client.post(url, data={"choice": "for"}, headers=EN)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
        sa.event.remove(db.engine, "commit", commit)
    assert response.status_code == 200 and TRACKER.search(text(response))
    # Voter, vote, roll entry; on PostgreSQL the vote's shared lock (a close waits for it);
    # the roll entry marked (if the vote is still open), emargement and ballot; the journal:
    # on PostgreSQL one statement (lock the head, insert, move the head), then the entry's mac
    # (its hash is made in SQL, its key is not in the database).
    lock, journal = (["SELECT"], ["WITH", "UPDATE"]) if is_postgres() else (
        [], ["SELECT", "INSERT", "UPDATE"])
    assert seen == ["SELECT", "SELECT", "SELECT", *lock, "UPDATE", "INSERT", "INSERT",
                    *journal, "COMMIT"]


def test_an_incomplete_ballot_changes_nothing(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, method="approval", options=["Ana", "Ben", "Chloé"], seats=1)
    client = user(voters[0])
    response = client.post(f"/votes/{vote.id}/cast", data={"choice": ["o1", "o2"]}, headers=EN,
                           follow_redirects=True)
    assert "Select at most 1 option." in text(response)
    resolution = new_vote(coop, admin)
    response = client.post(f"/votes/{resolution.id}/cast", data={}, headers=EN,
                           follow_redirects=True)
    assert "Choose for, against or abstain." in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0


def test_open_ballots_show_who_voted_what_after_the_close(smart, user, make_person):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, secret=False)
    user(voters[0]).post(f"/votes/{vote.id}/cast", data={"choice": "against"})
    boss = user(admin)
    assert boss.get(f"/votes/{vote.id}/open-ballots").status_code == 404  # not before the close
    svc.close_vote(admin, vote)
    page = text(boss.get(f"/votes/{vote.id}/open-ballots", headers=EN))
    name = voters[0].display_name
    assert re.search(re.escape(name) + r"</th><td>A</td>\s*<td>Against</td>", page)
    assert page.count("Did not vote") == 5
    board = make_person("board@example.org", roles={coop: "board"})
    assert user(board).get(f"/votes/{vote.id}/open-ballots").status_code == 200
    assert user(voters[1]).get(f"/votes/{vote.id}/open-ballots").status_code == 403
    secret = new_vote(coop, admin)
    svc.close_vote(admin, secret)
    assert boss.get(f"/votes/{secret.id}/open-ballots").status_code == 404


def test_drafts_are_for_the_secretariat(smart, user):
    coop, admin, voters = smart
    vote = new_vote(coop, admin, open_now=False, title="Brouillon")
    member = user(voters[0])
    assert member.get(f"/votes/{vote.id}").status_code == 404
    assert "Brouillon" not in text(member.get("/c/smart/votes"))
    assert "Brouillon" in text(user(admin).get("/c/smart/votes"))


# ---------------------------------------------------------------------------------------------
# Who may do what, on real votes (the MATRIX of tests/test_permissions.py has no vote).

IN_COOP = (LOGIN, 200, 403, 200, 200, 200)
ROLL_ONLY = (LOGIN, 200, 403, 403, 403, 403)  # the member is on the roll; nobody else is
ADMIN_POST = (LOGIN, 403, 403, 403, 302, 302)
BOARD_AND_ADMIN = (LOGIN, 403, 403, 200, 200, 200)
ROLL_POST = (LOGIN, 302, 403, 403, 403, 403)
ROUTES = {  # endpoint: (method, url with {draft}/{open}/{closed}, expected, form data)
    "votes.index": ("GET", "/c/smart/votes", IN_COOP, None),
    "votes.new": ("GET", "/c/smart/votes/new", (LOGIN, 403, 403, 403, 200, 200), None),
    "votes.show": ("GET", "/votes/{open}", IN_COOP, None),
    "votes.turnout": ("GET", "/votes/{open}/turnout", IN_COOP, None),
    "votes.cast": ("POST", "/votes/{open}/cast", ROLL_ONLY, {"choice": "for"}),
    "votes.open_vote": ("POST", "/votes/{draft}/open", ADMIN_POST, None),
    "votes.close_vote": ("POST", "/votes/{open}/close", ADMIN_POST, None),
    "votes.open_ballots": ("GET", "/votes/{closed}/open-ballots", BOARD_AND_ADMIN, None),
    "votes.results_csv": ("GET", "/votes/{closed}/results.csv", IN_COOP, None),
    "votes.ballot_box": ("GET", "/votes/{closed}/ballot-box.json", IN_COOP, None),
    "votes.verifier": ("GET", "/votes/{closed}/coopgov-verify.py", IN_COOP, None),
    "votes.tracker": ("GET", "/votes/{closed}/tracker?code=AAAA-BBBB-CCCC", IN_COOP, None),
    "votes.document": ("GET", "/votes/{open}/documents/{open_doc}", IN_COOP, None),
    "votes.document_add": ("POST", "/votes/{draft}/documents", ADMIN_POST,
                           lambda: {"file": (io.BytesIO(b"%PDF-1.7"), "annexe.pdf")}),
    "votes.document_remove": ("POST", "/votes/{draft}/documents/{draft_doc}/remove", ADMIN_POST,
                              None),
    # the second factor: voters on the roll only (the others see the vote, get no code)
    "votes.send_code": ("POST", "/votes/{coded}/code", ROLL_POST, None),
    "votes.confirm_code": ("POST", "/votes/{coded}/code/confirm", ROLL_POST,
                           {"code": "123456"}),
    # the key ceremony of the draft: the secretariat names the holders (the member is one);
    # a holder's step with no JSON is refused as unreadable, anyone else's is forbidden
    "votes.ceremony_holders": ("POST", "/votes/{draft}/ceremony/holders", ADMIN_POST,
                               lambda: {"holders": "member@example.org", "threshold": "1"}),
    "votes.ceremony": ("GET", "/votes/{draft}/ceremony", (LOGIN, 200, 403, 403, 200, 200), None),
    **{f"votes.ceremony_{step}": ("POST", f"/votes/{{draft}}/ceremony/{step}",
                                  (LOGIN, 400, 403, 403, 403, 403), None)
       for step in ("key", "shares", "confirm", "report", "decrypt")},
}


def test_every_votes_route_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("votes.")}
    assert endpoints == set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("who", WHO)
def test_votes_route_permissions(app, people, endpoint, who):  # noqa: F811
    from governance.models import Cooperative, Person
    coop = db.session.scalar(sa.select(Cooperative).where(Cooperative.slug == "smart"))
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.org"))
    votes = {"draft": new_vote(coop, admin, open_now=False, quorum=""),
             "open": new_vote(coop, admin, open_now=False, quorum=""),
             "closed": new_vote(coop, admin, secret=False, quorum=""),
             "coded": new_vote(coop, admin, second_factor=True, quorum="")}
    ids = {k: v.id for k, v in votes.items()} | {
        f"{k}_doc": svc.add_document(admin, votes[k], "plan.pdf", b"%PDF-1.7").id
        for k in ("draft", "open")}
    svc.open_vote(admin, votes["open"], notify=False)
    svc.close_vote(admin, votes["closed"])
    svc.name_holders(admin, votes["draft"], [people["member"]], 1)
    method, url, expected, data = ROUTES[endpoint]
    client = app.test_client()
    if people[who] is not None:
        client.post("/login", data={"email": people[who].email, "password": PASSWORD})
    response = client.open(url.format(**ids), method=method,
                           data=data() if callable(data) else data)
    assert response.status_code == expected[WHO.index(who)], response.data[:300]


@pytest.mark.parametrize("url", ["/votes/{id}", "/votes/{id}/turnout", "/votes/{id}/tracker",
                                 "/votes/{id}/results.csv", "/votes/{id}/ballot-box.json"])
def test_other_cooperatives_votes_are_not_shown(smart, user, make_coop, make_member, url):
    coop, admin, _ = smart
    vote = new_vote(coop, admin)
    svc.close_vote(admin, vote)
    stranger = make_member(make_coop("other")).person
    assert user(stranger).get(url.format(id=vote.id)).status_code == 403
    assert user(admin).get(url.format(id=vote.id + 1000)).status_code == 404
