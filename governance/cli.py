"""`flask demo`, `flask audit verify`, `flask mail send`, `flask translate extract|update|
compile`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
audit_cli = AppGroup("audit", help="The audit journal.")
translate_cli = AppGroup("translate", help="Translation catalogs (Babel).")
mail_cli = AppGroup("mail", help="Outgoing mail.")


@audit_cli.command("verify")
def audit_verify():
    """Check the sha256 chain of the journal; exit 1 naming the first broken entry."""
    from .services.journal import head, verify_chain
    checked, broken, why = verify_chain()
    if why == "tail":
        click.echo(f"audit journal broken at its end: after {checked} intact entries it stops "
                   f"before its recorded head ({head()}); entries were removed.", err=True)
        sys.exit(1)
    if broken is not None:
        click.echo(f"audit journal broken at entry {broken.id} ({broken.action}, {broken.at}): "
                   f"{'its hash does not match its content' if why == 'hash' else 'it does not follow the entry before'}"
                   f"; {checked} entries before it are intact.", err=True)
        sys.exit(1)
    click.echo(f"audit journal intact: {checked} entries.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate_cli.command("extract")
def extract():
    """Collect the strings to translate into translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")


@translate_cli.command("update")
def update():
    """Merge messages.pot into the French and English catalogs."""
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching")


@translate_cli.command("compile")
def compile_():
    """Compile the catalogs (.po → .mo); the run and test commands do this."""
    _pybabel("compile", "-d", "translations")


@click.command("demo")
def demo():
    """Load the Smart France group's demo data (idempotent; refuses a real database)."""
    from . import demo as demo_data
    message, ok = demo_data.load()
    click.echo(message, err=not ok)
    if not ok:
        sys.exit(1)


@mail_cli.command("send")
def mail_send():
    """Send the queued notifications (run it from cron); exit 1 when some failed."""
    from .mail_queue import send_queued
    sent, failed = send_queued()
    click.echo(f"{sent} message(s) sent, {failed} failed (retried on the next run).")
    if failed:
        sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(demo)
