"""Every route has a permission check, and a test that each kind of person gets what they should.

`MATRIX` lists each endpoint with the status expected for: anonymous, a member of the
cooperative, a member of another cooperative, a board member, the secretariat (admin), and a
platform admin (no role of their own in it). A route missing from MATRIX (or from PUBLIC) fails
`test_every_route_is_in_the_matrix`.
"""
import pytest

from governance.models import AuditEntry
from governance.platform.extensions import db

WHO = ("anonymous", "member", "outsider", "board", "admin", "platform")
LOGIN = 302  # anonymous visitors are sent to the login page
ADMIN_ONLY = (LOGIN, 403, 403, 403, 200, 200)
BOARD_AND_ADMIN = (LOGIN, 403, 403, 200, 200, 200)
IN_COOP = (LOGIN, 200, 403, 200, 200, 200)
ANY_ACCOUNT = (LOGIN, 200, 200, 200, 200, 200)
EVERYONE = (200, 200, 200, 200, 200, 200)
ADMIN_POST = (LOGIN, 403, 403, 403, 302, 302)
PLATFORM_ONLY = (LOGIN, 403, 403, 403, 403, 200)
NO_SUCH = (LOGIN, 404, 403, 404, 404, 404)  # an unknown id inside the cooperative

# endpoint: (method, url, expected statuses in WHO order, form data)
MATRIX = {
    "gov.home": ("GET", "/", EVERYONE, None),
    "gov.cooperatives": ("GET", "/cooperatives", ANY_ACCOUNT, None),
    "gov.coop": ("GET", "/c/smart", IN_COOP, None),
    "gov.statutes": ("GET", "/c/smart/statutes", ADMIN_ONLY, None),
    "gov.colleges": ("GET", "/c/smart/colleges", ADMIN_ONLY, None),
    "gov.members": ("GET", "/c/smart/members", IN_COOP, None),
    "gov.member": ("GET", "/c/smart/members/2", IN_COOP, None),
    "gov.member_new": ("GET", "/c/smart/members/new", ADMIN_ONLY, None),
    "gov.member_status": ("POST", "/c/smart/members/2/status", ADMIN_POST,
                          {"status": "resigned", "on": "2024-01-01"}),
    "gov.member_college": ("POST", "/c/smart/members/2/college", ADMIN_POST,
                           {"college": "b", "on": "2024-01-01"}),
    "gov.audit": ("GET", "/audit", ADMIN_ONLY, None),
    "gov.register_import": ("GET", "/c/smart/members/import", ADMIN_ONLY, None),
    "gov.register_export": ("GET", "/c/smart/members.csv", BOARD_AND_ADMIN, None),
    "gov.register_import_confirm": ("POST", "/c/smart/members/import/confirm",
                                    (LOGIN, 403, 403, 403, 400, 400), {"token": "x"}),
    "capital.import_upload": ("GET", "/c/smart/capital/import", ADMIN_ONLY, None),
    "capital.import_confirm": ("POST", "/c/smart/capital/import/confirm",
                                   (LOGIN, 403, 403, 403, 400, 400), {"token": "x"}),
    # no job in the fixture: the secretariat check first, then 404
    # (tests/governance/platform/test_jobs.py)
    "gov.undelivered": ("GET", "/c/smart/mail", ADMIN_ONLY, None),
    "gov.undelivered_send_again": ("POST", "/c/smart/mail/send-again",
                                   (LOGIN, 403, 403, 403, 303, 303), {"all": "1"}),
    "gov.job": ("GET", "/c/smart/jobs/9", (LOGIN, 403, 403, 403, 404, 404), None),
    "gov.job_retry": ("POST", "/c/smart/jobs/9/retry", (LOGIN, 403, 403, 403, 404, 404), {}),
    "capital.campaigns": ("GET", "/c/smart/capital/campaigns", IN_COOP, None),
    # no campaign in the fixture: the coop check first (outsider 403), then 404
    "capital.campaign": ("GET", "/c/smart/capital/campaigns/1",
                             (LOGIN, 404, 403, 404, 404, 404), None),
    "auth.account": ("GET", "/account", ANY_ACCOUNT, None),
    # one's own consent to email convocations; nothing ticked and nothing shown: no change
    "auth.email_consent": ("POST", "/account/email-consent", (LOGIN, 302, 302, 302, 302, 302),
                           {}),
    "gov.roles": ("GET", "/c/smart/roles", ADMIN_ONLY, None),
    "auth.invite": ("GET", "/c/smart/invite", ADMIN_ONLY, None),
    "auth.change_password": ("POST", "/account/password", (LOGIN, 400, 400, 400, 400, 400), {}),
    # tests/governance/test_two_factor.py: each person manages their own second factor
    "auth.two_factor": ("GET", "/account/two-factor", ANY_ACCOUNT, None),
    "auth.two_factor_enable": ("POST", "/account/two-factor", (LOGIN, 400, 400, 400, 400, 400),
                               {}),
    "auth.two_factor_off": ("POST", "/account/two-factor/off", (LOGIN, 400, 400, 400, 400, 400),
                            {}),
    "auth.two_factor_codes": ("POST", "/account/two-factor/recovery-codes",
                              (LOGIN, 400, 400, 400, 400, 400), {}),
    "auth.log_out_everywhere": ("POST", "/account/sessions/end", (LOGIN, 303, 303, 303, 303, 303),
                                {}),  # anyone ends their own sessions
    "gov.coop_new": ("GET", "/cooperatives/new", PLATFORM_ONLY, None),
    # share capital pages (the people fixture has no movement: correcting one is a 404)
    "capital.overview": ("GET", "/c/smart/capital", IN_COOP, None),
    "capital.movements": ("GET", "/c/smart/capital/movements", BOARD_AND_ADMIN, None),
    "capital.movements_csv": ("GET", "/c/smart/capital/movements.csv", BOARD_AND_ADMIN,
                                  None),
    "capital.movement_new": ("GET", "/c/smart/capital/movements/new", ADMIN_ONLY, None),
    "capital.correct": ("POST", "/c/smart/capital/movements/1/correct",
                            (LOGIN, 403, 403, 403, 404, 404), {"on": "2024-01-01"}),
    "capital.queue": ("GET", "/c/smart/capital/queue", ADMIN_ONLY, None),
    "capital.statement": ("GET", "/c/smart/members/2/statement", BOARD_AND_ADMIN, None),
    # the board (the people fixture has no mandate and no meeting: ids are 404 once allowed)
    "board.overview": ("GET", "/c/smart/board", IN_COOP, None),
    "board.mandate_new": ("GET", "/c/smart/board/mandates/new", ADMIN_ONLY, None),
    "board.mandate_end": ("GET", "/c/smart/board/mandates/1/end",
                              (LOGIN, 403, 403, 403, 404, 404), None),
    "board.meetings": ("GET", "/c/smart/board/meetings", IN_COOP, None),
    "board.meeting": ("GET", "/c/smart/board/meetings/1", (LOGIN, 404, 403, 404, 404, 404),
                          None),
    "board.meeting_edit": ("GET", "/c/smart/board/meetings/1/edit",
                               (LOGIN, 403, 403, 404, 404, 404), None),
    "board.attendance": ("POST", "/c/smart/board/meetings/1/attendance",
                             (LOGIN, 403, 403, 404, 404, 404), {}),
    "board.minutes": ("POST", "/c/smart/board/meetings/1/minutes",
                          (LOGIN, 403, 403, 404, 404, 404), {"minutes": "x"}),
    "board.minutes_approve": ("POST", "/c/smart/board/meetings/1/minutes/approve",
                                  (LOGIN, 403, 403, 404, 404, 404), {"at_meeting": "2"}),
    "board.minutes_publish": ("POST", "/c/smart/board/meetings/1/minutes/publish",
                                  (LOGIN, 403, 403, 404, 404, 404), {}),
    # votes: the people fixture has no vote, so the routes with a vote id only check login and
    # 404; tests/votes/test_views.py::test_votes_route_permissions runs them on real votes.
    # assemblies: no assembly in the people fixture, so routes with an id only check login and
    # 404; tests/assemblies/test_views.py::test_assembly_route_permissions runs them for real.
    "assemblies.index": ("GET", "/c/smart/assemblies", IN_COOP, None),
    "assemblies.new": ("GET", "/c/smart/assemblies/new", ADMIN_ONLY, None),
    "assemblies.show": ("GET", "/assemblies/1", (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.add_item": ("POST", "/assemblies/1/items", (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.add_resolution": ("POST", "/assemblies/1/resolutions",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.bureau": ("POST", "/assemblies/1/bureau", (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.key_holders": ("POST", "/assemblies/1/key-holders",
                               (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.ceremony": ("GET", "/assemblies/1/ceremony", (LOGIN, 404, 404, 404, 404, 404),
                            None),
    "assemblies.convene": ("POST", "/assemblies/1/convene",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.second_call": ("POST", "/assemblies/1/second-call",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.answer": ("POST", "/assemblies/1/places/1/answer",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.give_proxy": ("POST", "/assemblies/1/places/1/proxy",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.answer_proxy": ("POST", "/assemblies/1/proxies/1/accept",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.revoke_proxy": ("POST", "/assemblies/1/proxies/1/revoke",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.advance": ("POST", "/assemblies/1/places/1/advance",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.join": ("POST", "/assemblies/1/places/1/join",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.vote": ("POST", "/assemblies/1/resolutions/1/vote",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.quorum": ("GET", "/assemblies/1/quorum", (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.register": ("GET", "/assemblies/1/attendance",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.check_in": ("POST", "/assemblies/1/attendance/1",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.open_sitting": ("POST", "/assemblies/1/open",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.open_resolutions": ("POST", "/assemblies/1/resolutions/open",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.close_resolutions": ("POST", "/assemblies/1/resolutions/close",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.hands": ("POST", "/assemblies/1/resolutions/1/hands",
                          (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.close": ("POST", "/assemblies/1/close", (LOGIN, 404, 404, 404, 404, 404), None),
    # minutes and exports: tests/assemblies/test_minutes.py runs them on a real sitting
    "assemblies.minutes_page": ("GET", "/assemblies/1/minutes",
                                (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.save_minutes": ("POST", "/assemblies/1/minutes",
                                (LOGIN, 404, 404, 404, 404, 404), {"debates": "x"}),
    "assemblies.minutes_step": ("POST", "/assemblies/1/minutes/approve",
                                (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.results_csv": ("GET", "/assemblies/1/results.csv",
                               (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.attendance_csv": ("GET", "/assemblies/1/attendance.csv",
                                  (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.proxies_csv": ("GET", "/assemblies/1/proxies.csv",
                               (LOGIN, 404, 404, 404, 404, 404), None),
    # convocation: tests/assemblies/test_convocation.py runs them on a real assembly
    "assemblies.calendar": ("GET", "/assemblies/1/convocation.ics",
                            (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.document": ("GET", "/assemblies/1/documents/1",
                            (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.document_add": ("POST", "/assemblies/1/documents",
                                (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.document_remove": ("POST", "/assemblies/1/documents/1/remove",
                                   (LOGIN, 404, 404, 404, 404, 404), None),
    "assemblies.postal_letters": ("GET", "/assemblies/1/letters",
                                  (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.index": ("GET", "/c/smart/votes", IN_COOP, None),
    "votes.new": ("GET", "/c/smart/votes/new", ADMIN_ONLY, None),
    "votes.show": ("GET", "/votes/1", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.turnout": ("GET", "/votes/1/turnout", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.cast": ("POST", "/votes/1/cast", (LOGIN, 404, 404, 404, 404, 404), {"choice": "for"}),
    "votes.open_vote": ("POST", "/votes/1/open", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.close_vote": ("POST", "/votes/1/close", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.open_ballots": ("GET", "/votes/1/open-ballots", (LOGIN, 404, 404, 404, 404, 404),
                           None),
    "votes.results_csv": ("GET", "/votes/1/results.csv", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.ballot_box": ("GET", "/votes/1/ballot-box.json", (LOGIN, 404, 404, 404, 404, 404),
                         None),
    "votes.verifier": ("GET", "/votes/1/coopgov-verify.py", (LOGIN, 404, 404, 404, 404, 404),
                       None),
    "votes.tracker": ("GET", "/votes/1/tracker", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.document": ("GET", "/votes/1/documents/1", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.document_add": ("POST", "/votes/1/documents", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.send_code": ("POST", "/votes/1/code", (LOGIN, 404, 404, 404, 404, 404), None),
    "votes.ceremony": ("GET", "/votes/1/ceremony", (LOGIN, 404, 404, 404, 404, 404), None),
    **{f"votes.ceremony_{step}": ("POST", f"/votes/1/ceremony/{step}",
                                  (LOGIN, 404, 404, 404, 404, 404), None)
       for step in ("holders", "key", "shares", "confirm", "report", "decrypt")},
    "votes.confirm_code": ("POST", "/votes/1/code/confirm", (LOGIN, 404, 404, 404, 404, 404),
                           {"code": "123456"}),
    "votes.document_remove": ("POST", "/votes/1/documents/1/remove",
                              (LOGIN, 404, 404, 404, 404, 404), None),
    # entrepreneurs' contracts (CAE); none in the fixture
    "contracts.overview": ("GET", "/c/smart/contracts", BOARD_AND_ADMIN, None),
    "contracts.end": ("POST", "/c/smart/contracts/1/end", (LOGIN, 403, 403, 403, 404, 404),
                         {"ended_on": "2024-01-01"}),
    # circles (no circle in the fixture: the cooperative check first, then 404)
    "circles.index": ("GET", "/c/smart/circles", IN_COOP, None),
    "circles.new": ("GET", "/c/smart/circles/new", ADMIN_ONLY, None),
    "circles.show": ("GET", "/c/smart/circles/1", NO_SUCH, None),
    "circles.edit": ("GET", "/c/smart/circles/1/edit", NO_SUCH, None),
    "circles.dissolve": ("POST", "/c/smart/circles/1/dissolve", NO_SUCH, None),
    "circles.member_add": ("POST", "/c/smart/circles/1/members", NO_SUCH, None),
    "circles.member_leave": ("POST", "/c/smart/circles/1/members/1/leave", NO_SUCH, None),
    "circles.role_add": ("POST", "/c/smart/circles/1/roles", NO_SUCH, None),
    "circles.role_remove": ("POST", "/c/smart/circles/1/roles/1/remove", NO_SUCH, None),
    "circles.term_assign": ("POST", "/c/smart/circles/1/roles/1/terms", NO_SUCH, None),
    "circles.term_end": ("POST", "/c/smart/circles/1/terms/1/end", NO_SUCH, None),
    "circles.board": ("GET", "/c/smart/circles/1/chantiers", NO_SUCH, None),
    "circles.chantier_add": ("POST", "/c/smart/circles/1/chantiers", NO_SUCH, None),
    "circles.chantier_edit": ("GET", "/c/smart/circles/1/chantiers/1/edit", NO_SUCH, None),
    "circles.chantier_move": ("POST", "/c/smart/circles/1/chantiers/1/move", NO_SUCH, None),
    # the contributive budget (no budget, entry or batch in the fixture)
    "contributions.mine": ("GET", "/c/smart/contributions/", IN_COOP, None),
    "contributions.review": ("GET", "/c/smart/contributions/review",
                             (LOGIN, 403, 403, 403, 403, 403), None),  # nobody reviews a circle
    "contributions.edit": ("GET", "/c/smart/contributions/1/edit", NO_SUCH, None),
    "contributions.correct": ("GET", "/c/smart/contributions/1/correct", NO_SUCH, None),
    "contributions.decide": ("POST", "/c/smart/contributions/1/approve", NO_SUCH, None),
    "contributions.budgets": ("GET", "/c/smart/contributions/budgets", IN_COOP, None),
    "contributions.budget": ("GET", "/c/smart/contributions/budgets/1", NO_SUCH, None),
    "contributions.budget_csv": ("GET", "/c/smart/contributions/budgets/1/report.csv?by=circle",
                                 NO_SUCH, None),
    "contributions.envelope_set": ("POST", "/c/smart/contributions/budgets/1/envelopes/1",
                                   (LOGIN, 403, 403, 403, 404, 404), {"amount": "10"}),
    "contributions.payments": ("GET", "/c/smart/contributions/payments", ADMIN_ONLY, None),
    "contributions.batch": ("GET", "/c/smart/contributions/payments/1",
                            (LOGIN, 403, 403, 403, 404, 404), None),
    "contributions.batch_csv": ("GET", "/c/smart/contributions/payments/1.csv",
                                (LOGIN, 403, 403, 403, 404, 404), None),
}
# Reachable by anyone by design (log in, language, password reset, invitation links, assets).
PUBLIC = {"static", "healthz", "readyz", "auth.login", "auth.login_code", "auth.logout",
          "auth.language", "auth.accept", "auth.reset_request", "auth.reset"}


@pytest.fixture
def people(make_coop, make_person, make_member):
    smart = make_coop("smart", colleges=[("a", "A", "2/5"), ("b", "B", "3/10"),
                                         ("c", "C", "3/10")])
    other = make_coop("other")
    member = make_person("member@example.org")
    make_member(smart, person=member, college="a")
    make_member(smart, email="someone@example.org", college="a")
    outsider = make_person("outsider@example.org")
    make_member(other, person=outsider)
    board = make_person("board@example.org", roles={smart: "board"})
    admin = make_person("admin@example.org", roles={smart: "admin"})
    platform = make_person("platform@example.org", platform_admin=True)
    return {"anonymous": None, "member": member, "outsider": outsider, "board": board,
            "admin": admin, "platform": platform}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) - PUBLIC == set()


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_route_permissions(client, people, login, endpoint, who):
    method, url, expected, data = MATRIX[endpoint]
    if people[who] is not None:
        login(people[who])
    before = db.session.query(AuditEntry).count()
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[WHO.index(who)], response.data[:300]
    if response.status_code in (302, 403) and method == "POST" and who not in ("admin",
                                                                               "platform"):
        assert db.session.query(AuditEntry).count() == before  # refused writes change nothing


def test_members_never_see_other_members_contacts(client, people, login):
    login(people["member"])
    assert b"someone@example.org" not in client.get("/c/smart/members").data
    assert b"someone@example.org" not in client.get("/c/smart/members/2").data
    assert b"member@example.org" in client.get("/c/smart/members/1").data  # their own
    client.post("/logout")
    login(people["board"])
    assert b"someone@example.org" in client.get("/c/smart/members").data


def test_hidden_register_leaves_members_their_own_page(client, people, login):
    from governance.models import Cooperative
    coop = db.session.query(Cooperative).filter_by(slug="smart").one()
    coop.register_visibility = "hidden"
    db.session.commit()
    login(people["member"])
    assert client.get("/c/smart/members").status_code == 403
    assert client.get("/c/smart/members/2").status_code == 403
    assert client.get("/c/smart/members/1").status_code == 200
    assert client.get("/c/smart").status_code == 200  # the summary stays visible


def test_unknown_cooperative_is_404(client, people, login):
    login(people["admin"])
    assert client.get("/c/nope/members").status_code == 404
    assert client.get("/c/smart/members/999").status_code == 404
