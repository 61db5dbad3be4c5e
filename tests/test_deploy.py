"""The production server as docs/deploy.md starts it: gunicorn with deploy/gunicorn.conf.py,
serving, ready, and logging JSON lines that hold no client address and no query string."""
from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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


# --- the shipped systemd units and reverse proxy ---------------------------------------------

UNITS = sorted((ROOT / "deploy" / "systemd").glob("coopgov-*.*"))


def _units_here(tmp_path) -> list[Path]:
    """The units as an operator installs them, with this checkout for /srv/coopgov."""
    out = []
    for unit in UNITS:
        text = (unit.read_text().replace("/srv/coopgov", str(ROOT))
                .replace("/etc/coopgov/coopgov.env",
                         str(ROOT / "deploy" / "systemd" / "coopgov.env.example"))
                .replace("/var/backups/coopgov", str(tmp_path)))
        if os.geteuid() == 0:  # no coopgov user on a test machine
            text = text.replace("User=coopgov", "User=root").replace("Group=coopgov",
                                                                      "Group=root")
        (tmp_path / unit.name).write_text(text)
        out.append(tmp_path / unit.name)
    return out


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":  # .ci/run installs it
            pytest.fail(f"{name} is missing although CI=true", pytrace=False)
        pytest.skip(f"{name} is not installed")
    return found


def test_the_systemd_units_verify(tmp_path):
    assert {u.name for u in UNITS} >= {"coopgov-web.service", "coopgov-worker.service",
                                        "coopgov-clock.service", "coopgov-backup.service",
                                        "coopgov-backup.timer"}
    done = subprocess.run([_tool("systemd-analyze"), "verify", *map(str, _units_here(tmp_path))],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_each_unit_s_command_is_one_the_app_has(tmp_path):
    """Each `flask --app app X` of a unit answers `--help` (a renamed command breaks this)."""
    commands = set()
    for unit in UNITS:
        commands |= set(re.findall(r"flask --app app ([a-z-]+)", unit.read_text()))
    assert commands == {"db", "worker", "clock", "backup"}
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", command, "--help"],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)


def _self_signed(tmp_path) -> tuple[Path, Path]:
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run([_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "1", "-subj", "/CN=coopgov.example.org", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_the_reverse_proxy_example_serves_the_site_over_tls(tmp_path):
    nginx = _tool("nginx")
    server, base, _log = _serve(tmp_path, HTTPS="1", PROXY_COUNT="1")
    cert, key = _self_signed(tmp_path)
    plain, tls = free_port(), free_port()
    site = ((ROOT / "deploy" / "nginx-coopgov.conf").read_text()
            .replace("listen 80;", f"listen 127.0.0.1:{plain};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls} ssl http2;")
            .replace("server 127.0.0.1:8000;", f"server {base.removeprefix('http://')};")
            .replace("/etc/ssl/coopgov/fullchain.pem", str(cert))
            .replace("/etc/ssl/coopgov/privkey.pem", str(key))
            .replace("/srv/coopgov/static/", f"{ROOT}/static/"))
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{k}_temp_path {tmp_path}/{k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/nginx-error.log;\n"
        f"events {{}}\nhttp {{ {temp} include {tmp_path}/site.conf; }}\n")
    with (tmp_path / "nginx.out").open("wb") as out:
        proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                                 stderr=out)
    redirect = http.client.HTTPConnection("127.0.0.1", plain, timeout=5)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", tls), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert proxy.poll() is None, (tmp_path / "nginx.out").read_text()
        trusting = ssl.create_default_context(cafile=str(cert))
        trusting.check_hostname = False
        redirect.request("GET", "/login", headers={"Host": "coopgov.example.org"})
        answer = redirect.getresponse()
        assert answer.status == 301
        assert answer.getheader("Location") == "https://coopgov.example.org/login"
        secure = http.client.HTTPSConnection("127.0.0.1", tls, timeout=5, context=trusting)
        secure.request("GET", "/readyz", headers={"Host": "coopgov.example.org"})
        ready = secure.getresponse()
        assert ready.status == 200 and ready.read().startswith(b"ready")
        secure.request("GET", "/login", headers={"Host": "coopgov.example.org"})
        login = secure.getresponse()
        login.read()
        assert login.status == 200
        assert "max-age=31536000" in login.getheader("Strict-Transport-Security")
        assert "Secure" in login.getheader("Set-Cookie")  # HTTPS=1 behind the proxy
        secure.request("GET", "/static/favicon.svg", headers={"Host": "coopgov.example.org"})
        icon = secure.getresponse()
        assert icon.status == 200 and b"<svg" in icon.read()  # straight from nginx
        secure.close()
    finally:
        redirect.close()
        proxy.terminate()
        proxy.wait(10)
        _stop(server)
