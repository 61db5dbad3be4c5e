"""coopgov application factory: `flask --app app run`."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from governance.platform import extensions as ext
from governance.platform import health, jobs, logs, mail_queue
from governance.platform.config import from_environment

ERROR_TITLES = {
    400: _l("Bad request"), 403: _l("Access denied"), 404: _l("Page not found"),
    405: _l("Method not allowed"), 413: _l("File too large"),
    429: _l("Too many attempts"), 500: _l("Something went wrong"),
}
ERROR_TEXTS = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("This page does not exist, or is not visible to you."),
    405: _l("This action is not available here."),
    413: _l("The file you sent is larger than the site accepts (16 MB)."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    500: _l("An unexpected error happened. It has been logged; nothing was changed."),
}

NUL_TEXT = _l("The request holds a character the site does not accept (a NUL byte). Nothing "
              "was changed.")


def select_locale() -> str:
    """Account choice, else the visitor's choice, else Accept-Language, else the cooperative's."""
    langs = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in langs:
        return current_user.locale
    if session.get("locale") in langs:
        return session["locale"]
    best = request.accept_languages.best_match(langs)
    if best:
        return best
    coop = g.get("coop")
    return coop.default_locale if coop is not None and coop.default_locale in langs else "fr"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder="templates", static_folder="static")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(app.instance_path))
    app.config.update(config or {})
    logs.configure(app.config["LOG_FORMAT"])
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(Path(__file__).parent / "migrations"))
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=select_locale)
    ext.htmx.init_app(app)
    ext.login_manager.init_app(app)
    ext.login_manager.login_view = "auth.login"
    ext.login_manager.login_message = _l("Please log in to see this page.")
    ext.login_manager.login_message_category = "info"

    mail_queue.init_app(app)
    jobs.init_app(app)
    from governance.platform.urls import IdConverter
    app.url_map.converters["int"] = IdConverter  # before any route is added
    from governance import register_governance
    register_governance(app)
    from votes import register_votes
    register_votes(app)
    from assemblies import register_assemblies
    register_assemblies(app)
    from circles import register_circles
    register_circles(app)
    from contributions import register_contributions
    register_contributions(app)

    @app.before_request
    def refuse_nul_bytes():
        """A NUL byte in the path, the query or a form is no text anyone types, and PostgreSQL
        refuses it in a query: answer 400 at the edge, before any view reads it."""
        pairs = list(request.args.items(multi=True))
        if request.method == "POST" and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            pairs += request.form.items(multi=True)
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in pairs):
            return render_template("error.html", code=400, title=ERROR_TITLES[400],
                                   text=NUL_TEXT), 400

    @app.get("/healthz")
    def healthz():
        """Liveness probe (and the benchmarks' bare endpoint): no session, no database."""
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/readyz")
    def readyz():
        """Readiness probe: the database answers at the migrations' head, Redis answers.
        Names and levels only (the details are for `flask doctor`, not for the public)."""
        checks = health.ready()
        ready = all(c.level != "problem" for c in checks)
        body = "".join(f"{c.name}: {c.level}\n" for c in checks)
        return (("ready\n" if ready else "not ready\n") + body, 200 if ready else 503,
                {"Content-Type": "text/plain; charset=utf-8"})

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = err.code or 500
        return render_template("error.html", code=code,
                               title=ERROR_TITLES.get(code, err.name),
                               text=ERROR_TEXTS.get(code, "")), code

    @app.errorhandler(Exception)
    def server_error(err: Exception):
        app.logger.exception("unhandled error")
        ext.db.session.rollback()
        return render_template("error.html", code=500, title=ERROR_TITLES[500],
                               text=ERROR_TEXTS[500]), 500

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":  # pages hold personal data: kept in no cache
            response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("HX-Request")
        return response

    return app
