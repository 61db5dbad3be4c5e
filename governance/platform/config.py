"""Configuration from environment variables, with safe defaults."""
import os
import secrets
from pathlib import Path


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    """The settings a deployment changes; everything else keeps the defaults set here."""
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'coopgov.db'}"
    redis_url = os.environ.get("REDIS_URL")
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "AUDIT_KEYS": os.environ.get("AUDIT_KEYS"),  # else the instance folder's audit_keys
        "REDIS_URL": redis_url,  # the login's counters; without it, the database keeps them
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "coopgov <noreply@coopgov.invalid>"),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parents[2] / "translations"),
        "LANGUAGES": ["fr", "en"],
        # The secretariat and the board must log in with an authenticator app (the demo of
        # scripts/run.sh turns it off, so that its accounts can be tried without one).
        "TWO_FACTOR_REQUIRED": os.environ.get("TWO_FACTOR_REQUIRED", "1") == "1",
        "HTTPS": os.environ.get("HTTPS", "0") == "1",  # served over TLS only: HSTS, secure cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("HTTPS", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("HTTPS", "0") == "1",
        "TOKEN_MAX_AGE": 7 * 24 * 3600,
        "RESET_MAX_AGE": 2 * 3600,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "REGISTER_PAGE_SIZE": 50,
        # Number of reverse proxies in front of the site (for client addresses in rate limits).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # "thread": jobs and mail in threads of the web process (the embedded default);
        # "worker": left in the database's queue for `flask worker` (production).
        "JOBS": os.environ.get("JOBS", "thread"),
        "JOB_STALE_S": int(os.environ.get("JOB_STALE_S", "60")),  # a job's process died
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text"),  # "json": one JSON object a line
    }
