"""No HTTP 500 on any input: on the demo data, each demo account crawls the site (one page per
endpoint), then sends every page's query and every form it was shown hostile values — NUL
bytes, 10,000 characters, huge and negative integers, NaN, Infinity, 1e309, bad dates, RTL
and emoji — and gets a 4xx or a page, never a 5xx."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from governance.demo import ACCOUNTS, PASSWORD

HOSTILE = ["a\x00b", "x" * 10_000, "99999999999999999999999", "-1", "-99999999999999999999",
           "NaN", "Infinity", "1e309", "sNaN", "2024-02-30", "0000-00-00", "\u202eevil\u202c",
           "😀" * 50, ""]
QUERY_KEYS = ("q", "page", "college", "code", "status", "month", "kind", "from", "to", "next")
SKIP = ("/logout", "/static/", "/account/sessions/end")  # would end the crawl's own session


class _Page(HTMLParser):
    """The links and the forms (action, method, field names) of one page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append((a.get("action") or "", (a.get("method") or "get").lower(), []))
        elif tag in ("input", "select", "textarea", "button") and self.forms and a.get("name"):
            self.forms[-1][2].append(a["name"])


def _endpoint(app, path: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method="GET")[0]
    except Exception:  # noqa: BLE001 - not a GET route of the site
        return None


def _crawl(app, client):
    """One page per endpoint reachable by links from the home page: {path: _Page}."""
    seen, pages, todo = set(), {}, ["/"]
    while todo:
        url = todo.pop()
        path = urlsplit(url).path
        endpoint = _endpoint(app, path)
        if endpoint is None or endpoint in seen or any(s in path for s in SKIP):
            continue
        seen.add(endpoint)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if not response.mimetype == "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        pages[url] = page
        todo += [urljoin(url, link) for link in page.links
                 if not urlsplit(link).netloc and not link.startswith(("#", "mailto:"))]
    return pages


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("email", sorted(ACCOUNTS))
def test_no_hostile_value_gets_a_server_error(app, demo, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    pages = _crawl(app, client)
    assert len(pages) > (40 if email.startswith("admin") else 15)
    failures, sent = [], 0
    for url, page in pages.items():
        parts = urlsplit(url)
        keys = {k for k, _v in parse_qsl(parts.query)} | set(QUERY_KEYS)
        for value in HOSTILE:
            query = urlencode({k: value for k in keys})
            response = client.get(f"{parts.path}?{query}")
            sent += 1
            if response.status_code >= 500:
                failures.append(("GET", parts.path, sorted(keys), value[:20]))
        for action, method, names in page.forms:
            target = urljoin(url, action) if action else url
            if method != "post" or any(s in target for s in SKIP) or not names:
                continue
            for value in HOSTILE:
                response = client.post(target, data={n: value for n in names if n != "csrf_token"})
                sent += 1
                if response.status_code >= 500:
                    failures.append(("POST", target, names, value[:20]))
        assert client.get("/account").status_code == 200, url  # still logged in
    assert not failures, f"{len(failures)} of {sent} requests answered 5xx: {failures[:30]}"
