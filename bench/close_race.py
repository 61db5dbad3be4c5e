"""The close of a vote racing the casts, through gunicorn on PostgreSQL, as an outside tester
tries it: N voters cast with C requests in flight, and after the K-th answer the secretariat
closes the vote (`POST /votes/<id>/close`), several rounds.

    .venv/bin/python -m bench.close_race [--database-url URL] [--voters 80] [--concurrency 8]
                                         [--close-after 40] [--rounds 3] [--workers 4]

Each round builds a fresh database (bench.vote_bench.load: one cooperative, an open secret
vote), serves the real application with gunicorn, and casts with forged session cookies and
real CSRF tokens. Then it reads the database and the sealed box and checks the promise of the
vote: every receipt's tracker is in the sealed box, and no other ballot; box ballots = table
ballots = emargements = roll entries voted; every other cast was refused with a message; no
HTTP 500. Prints one line per round and exits 1 if any round broke the promise.
"""
from __future__ import annotations

import argparse
import json
import re
import secrets
import socket
import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

from bench.register_bench import reset_database
from bench.vote_bench import (
    DEFAULT_URL,
    _read_response,
    forge,
    free_port,
    http_request,
    load,
    make_app,
    start_server,
    stop_server,
)

TRACKER = re.compile(rb'class="tracker">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<')


def send(port: int, method: str, path: str, cookie: str, form: dict) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(http_request(method, path, port, cookie=cookie, form=form))
        status, body, _closes = _read_response(sock, bytearray())
    return status, body


def one_round(url: str, voters: int, concurrency: int, close_after: int, workers: int,
              seed: int) -> dict:
    reset_database(url)
    secret_key = secrets.token_hex(32)
    app = make_app(url, secret_key)
    data = load(app, voters, seed, with_email=False)
    tokens = forge(app, data.voters)
    (admin_cookie, admin_csrf), = forge(app, [data.admin])
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="coopgov-race-")) / "gunicorn.log"
    server = start_server(url, secret_key, port, workers, 1, log)
    lock, answered, queue = threading.Lock(), [0], list(range(len(tokens)))
    receipts, statuses, close_status = [], [], []

    def close():
        close_status.append(send(port, "POST", f"/votes/{data.vote_id}/close", admin_cookie,
                                 {"csrf_token": admin_csrf})[0])

    def caster():
        while True:
            with lock:
                if not queue:
                    return
                i = queue.pop(0)
            cookie, csrf = tokens[i]
            status, body = send(port, "POST", f"/votes/{data.vote_id}/cast", cookie,
                                {"choice": ("for", "against", "abstain")[i % 3],
                                 "csrf_token": csrf})
            found = TRACKER.search(body) if status == 200 else None
            with lock:
                statuses.append(status)
                if found:
                    receipts.append(found.group(1).decode())
                answered[0] += 1
                if answered[0] == close_after:
                    threading.Thread(target=close).start()

    try:
        threads = [threading.Thread(target=caster) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        while not close_status:
            threading.Event().wait(0.05)
    finally:
        stop_server(server)
    return check(app, data.vote_id, receipts, statuses, close_status[0])


def check(app, vote_id: int, receipts: list[str], statuses: list[int], close: int) -> dict:
    from governance.platform.extensions import db
    from votes.ballotbox import verify
    from votes.models import Ballot, Emargement, RollEntry, Vote

    with app.app_context():
        vote = db.session.get(Vote, vote_id)
        box = json.loads(vote.box_json) if vote.box_json else None

        def count(stmt):
            return db.session.scalar(stmt)

        figures = {
            "attempts": len(statuses), "receipts": len(receipts),
            "refused": sum(1 for s in statuses if s in (302, 303)),
            "http_500": sum(1 for s in statuses if s >= 500), "close": close,
            "state": str(vote.state),
            "box": len(box["ballots"]) if box else None,
            "table": count(sa.select(sa.func.count()).select_from(Ballot)
                           .where(Ballot.vote_id == vote_id)),
            "emargements": count(sa.select(sa.func.count()).select_from(Emargement)
                                 .join(RollEntry).where(RollEntry.vote_id == vote_id)),
            "voted": count(sa.select(sa.func.count()).select_from(RollEntry)
                           .where(RollEntry.vote_id == vote_id, RollEntry.voted.is_(True))),
            "verify_problems": len(verify(box)[0]) if box else None,
            "receipts_missing": len(set(receipts) - {b["tracker"] for b in box["ballots"]})
            if box else None,
        }
        db.session.remove()
        db.engine.dispose()
    figures["ok"] = (figures["state"] == "closed" and figures["http_500"] == 0
                     and figures["close"] in (302, 303) and figures["verify_problems"] == 0
                     and figures["receipts_missing"] == 0
                     and figures["box"] == figures["table"] == figures["emargements"]
                     == figures["voted"] == figures["receipts"]
                     and figures["receipts"] + figures["refused"] == figures["attempts"])
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--voters", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--close-after", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    if not 0 < args.close_after <= args.voters:
        parser.error("--close-after must be between 1 and --voters")
    broken = 0
    for rnd in range(args.rounds):
        figures = one_round(args.database_url, args.voters, args.concurrency, args.close_after,
                            args.workers, seed=rnd)
        broken += not figures["ok"]
        print(f"round {rnd + 1}: " + ", ".join(f"{k} {v}" for k, v in figures.items()),
              flush=True)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
