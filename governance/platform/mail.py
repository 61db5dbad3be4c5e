"""Outgoing email: SMTP when MAIL_SERVER is set, else an .eml file in `<instance>/outbox/`.

The outbox keeps development and tests honest: every message a deployment would send is
written whole, and the log says where. Bodies are never logged (they carry sign-in links).
"""
from __future__ import annotations

import secrets
import smtplib
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from .extensions import db


class MailError(Exception):
    """The message could not be handed to the mail server."""


def _one_line(text: str) -> str:
    # Headers must not carry line breaks (they would inject headers).
    return " ".join(str(text).split())


def build(to: str, subject: str, body_text: str, *, cte: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = _one_line(to)
    msg["Subject"] = _one_line(subject)
    msg["Date"] = format_datetime(datetime.now(UTC))
    addresses = getattr(msg["From"], "addresses", ())
    msg["Message-ID"] = make_msgid(domain=(addresses[0].domain if addresses else None) or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body_text, cte=cte)
    return msg


def _outbox_write(msg: EmailMessage) -> Path:
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(msg))
    path.chmod(0o600)  # the message may hold a sign-in link
    return path


def connect(stack: ExitStack) -> smtplib.SMTP:
    """An SMTP connection (TLS and login as configured), closed with `stack`."""
    cfg = current_app.config
    smtp = stack.enter_context(smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30))
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    return smtp


class Mailer:
    """Sends plain-text messages over one connection to the mail server, opened by the first
    message and closed with the `with` block, so that a batch does not pay a connection (and a
    TLS handshake) per message. Without MAIL_SERVER each message is an .eml file in the outbox.
    After a failure, the next message opens a new connection."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._smtp = None
        try:
            self._stack.close()  # QUIT
        except (OSError, smtplib.SMTPException):
            pass

    def send(self, to: str, subject: str, body_text: str) -> Path | None:
        """Send one message; return the .eml path when written to the outbox.

        Raises `MailError` when the SMTP server refuses or cannot be reached.
        """
        if not current_app.config.get("MAIL_SERVER"):
            # 8bit keeps links whole when a developer reads the file as text.
            msg = build(to, subject, body_text, cte="8bit")
            path = _outbox_write(msg)
            current_app.logger.info("mail written to %s", path)  # no address in the log
            return path
        msg = build(to, subject, body_text)
        try:
            if self._smtp is None:
                self._smtp = connect(self._stack)
            self._smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as err:
            self.close()
            current_app.logger.error("mail not sent: %s %s", type(err).__name__,
                                     getattr(err, "smtp_code", ""))  # no address in the log
            raise MailError(str(err)) from err
        current_app.logger.info("mail sent through %s", current_app.config["MAIL_SERVER"])
        return None


def send(to: str, subject: str, body_text: str) -> Path | None:
    """Send one plain-text message on its own connection (`Mailer.send`)."""
    with Mailer() as mailer:
        return mailer.send(to, subject, body_text)


_BACKGROUND: ThreadPoolExecutor | None = None


def in_background(work) -> None:
    """Run `work()` after this request, in this process's mail thread and an app context, so
    that no page waits for the mail server (at once under TESTING, for the tests)."""
    app = current_app._get_current_object()
    if app.testing:
        work()
        return

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception:  # noqa: BLE001 - a background thread must not die silently
                app.logger.exception("background mail work failed")
            finally:
                db.session.remove()

    global _BACKGROUND
    if _BACKGROUND is None:
        _BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
    _BACKGROUND.submit(run)


_WAITING: list[tuple[str, str, str]] = []  # this process's messages for `send_after`
_WAITING_LOCK = threading.Lock()
GATHER_S = 0.25  # how long the mail thread waits for more messages before it sends a batch


def send_after(to: str, subject: str, body_text: str) -> None:
    """Send a message after the request (`in_background`), in a batch: the mail thread waits
    GATHER_S for more, then sends all that waits over one connection. A thread switch per
    message would cost the workers more CPU than writing the message. Nothing is stored on
    the way (a receipt holds a tracking code); a failure is logged by `Mailer.send`."""
    with _WAITING_LOCK:
        _WAITING.append((to, subject, body_text))
        first = len(_WAITING) == 1  # the others join the batch this one starts
    if first:
        in_background(_send_waiting)


def _send_waiting() -> None:
    if not current_app.testing:
        time.sleep(GATHER_S)
    with _WAITING_LOCK:
        batch = _WAITING[:]
        _WAITING.clear()
    with Mailer() as mailer:
        for message in batch:
            try:
                mailer.send(*message)
            except MailError:
                pass  # logged by `Mailer.send`
            except Exception:  # noqa: BLE001 - one bad message must not lose the others
                current_app.logger.exception("mail not sent")
