"""`flask demo`, `flask audit verify`, `flask mail send|failed|retry`, `flask translate
extract|update|compile`, `flask accounts reset-second-factor`."""
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
accounts_cli = AppGroup("accounts", help="People's accounts.")


@audit_cli.command("verify")
@click.option("--anchor", default=None, metavar="ID:HASH",
              help="A head printed in minutes or exported earlier: the journal must hold it.")
def audit_verify(anchor):
    """Check the journal's chain, each entry's mac and, given one, an anchor; exit 1 naming
    the first broken entry."""
    from .platform.journal import head, verify_chain
    checked, broken, why = verify_chain(anchor=anchor)
    if why == "tail":
        click.echo(f"audit journal broken at its end: after {checked} intact entries it stops "
                   f"before its recorded head ({head()}); entries were removed.", err=True)
        sys.exit(1)
    if why == "anchor":
        click.echo(f"audit journal does not hold the anchor {anchor}: entries up to it were "
                   f"changed or removed ({checked} entries checked).", err=True)
        sys.exit(1)
    if broken is not None:
        reason = {"hash": "its hash does not match its content",
                  "prev_hash": "it does not follow the entry before",
                  "mac": "its mac does not match (rewritten without the journal's key, or "
                         "written before macs: run `flask audit sign-unsigned` once)"}[why]
        click.echo(f"audit journal broken at entry {broken.id} ({broken.action}, {broken.at}): "
                   f"{reason}; {checked} entries before it are intact.", err=True)
        sys.exit(1)
    click.echo(f"audit journal intact: {checked} entries; head {head()}"
               + (f"; anchor {anchor} found." if anchor else "."))


@audit_cli.command("head")
def audit_head():
    """Print the journal's head ("<id>:<hash>"), to keep outside the site as an anchor."""
    from .platform.journal import head
    click.echo(head() or "empty")


@audit_cli.command("rotate-key")
def audit_rotate_key():
    """Add a new key to the instance folder's audit_keys; new entries are signed with it,
    older ones still verify with theirs. Restart the servers after."""
    from .platform.journal_keys import rotate
    click.echo(f"audit key {rotate()} added; restart the servers to sign with it.")


@audit_cli.command("sign-unsigned")
def audit_sign_unsigned():
    """Once after upgrading to authenticated entries: sign the older ones, if their chain holds."""
    from .platform.journal import sign_unsigned
    try:
        click.echo(f"{sign_unsigned()} entries signed.")
    except ValueError as err:
        click.echo(f"audit journal broken ({err}): nothing signed.", err=True)
        sys.exit(1)


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
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations",
             "--no-fuzzy-matching")


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
    from .platform.mail_queue import send_queued
    sent, failed = send_queued()
    click.echo(f"{sent} message(s) sent, {failed} failed (retried on the next run).")
    if failed:
        sys.exit(1)


@mail_cli.command("failed")
def mail_failed():
    """List the messages given up after their last attempt (the dead letters)."""
    from .platform.mail_queue import MAX_ATTEMPTS, given_up
    letters = given_up()
    for mail in letters:
        click.echo(f"{mail.id}\t{mail.created_at:%Y-%m-%d %H:%M}\t{mail.to}\t{mail.subject}"
                   f"\t{mail.last_error}")
    click.echo(f"{len(letters)} message(s) given up after {MAX_ATTEMPTS} attempts; "
               f"`flask mail retry --all` (or IDs) puts them back in the queue.")


@mail_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every given-up message.")
def mail_retry(ids, every):
    """Put given-up messages back in the queue (the clock sends them within a minute)."""
    from .platform.mail_queue import try_again
    if not ids and not every:
        click.echo("name the messages' ids (flask mail failed lists them), or --all", err=True)
        sys.exit(2)
    from .platform.extensions import db
    again = try_again(None if every else list(ids))
    db.session.commit()
    click.echo(f"{len(again)} message(s) back in the queue.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.option("--first-name", default="", help="Their first name.")
@click.option("--last-name", default="", help="Their last name.")
@click.password_option(help="Asked twice, hidden, when not given.")
def create_admin(email, first_name, last_name, password):
    """Create the first account of a new site: a platform administrator (who creates the
    cooperatives and invites everyone else). They set up a second factor at first login."""
    from flask_babel import force_locale

    from .platform.messages import message
    from .platform.service import DomainError
    from .services.accounts import create_platform_admin
    try:
        person = create_platform_admin(email, first_name, last_name, password)
    except DomainError as err:
        with force_locale("en"):
            click.echo(f"refused: {message(err.code, err.params)}", err=True)
        sys.exit(1)
    click.echo(f"{person.email}: platform administrator created; journaled as "
               f"account.create_admin.")


@accounts_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email):
    """Turn off EMAIL's second factor (a lost phone and lost recovery codes), once you have
    checked who asks; they set it up again at their next login."""
    from .platform.service import DomainError
    from .services import two_factor
    try:
        two_factor.reset(email)
    except DomainError:
        click.echo(f"{email}: no account with a second factor.", err=True)
        sys.exit(1)
    click.echo(f"{email}: second factor turned off; journaled as account.totp_reset.")


def register(app: Flask) -> None:
    from . import ops_cli
    for command in (ops_cli.doctor, ops_cli.backup, ops_cli.restore, ops_cli.clock,
                    ops_cli.worker):
        app.cli.add_command(command)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(demo)
