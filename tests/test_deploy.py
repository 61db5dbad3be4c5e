"""The production server as docs/deploy.md starts it: gunicorn with deploy/gunicorn.conf.py,
serving, ready, and logging JSON lines that hold no client address and no query string."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from governance.platform.logs import JsonLines
from tests.conftest import DATABASE_URL
from tests.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as err:
        return err.code


def _serve(tmp_path, **env) -> tuple[subprocess.Popen, str, Path]:
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY="deploy-test-" + "k" * 32,
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", **env)
    env.pop("REDIS_URL", None)
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--chdir", str(ROOT), "app:create_app()"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    return server, base, log


def _stop(server) -> None:
    server.terminate()
    server.wait(30)


def test_gunicorn_serves_with_the_shipped_config_and_logs_json(tmp_path):
    server, base, log = _serve(tmp_path, LOG_FORMAT="json")
    try:
        assert _get(base + "/readyz") == 200
        assert _get(base + "/login?next=/votes&token=SECRET-TOKEN") == 200
        assert _get(base + "/no-such-page?email=ada@example.org") == 404
    finally:
        _stop(server)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    workers = [e for e in entries if e["message"].startswith("Booting worker")]
    assert len(workers) == 2  # WEB_CONCURRENCY
    access = [e["message"] for e in entries if e["logger"] == "gunicorn.access"]
    assert len(access) >= 3
    assert any('"GET /login HTTP/1.1" 200' in line for line in access)
    assert any('"GET /no-such-page HTTP/1.1" 404' in line for line in access)
    text = "\n".join(access)
    assert "SECRET-TOKEN" not in text and "ada@example.org" not in text
    assert "127.0.0.1" not in text  # no client address


def test_the_plain_access_log_holds_no_client_address(tmp_path):
    server, base, log = _serve(tmp_path)
    try:
        assert _get(base + "/login?token=SECRET-TOKEN") == 200
    finally:
        _stop(server)
    [line] = [line for line in log.read_text().splitlines() if '"GET /login' in line]
    assert "SECRET-TOKEN" not in line and "127.0.0.1" not in line
    assert line.endswith("ms") and '"GET /login HTTP/1.1" 200' in line


def test_the_app_s_json_lines_carry_the_path_not_the_query(app):
    formatter = JsonLines()
    with app.test_request_context("/votes/3?token=SECRET-TOKEN", method="POST"):
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord("coopgov", logging.ERROR, __file__, 1, "job %s failed",
                                       (7,), sys.exc_info())
        entry = json.loads(formatter.format(record))
    assert (entry["level"], entry["message"], entry["method"], entry["path"]) == (
        "error", "job 7 failed", "POST", "/votes/3")
    assert "ValueError: boom" in entry["exception"]
    assert "SECRET-TOKEN" not in json.dumps(entry)
