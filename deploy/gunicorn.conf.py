"""gunicorn's settings for production, read by
`gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'` (docs/deploy.md). Each can be changed
by the environment variable named beside it."""
import multiprocessing
import os

# Where to listen: the reverse proxy forwards here (BIND).
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Workers: 2 per core plus one, at most 16 (WEB_CONCURRENCY). Each holds a database
# connection pool of 5 (+10 overflow): mind PostgreSQL's max_connections with several instances.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 16))
# Threads per worker (THREADS): above 1, gunicorn's threaded worker (scripts/run.sh on SQLite).
threads = int(os.environ.get("THREADS", "1"))
# A request taking longer is killed and logged (long work runs as a job, not in a request).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # on restart, requests under way get this long to finish
keepalive = 5  # seconds an idle connection from the proxy stays open
control_socket_disable = True  # no control socket: several instances share a machine
# A worker is replaced after this many requests, spread so they are not all replaced at once.
max_requests, max_requests_jitter = 2000, 200
# Only these addresses may say X-Forwarded-Proto (FORWARDED_ALLOW_IPS); the app reads
# X-Forwarded-For for the login limits from PROXY_COUNT proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access log: time, method, path (never the query string: sign-in links carry tokens),
# status, size, duration. No client address, no referrer, no user agent: personal data.
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

if os.environ.get("LOG_FORMAT") == "json":  # the same JSON lines as the app's own log
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "formatters": {"json": {"()": "governance.platform.logs.JsonLines"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO",
                                       "propagate": False},
                    "gunicorn.access": {"handlers": ["stderr"], "level": "INFO",
                                        "propagate": False}},
    }
