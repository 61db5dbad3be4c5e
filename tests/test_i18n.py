"""Language choice (account, visitor, Accept-Language, cooperative) and Babel formatting."""
from fractions import Fraction

import pytest
from flask_babel import force_locale

from governance.platform.extensions import db
from governance.platform.formatting import money, share


def lang(response) -> str:
    text = response.get_data(as_text=True)
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_french_by_default_and_accept_language_for_visitors(client):
    assert lang(client.get("/")) == "fr"
    assert lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})) == "en"
    assert lang(client.get("/", headers={"Accept-Language": "de"})) == "fr"


def test_visitor_choice_beats_accept_language(client):
    response = client.post("/language", data={"locale": "en", "next": "/cooperatives"})
    assert response.status_code == 302 and response.location.endswith("/cooperatives")
    assert lang(client.get("/", headers={"Accept-Language": "fr"})) == "en"


def test_language_change_redirects_only_to_local_paths(client):
    response = client.post("/language", data={"locale": "en", "next": "//evil.example/x"})
    assert response.location.endswith("/") and "evil" not in response.location
    client.post("/language", data={"locale": "xx"})  # unknown: ignored
    assert lang(client.get("/")) == "en"


def test_account_choice_is_stored_and_wins(client, make_person, login):
    person = make_person("p@example.org")
    login(person)
    client.post("/language", data={"locale": "en"})
    db.session.refresh(person)
    assert person.locale == "en"
    client.post("/logout")
    other = client.application.test_client()
    other.post("/login", data={"email": "p@example.org", "password": "correct horse battery"})
    assert lang(other.get("/", headers={"Accept-Language": "fr"})) == "en"


def test_cooperative_default_when_nothing_else_says(client, make_coop, make_person, make_member,
                                                    login):
    coop = make_coop("be", default_locale="en")
    person = make_person("p@example.org")
    make_member(coop, person=person)
    login(person)
    assert lang(client.get("/c/be", headers={"Accept-Language": ""})) == "en"
    assert lang(client.get("/", headers={"Accept-Language": ""})) == "fr"


@pytest.mark.parametrize("locale, amount, text", [
    ("fr", 6086062, "6\u202f086\u202f062\u00a0€"),
    ("fr", "329893.65", "329\u202f893,65\u00a0€"),
    ("en", 6086062, "€6,086,062"),
    ("en", "13260.5", "€13,260.50"),
])
def test_money_in_the_users_locale(app, locale, amount, text):
    with app.test_request_context(), force_locale(locale):
        assert money(amount) == text


def test_shares_as_percentages(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert share(Fraction(1, 3)) == "33,33\u00a0%"
        with force_locale("en"):
            assert share(Fraction(1, 10)) == "10.00%"
            assert share(None) == "—"


def test_a_message_code_cannot_get_a_second_text():
    from governance.platform.messages import MESSAGES, register_messages
    register_messages({"date_required": MESSAGES["date_required"]})  # the same text: fine
    with pytest.raises(ValueError, match="date_required"):
        register_messages({"date_required": "Another text"})


@pytest.mark.parametrize(("locale", "whole", "cents"), [
    ("fr", "6\u202f086\u202f062\u00a0€", "6\u202f086\u202f062,50\u00a0€"),
    ("en", "€6,086,062", "€6,086,062.50"),
    ("de", "6.086.062\u00a0€", "6.086.062,50\u00a0€"),
    ("nl", "€\u00a06.086.062", "€\u00a06.086.062,50"),
])
def test_money_follows_the_locales_pattern(app, locale, whole, cents):
    from flask_babel import force_locale

    from governance.platform.formatting import money
    with app.test_request_context(), force_locale(locale):
        assert (money("6086062"), money("6086062.50")) == (whole, cents)
