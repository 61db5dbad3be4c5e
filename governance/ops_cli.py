"""The operator's commands: `flask doctor`, `flask backup FILE`, `flask restore FILE`,
`flask clock`, `flask worker`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

MARKS = {"ok": "ok     ", "warning": "warning", "problem": "PROBLEM"}


@click.command("doctor")
def doctor():
    """Check this deployment (settings, database and migrations, Redis, mail, clock) and say
    in plain words what is wrong; exit 1 when something would stop the site serving."""
    from .platform.health import doctor as checks
    found = checks()
    for check in found:
        click.echo(f"{MARKS[check.level]}  {check.name}: {check.text}")
    problems = sum(c.level == "problem" for c in found)
    warnings = sum(c.level == "warning" for c in found)
    click.echo(f"{problems} problem(s), {warnings} warning(s).")
    sys.exit(1 if problems else 0)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path):
    """Write the whole database to FILE (a new file, readable by its owner only). The journal's
    keys are not in it: keep them apart (docs/deploy.md)."""
    from .platform.backup import BackupError
    from .platform.backup import backup as write
    try:
        size, digest = write(file)
    except BackupError as err:
        click.echo(f"backup refused: {err}", err=True)
        sys.exit(1)
    click.echo(f"backup written: {file} ({size:,} bytes, sha256 {digest})")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def restore(file: Path):
    """Load FILE, written by `flask backup`, into the configured database, which must be empty;
    all or nothing. Then run `flask audit verify`."""
    from .platform.backup import BackupError
    from .platform.backup import restore as load
    try:
        tables = load(file)
    except BackupError as err:
        click.echo(f"restore refused: {err}", err=True)
        sys.exit(1)
    click.echo(f"restored {tables} tables from {file}; now check it: flask --app app audit "
               f"verify")


@click.command("clock")
@click.option("--once", is_flag=True, help="Run the tasks due now, then exit (for cron).")
@click.option("--at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S"]), hidden=True,
              help="With --once: as if it were this UTC time (tests of several clocks).")
def clock(once: bool, at):
    """Run the scheduled tasks (closing votes at their time, the mail queue's retries), each
    once per period however many instances run the clock; every 10 s until stopped."""
    from .platform import scheduler
    if once:
        done = scheduler.tick(at)
        click.echo("; ".join(f"{name}: {outcome}" for name, outcome in done.items())
                   or "nothing due: this period's tasks already ran")
        return
    scheduler.forever()


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass over the queue, then exit.")
def worker(once: bool):
    """Run the queued jobs (imports) and send the queued mail, with JOBS=worker; start as
    many as needed, on any instance: each job and message is taken by one worker."""
    from .platform import worker as work
    if once:
        click.echo(", ".join(f"{k} {v}" for k, v in work.once().items()))
        return
    work.forever()
