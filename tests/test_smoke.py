"""The site boots from migrations and the pages a logged-in admin sees render."""


def test_home_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"coopgov" in response.data


def test_admin_pages(client, make_coop, make_person, make_member, login):
    coop = make_coop("smart", colleges=[("a", "A", "2/5"), ("b", "B", "3/10"), ("c", "C", "3/10")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    make_member(coop, college="a")
    login(admin)
    for url in ["/", "/cooperatives", "/c/smart", "/c/smart/members", "/c/smart/members/1",
                "/c/smart/statutes", "/c/smart/colleges", "/c/smart/members/new", "/audit"]:
        assert client.get(url).status_code == 200, url
