"""Accounts: passwords (argon2), authentication, invitations, password reset, language.

Sign-in links (invitation, reset) are signed and expiring (itsdangerous) and single use: they
carry a fingerprint of the account's email and password hash, so they die as soon as a
password is set. Passwords and links are never stored in clear nor written to the journal.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm.attributes import set_committed_value

from ..models import Cooperative, Person, PersonKind, Role
from ..permissions import can_admin, grant
from ..platform import mail
from ..platform.extensions import db
from ..platform.journal import record
from ..platform.messages import register_messages
from ..platform.service import SYSTEM, DomainError, Forbidden, service
from . import sessions

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # argon2 takes any length; this bounds the work per request
INVITE, RESET = "invite", "reset"  # token purposes, used as itsdangerous salts
_MAX_AGE_KEY = {INVITE: "TOKEN_MAX_AGE", RESET: "RESET_MAX_AGE"}

register_messages({
    "link_invalid": _l("This link is not valid. Check that you copied it whole, or ask for a "
                       "new one."),
    "link_expired": _l("This link has expired. Ask for a new one."),
    "link_used": _l("This link has already been used. Log in with your password, or ask for "
                    "a new link if you have forgotten it."),
    "password_too_short": _l("The password must have at least %(min)s characters."),
    "password_too_long": _l("The password must have at most %(max)s characters."),
    "wrong_password": _l("Your current password is not correct."),
    "same_password": _l("The new password must differ from the current one."),
    "password_conflict": _l("Your password was changed meanwhile; nothing was saved."),
    "email_required": _l("The email address is required."),
    "email_taken": _l("%(email)s already has an account."),
    "unknown_role": _l("“%(role)s” is not a role in a cooperative."),
    "not_a_natural_person": _l("%(email)s belongs to a legal person, which cannot log in."),
    "account_inactive": _l("The account of %(email)s is deactivated; a platform administrator "
                           "must reactivate it first."),
    "mail_failed": _l("The email could not be sent, so nothing was changed. Try again later."),
})

ROLE_LABELS = {Role.ADMIN: _l("secretariat (administrator)"), Role.BOARD: _l("board member")}

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that timing does not reveal accounts.
_DUMMY = _hasher.hash("coopgov-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str | None) -> Person | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def can_log_in(person: Person) -> bool:
    """Only active natural persons with an email have an account."""
    return (person.kind == PersonKind.NATURAL and bool(person.email)
            and person.is_active_account)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password or "")
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, else None."""
    person = find_by_email(email)
    stored = person.password_hash if person is not None and person.password_hash else None
    if not _verify(stored, password) or stored is None:
        return None
    return person if can_log_in(person) else None


# --- Sign-in links ---------------------------------------------------------------------------

def fingerprint(person: Person) -> str:
    """Changes whenever the email or the password changes, which kills earlier links."""
    data = f"{person.id}\0{person.email or ''}\0{person.password_hash or ''}"
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(person: Person, purpose: str) -> str:
    """A signed link token for `purpose` (INVITE or RESET); valid until the password changes."""
    return _serializer(purpose).dumps({"p": person.id, "f": fingerprint(person)})


def max_age(purpose: str) -> int:
    return int(current_app.config[_MAX_AGE_KEY[purpose]])


def person_for_token(token: str, purpose: str) -> Person:
    """The person a link was made for; DomainError when it is invalid, expired or used."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise DomainError("link_expired", {}) from None
    except BadData:
        raise DomainError("link_invalid", {}) from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) \
            or not isinstance(data.get("f"), str):
        raise DomainError("link_invalid", {})
    person = db.session.get(Person, data["p"])
    if person is None or not can_log_in(person):
        raise DomainError("link_invalid", {})
    if not hmac.compare_digest(data["f"], fingerprint(person)):
        raise DomainError("link_used", {})
    return person


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short", {"min": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError("password_too_long", {"max": MAX_PASSWORD_LENGTH})


def _store_password(person: Person, password: str, *, conflict: str) -> None:
    """Compare-and-set the hash: of two requests racing with one link, only one succeeds."""
    _check_password(password)
    old, new = person.password_hash, hash_password(password)
    unchanged = Person.password_hash.is_(None) if old is None else Person.password_hash == old
    result = db.session.execute(
        sa.update(Person).where(Person.id == person.id, unchanged).values(password_hash=new)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(conflict, {})
    set_committed_value(person, "password_hash", new)
    sessions.end_others(person)  # a new password ends the account's other sessions


def _send(person: Person, locale: str | None, subject, paragraphs) -> None:
    """Compose in the recipient's language and send; refuse the whole change if it fails."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject_text = str(subject())
        body = "\n\n".join(str(p) for p in paragraphs()) + "\n"
    try:
        mail.send(person.email, subject_text, body)
    except mail.MailError:
        raise DomainError("mail_failed", {}) from None


def _validity(purpose: str) -> str:
    return format_timedelta(timedelta(seconds=max_age(purpose)), threshold=1)


# --- Services ---------------------------------------------------------------------------------

@service
def invite(actor: Person, coop: Cooperative, email: str, first_name: str, last_name: str,
           role: str | None = None) -> Person:
    """Invite a person into a cooperative, with an optional role, and email them a link.

    Secretariat of the cooperative or platform admin. An unknown email creates the person
    (without a password); a known account keeps its name and is only given the role.
    """
    if not can_admin(actor, coop):
        raise Forbidden()
    email = normalise_email(email)
    if not email:
        raise DomainError("email_required", {})
    try:
        role_value = Role(role) if role else None
    except ValueError:
        raise DomainError("unknown_role", {"role": role}) from None
    person = find_by_email(email)
    created = person is None
    if created:
        person = Person(kind=PersonKind.NATURAL, first_name=first_name.strip(),
                        last_name=last_name.strip(), email=email)
        person.refresh_search_name()
        db.session.add(person)
        db.session.flush()
    elif person.kind != PersonKind.NATURAL:
        raise DomainError("not_a_natural_person", {"email": email})
    elif not person.is_active_account:
        raise DomainError("account_inactive", {"email": email})
    if role_value is not None:
        grant(person, coop, role_value)
    db.session.flush()
    record(actor, "account.invite", "person", person.id, cooperative_id=coop.id,
           after={"email": email, "role": role_value.value if role_value else None,
                  "new_person": created})
    _send_invitation(actor, coop, person, role_value)
    return person


def _send_invitation(actor: Person, coop: Cooperative, person: Person, role: Role | None) -> None:
    if person.password_hash:  # an account already: a note and the login page
        url, purpose = url_for("auth.login", _external=True), None
    else:
        url, purpose = url_for("auth.accept", token=make_token(person, INVITE),
                               _external=True), INVITE

    def paragraphs():
        yield _("Hello %(name)s,", name=person.display_name or person.email)
        yield _("%(inviter)s invites you to %(coop)s on coopgov, where the cooperative keeps "
                "its register, its general assemblies and its votes.",
                inviter=actor.display_name or actor.email, coop=coop.name)
        if role is not None:
            yield _("You will take part as %(role)s.", role=ROLE_LABELS[role])
        if purpose is None:
            yield _("You already have an account: log in with your usual password at\n%(url)s",
                    url=url)
        else:
            yield _("To accept, choose your password at this address:\n%(url)s", url=url)
            yield _("The link works once, for %(validity)s. If it has expired, ask for a new "
                    "password from the login page.", validity=_validity(INVITE))
        yield _("If you did not expect this message, you can ignore it.")

    _send(person, person.locale or coop.default_locale,
          lambda: _("Your invitation to %(coop)s on coopgov", coop=coop.name), paragraphs)


@service
def accept_invitation(token: str, password: str) -> Person:
    """The invited person chooses their password; the link dies with it. Anyone with the link."""
    person = person_for_token(token, INVITE)
    _store_password(person, password, conflict="link_used")
    record(person, "account.password_set", "person", person.id)
    return person


@service
def request_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way. Anyone."""
    person = find_by_email(email)
    if person is None or not can_log_in(person):
        return
    url = url_for("auth.reset", token=make_token(person, RESET), _external=True)

    def paragraphs():
        yield _("Hello %(name)s,", name=person.display_name or person.email)
        yield _("Someone, probably you, asked to choose a new password for your coopgov "
                "account. To do so, open this address:\n%(url)s", url=url)
        yield _("The link works once, for %(validity)s.", validity=_validity(RESET))
        yield _("If you did not ask for it, ignore this message: your password stays as it is.")

    try:
        _send(person, person.locale, lambda: _("Choose a new coopgov password"), paragraphs)
    except DomainError:
        # Answering differently would reveal that the account exists; the log tells operators.
        current_app.logger.error("reset link for person %s could not be sent", person.id)
        return
    record(SYSTEM, "account.reset_requested", "person", person.id)


@service
def reset_password(token: str, password: str) -> Person:
    """Set a new password from a reset link; the link dies with it. Anyone with the link."""
    person = person_for_token(token, RESET)
    _store_password(person, password, conflict="link_used")
    record(person, "account.password_reset", "person", person.id)
    return person


@service
def change_password(actor: Person, current: str, new: str) -> Person:
    """A logged-in person changes their own password, proving the current one."""
    if actor is None or not actor.is_authenticated or not can_log_in(actor):
        raise Forbidden()
    if not actor.password_hash or not _verify(actor.password_hash, current):
        raise DomainError("wrong_password", {})
    if current == new:
        raise DomainError("same_password", {})
    _store_password(actor, new, conflict="password_conflict")
    record(actor, "account.password_change", "person", actor.id)
    return actor


@service
def set_locale(person: Person, locale: str) -> None:
    """A person chooses their language; stored on the account."""
    if person.locale != locale:
        person.locale = locale
        record(person, "account.locale", "person", person.id, after={"locale": locale})


@service
def create_platform_admin(email: str, first_name: str, last_name: str, password: str) -> Person:
    """The first account of a new site (`flask accounts create-admin`, run by the operator):
    a platform administrator, who then creates the cooperatives and invites the others."""
    address = normalise_email(email)
    if not address or "@" not in address:
        raise DomainError("email_required", {})
    if find_by_email(address) is not None:
        raise DomainError("email_taken", {"email": address})
    _check_password(password)
    person = Person(email=address, first_name=first_name.strip(), last_name=last_name.strip(),
                    search_name=f"{first_name} {last_name}".strip().lower(),
                    password_hash=hash_password(password), is_platform_admin=True)
    db.session.add(person)
    db.session.flush()
    record(SYSTEM, "account.create_admin", "person", person.id, after={"email": address})
    return person
