"""Browser tests: the site served for real (werkzeug, threads, CSRF on) and driven by Chromium
through Playwright. They need Debian's Chromium at /usr/bin/chromium (never a downloaded
browser): without it they are skipped, or fail when CI=true."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from werkzeug.serving import make_server

from app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000  # generous: CI machines are small and sometimes busy


@dataclass
class LiveServer:
    url: str
    app: Flask
    errors: list[str] = field(default_factory=list)  # "500 GET /path" of every server error

    def t(self, msgid: str, locale: str, **kw) -> str:
        """The text the site shows for `msgid` in `locale` (the msgid itself without catalogs)."""
        with self.app.test_request_context(), force_locale(locale):
            return gettext(msgid, **kw)


@pytest.fixture(scope="session")
def live_server(app):
    """A second app on the tests' database, realistic (CSRF on, not TESTING), served by werkzeug
    on a free port in a daemon thread. `app` is requested first so that the schema exists."""
    served = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SERVER_NAME": None,
                         "LOGIN_RATE_LIMIT": "1000 per minute", "WTF_CSRF_ENABLED": True,
                         "TWO_FACTOR_REQUIRED": False})  # test_two_factor.py turns it on
    server = LiveServer(url="", app=served)

    def wsgi(environ, start_response):
        def start(status, headers, exc_info=None):
            if status.startswith("5"):
                server.errors.append(f"{status} {environ['REQUEST_METHOD']} "
                                     f"{environ.get('PATH_INFO')}")
            return start_response(status, headers, exc_info)
        return served.wsgi_app(environ, start)

    httpd = make_server("127.0.0.1", 0, wsgi, threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    with served.app_context():
        from governance.platform.extensions import db
        db.engine.dispose()


@pytest.fixture
def demo(_clean):
    """The Smart France demo data, loaded for this test (the autouse `_clean` empties it after)."""
    from governance import demo as demo_data
    message, ok = demo_data.load()
    assert ok, message
    return demo_data


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = (f"browser tests need Chromium at {CHROMIUM} "
                  "(Debian package chromium: apt-get install -y chromium)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options) → a fresh browser context on the live server (French by default);
    every context is closed after the test, and the test fails on a console error, a page error
    or a server error (5xx)."""
    contexts, problems = [], []
    live_server.errors.clear()

    def make(**options):
        options = {"base_url": live_server.url, "locale": "fr-FR", "viewport": VIEWPORT} | options
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)

        def console(msg):
            where = (msg.location or {}).get("url", "")
            # A 4xx answer (a refused form, a denied page) is the site speaking, not a fault;
            # 5xx answers are caught on the server side.
            intended = "the server responded with a status of 4" in msg.text
            if msg.type == "error" and not intended:
                problems.append(f"console error at {where}: {msg.text}")

        def watch(page):
            page.on("console", console)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not live_server.errors, live_server.errors
    assert not problems, problems


@pytest.fixture
def page(new_context):
    """A page with JavaScript on, in a fresh French-speaking context."""
    return new_context().new_page()


@pytest.fixture
def log_in():
    """log_in(page, email=…, password=…): log in through the login form, as a person would."""

    def do(page, email="admin@example.coop", password="coopgov-demo"):
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

    return do
