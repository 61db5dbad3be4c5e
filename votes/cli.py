"""`flask votes verify FILE`: recount a published ballot box; no database, no network."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .blueprint import bp
from .verifying import report


@bp.cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fingerprint", metavar="HEX",
              help="The vote's fingerprint published when it opened (vote page, journal, "
                   "notice): the box must carry the same.")
def verify_command(file: Path, fingerprint: str | None) -> None:
    """Check and recount a published ballot box (coopgov-ballot-box/3, /2 or /1).

    Exit 0 printing the recomputed result, 1 listing every problem, 2 if FILE is unreadable.
    """
    try:
        data = file.read_bytes()
    except OSError as err:
        click.echo(f"cannot read {file}: {err.strerror or err}", err=True)
        sys.exit(2)
    code, out, err = report(str(file), data, fingerprint)
    if out:
        click.echo(out)
    if err:
        click.echo(err, err=True)
    sys.exit(code)


@bp.cli.command("close-due")
def close_due_command() -> None:
    """Close every open vote whose closing time has passed (run it from cron every minute)."""
    from .services import close_due
    click.echo(f"{close_due()} vote(s) closed.")
