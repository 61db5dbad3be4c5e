"""Benchmark of several instances on one database: casts through one gunicorn instance, then
through two instances on two ports (one PostgreSQL, one Redis), side by side.

    .venv/bin/python -m bench.instances_bench [--database-url URL] [--voters 4000] [--workers 2]

Loads a throw-away cooperative and an open vote as `bench.vote_bench` does (its helpers), forges
each voter's session, then: phase "one instance" sends the first half of the voters' casts to
instance A; phase "two instances" sends the second half split between A and B at once (each
half from its own load process), at the same total concurrency. Both instances share the
database, Redis (REDIS_URL) and the secret key. Afterwards every voter must have exactly one
ballot and one emargement (no double vote), and the choices in the box must be those sent.
The report is printed and written to bench/results/instances-postgresql.md.

On one machine the instances share its cores: two instances cannot add CPU there, and the
figure to read is that the second instance costs nothing and loses nothing. Throughput grows
with instances when each has its own machine (and the database has spare capacity).
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa

from bench.common import guard
from bench.register_bench import ensure_postgres_database, reset_database
from bench.vote_bench import (
    CHOICES,
    RESULTS,
    check_box,
    drive,
    forge,
    free_port,
    http_request,
    load,
    make_app,
    pct,
    start_server,
    stop_server,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_bench_instances"


def casts(data, forged, ports: list[int], cookie_name: str,
          rng) -> tuple[list[list[bytes]], Counter]:
    """The cast requests of `forged` voters, dealt in turn to `ports`; and the choices sent."""
    sent, per_port = Counter(), [[] for _ in ports]
    for i, (cookie, token) in enumerate(forged):
        choice = rng.choice(CHOICES)
        sent[choice] += 1
        port = ports[i % len(ports)]
        per_port[i % len(ports)].append(http_request(
            "POST", f"/votes/{data.vote_id}/cast", port, cookie=cookie, cookie_name=cookie_name,
            form={"csrf_token": token, "choice": choice}))
    return per_port, sent


def phase(pool, name: str, ports: list[int], requests: list[list[bytes]], concurrency: int):
    """Drive every port's requests at once; (requests, wall seconds, latencies, errors)."""
    started = time.perf_counter()
    futures = [pool.submit(drive, port, f"{name} :{port}", reqs, concurrency // len(ports),
                           "cast") for port, reqs in zip(ports, requests, strict=True)]
    results = [f.result() for f in futures]
    wall = time.perf_counter() - started
    latencies = [x for r in results for x in r.latencies]
    return (sum(len(r) for r in requests), wall, latencies, sum(r.errors for r in results),
            sum((Counter(r.statuses) for r in results), Counter()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_INSTANCES_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--voters", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    url = sa.make_url(args.database_url).set(drivername="postgresql+psycopg")
    url_s = url.render_as_string(hide_password=False)
    guard(url, args.force)
    ensure_postgres_database(url)
    reset_database(url_s)
    secret_key = secrets.token_hex(32)
    app = make_app(url_s, secret_key)
    data = load(app, args.voters, args.seed, with_email=False)
    forged = forge(app, data.voters)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    rng = random.Random(args.seed)
    ports = [free_port(), free_port()]
    half = len(forged) // 2
    one, sent_one = casts(data, forged[:half], ports[:1], cookie_name, rng)
    two, sent_two = casts(data, forged[half:], ports, cookie_name, rng)

    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {"REDIS_URL": args.redis_url}
    servers = []
    try:
        for port in ports:
            servers.append(start_server(url_s, secret_key, port, args.workers, 1,
                                        RESULTS / f"instances-{port}.log", env=env))
        with ProcessPoolExecutor(2) as pool:
            for port in ports:  # every worker imported and connected before the timing
                pool.submit(drive, port, "warm-up", [http_request("GET", "/healthz", port)] * 200,
                            4, "bare").result()
            rows = [("one instance", *phase(pool, "one", ports[:1], one, args.concurrency)),
                    ("two instances", *phase(pool, "two", ports, two, args.concurrency))]
    finally:
        for server in servers:
            stop_server(server)
    box = check_box(app, data.vote_id, sent_one + sent_two)

    lines = [f"# Several instances on one database ({args.voters:,} voters, {args.workers} "
             f"gunicorn workers per instance, {args.concurrency} concurrent connections in all, "
             f"{os.cpu_count()} cores)", "",
             "| | casts | req/s | p50 | p99 | errors | statuses |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, n, wall, latencies, errors, statuses in rows:
        lines.append(f"| {name} | {n:,} | {n / wall:.0f} | {pct(latencies, .5) * 1000:.0f} ms | "
                     f"{pct(latencies, .99) * 1000:.0f} ms | {errors} | "
                     f"{', '.join(f'{k}: {v:,}' for k, v in sorted(statuses.items()))} |")
    ok = (box["ballots"] == box["emargements"] == box["roll voted"] == args.voters
          and box["choices match"])
    lines += ["", f"Ballots {box['ballots']:,}, emargements {box['emargements']:,}, roll entries "
              f"voted {box['roll voted']:,} for {args.voters:,} voters; choices in the box "
              f"{'equal' if box['choices match'] else 'DIFFERENT from'} those sent: "
              f"{'no double vote, nothing lost' if ok else 'FAILED'}."]
    report = "\n".join(lines) + "\n"
    print(report)
    (RESULTS / "instances-postgresql.md").write_text(report)
    return 0 if ok and all(r[4] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
