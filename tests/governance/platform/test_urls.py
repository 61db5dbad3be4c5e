"""An id in a path is a database id: one too large for the database matches no route (404),
on every route that takes one, instead of overflowing the driver (HTTP 500)."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from governance.platform.urls import ID_MAX

HUGE = "99999999999999999999"
ARGUMENT = re.compile(r"<(?:[^:>]+:)?(\w+)>")


def _routes_with_ids(app, method: str):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if isinstance(conv, IntegerConverter)]
        if ints and method in rule.methods:
            yield rule, ints


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_route_refuses_an_id_beyond_the_database(app, client, make_coop, make_person,
                                                        login, method):
    coop = make_coop("smart")
    login(make_person("root@example.org", roles={coop: "admin"}, platform_admin=True))
    seen = 0
    for rule, ints in _routes_with_ids(app, method):
        path = ARGUMENT.sub(lambda m, ints=ints: HUGE if m.group(1) in ints else "smart",
                            rule.rule)
        response = client.open(path, method=method, data={})
        assert response.status_code in (404, 405), (path, response.status_code)  # no route
        seen += 1
    assert seen > (20 if method == "GET" else 10)


def test_the_largest_id_is_looked_up_and_found_missing(client, make_coop, make_person, login):
    coop = make_coop("smart")
    login(make_person("root@example.org", roles={coop: "admin"}, platform_admin=True))
    assert client.get(f"/votes/{ID_MAX}").status_code == 404
    assert client.get(f"/votes/{ID_MAX + 1}").status_code == 404
