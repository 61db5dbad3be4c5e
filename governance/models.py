"""Tables of the governance package: cooperatives, colleges, people, memberships, roles, journal."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .platform.clock import utcnow
from .platform.extensions import MONEY, db, enum_type


class LegalForm(enum.StrEnum):
    SCIC_SA = "scic_sa"
    SCIC_SAS = "scic_sas"
    SCOP_SA = "scop_sa"
    SCOP_SARL = "scop_sarl"
    SCOP_SAS = "scop_sas"
    CAE = "cae"
    SARL_COOP = "sarl_coop"
    BE_SC = "be_sc"
    ASSOCIATION = "association"


class Weighting(enum.StrEnum):
    NONE = "none"
    COLLEGES = "colleges"


class Counting(enum.StrEnum):
    VOTES_CAST = "votes_cast"
    PARTICIPANTS = "participants"
    ROLL = "roll"


class ProxyRule(enum.StrEnum):
    FIXED = "fixed"  # at most `max_proxies` per holder
    SCOP = "scop"  # max(1, floor(N / 20))


class RegisterVisibility(enum.StrEnum):
    HIDDEN = "hidden"  # members see only the summary
    NAMES = "names"  # members see names, colleges and statuses, never contact details


class Category(enum.StrEnum):
    PERMANENT_EMPLOYEE = "permanent_employee"
    ENTREPRENEUR_EMPLOYEE = "entrepreneur_employee"
    USER = "user"
    PARTNER = "partner"
    ASSOCIATED_STRUCTURE = "associated_structure"
    LOCAL_AUTHORITY = "local_authority"
    FOUNDER = "founder"
    OTHER = "other"


class Status(enum.StrEnum):
    CANDIDATE = "candidate"
    ADMITTED = "admitted"
    RESIGNED = "resigned"
    EXCLUDED = "excluded"
    DECEASED = "deceased"


class PersonKind(enum.StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"


class Role(enum.StrEnum):
    ADMIN = "admin"  # secretariat
    BOARD = "board"


class Cooperative(db.Model):
    """A cooperative of the group, with its statutes' parameters (RULES.md defaults)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_form: Mapped[LegalForm] = mapped_column(enum_type(LegalForm))
    nominal_share_value: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    default_locale: Mapped[str] = mapped_column(sa.String(8), default="fr")
    weighting: Mapped[Weighting] = mapped_column(enum_type(Weighting), default=Weighting.NONE)
    # Counting mode, quorum (fraction string or NULL) and majority per assembly kind and call.
    ordinary_counting: Mapped[Counting] = mapped_column(enum_type(Counting),
                                                        default=Counting.VOTES_CAST)
    ordinary_quorum_first: Mapped[str | None] = mapped_column(sa.String(16), default="1/5")
    ordinary_quorum_second: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    ordinary_majority: Mapped[str] = mapped_column(sa.String(16), default="1/2")
    ordinary_majority_strict: Mapped[bool] = mapped_column(default=True)
    extraordinary_counting: Mapped[Counting] = mapped_column(enum_type(Counting),
                                                             default=Counting.VOTES_CAST)
    extraordinary_quorum_first: Mapped[str | None] = mapped_column(sa.String(16), default="1/4")
    extraordinary_quorum_second: Mapped[str | None] = mapped_column(sa.String(16),
                                                                       default="1/5")
    extraordinary_majority: Mapped[str] = mapped_column(sa.String(16), default="2/3")
    extraordinary_majority_strict: Mapped[bool] = mapped_column(default=False)
    notice_days_first: Mapped[int] = mapped_column(default=15)
    notice_days_second: Mapped[int] = mapped_column(default=10)
    proxy_rule: Mapped[ProxyRule] = mapped_column(enum_type(ProxyRule), default=ProxyRule.FIXED)
    max_proxies: Mapped[int] = mapped_column(default=5)
    register_visibility: Mapped[RegisterVisibility] = mapped_column(
        enum_type(RegisterVisibility), default=RegisterVisibility.NAMES)
    # Statutes allow shares to be subscribed partly paid, the rest released later.
    partial_payment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    colleges: Mapped[list[College]] = relationship(back_populates="cooperative",
                                                   order_by="College.position")

    def __str__(self) -> str:
        return self.name


class College(db.Model):
    """A college of a cooperative; `weight` is an exact fraction string such as "3/10"."""

    __table_args__ = (sa.UniqueConstraint("cooperative_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(120))
    weight: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column(default=0)

    cooperative: Mapped[Cooperative] = relationship(back_populates="colleges")


class Person(UserMixin, db.Model):
    """A natural or legal person; a natural person with an email and a password can log in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PersonKind] = mapped_column(enum_type(PersonKind), default=PersonKind.NATURAL)
    first_name: Mapped[str] = mapped_column(sa.String(120), default="")
    last_name: Mapped[str] = mapped_column(sa.String(120), default="")
    legal_name: Mapped[str] = mapped_column(sa.String(200), default="")  # legal persons
    # Lower-cased display name, indexed for the register's search.
    search_name: Mapped[str] = mapped_column(sa.String(320), index=True, default="")
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    address: Mapped[str] = mapped_column(sa.Text, default="")
    # The natural person who speaks for a legal person.
    representative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    # Set when this legal person is itself a cooperative of the group (SmartFr in GrandsEnsemble).
    cooperative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cooperative.id"))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A second factor at login (`services.two_factor`): an authenticator app's TOTP secret,
    # since when, and the last 30-second step accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_since: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    representative: Mapped[Person | None] = relationship(remote_side=[id])
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")

    @property
    def display_name(self) -> str:
        if self.kind == PersonKind.LEGAL:
            return self.legal_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    session_token = None  # this request's login session, not a column (`services.sessions`)

    def get_id(self) -> str:
        """Session id for Flask-Login: the person and their login session's secret token (a
        row of `LoginSession` that logout, a new password or "log out everywhere" ends)."""
        return f"{self.id}.{self.session_token or ''}"

    def refresh_search_name(self) -> None:
        self.search_name = self.display_name.lower()


class Membership(db.Model):
    """A person's place in a cooperative's register of sociétaires."""

    __table_args__ = (
        sa.UniqueConstraint("cooperative_id", "number"),
        sa.UniqueConstraint("cooperative_id", "person_id"),
        # Covers the per-college head counts and the register's status/college filters.
        sa.Index("ix_membership_coop_status_college", "cooperative_id", "status", "college_id"),
        sa.Index("ix_membership_coop_college", "cooperative_id", "college_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    number: Mapped[int]  # sequential per cooperative, never reused
    college_id: Mapped[int | None] = mapped_column(sa.ForeignKey("college.id"))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.CANDIDATE)
    applied_on: Mapped[date | None]
    admitted_on: Mapped[date | None]
    admission_ref: Mapped[str] = mapped_column(sa.String(200), default="")  # board decision
    left_on: Mapped[date | None]
    exit_reason: Mapped[str] = mapped_column(sa.Text, default="")
    email_consent: Mapped[bool] = mapped_column(default=False)
    email_consent_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cooperative: Mapped[Cooperative] = relationship()
    person: Mapped[Person] = relationship(back_populates="memberships")
    college: Mapped[College | None] = relationship()


class CoopRole(db.Model):
    """A person's role in a cooperative beyond membership: secretariat (admin) or board."""

    __table_args__ = (sa.UniqueConstraint("cooperative_id", "person_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))


class AuditEntry(db.Model):
    """One line of the audit journal; `hash` chains it to the entry before (sha256)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(320), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    cooperative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cooperative.id"),
                                                          index=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="{}")  # canonical JSON before/after
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    mac: Mapped[str | None] = mapped_column(sa.String(80))  # `journal_keys.sign(hash)`

    actor: Mapped[Person | None] = relationship()


class SiteMeta(db.Model):
    """Key/value facts about this database (e.g. that it holds demo data only)."""

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class ScheduledRun(db.Model):
    """One run of a scheduled task in one period (`platform.scheduler`): its key lets a single
    instance in."""

    task: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    slot: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(sa.String(200), default="")


class MovementKind(enum.StrEnum):
    SUBSCRIPTION = "subscription"
    RELEASE = "release"  # payment of the unpaid part of shares already subscribed
    TRANSFER = "transfer"
    REIMBURSEMENT = "reimbursement"
    CORRECTION = "correction"  # the reversed copy of the movement it corrects


class RequestStatus(enum.StrEnum):
    QUEUED = "queued"
    PAID = "paid"
    CANCELLED = "cancelled"



class ShareMovement(db.Model):
    """One line of the append-only share ledger; balances are sums over these lines.

    A movement goes from one side to the other, NULL being the cooperative: a subscription has
    no `from`, a reimbursement no `to`, a transfer both. Quantities are never negative.
    """

    __table_args__ = (
        sa.UniqueConstraint("cooperative_id", "number"),
        sa.Index("ix_share_movement_coop_on", "cooperative_id", "on"),
        sa.CheckConstraint("shares >= 0 AND amount_subscribed >= 0 AND amount_paid >= 0",
                           name="non_negative"),
        sa.CheckConstraint("from_membership_id IS NOT NULL OR to_membership_id IS NOT NULL",
                           name="one_side"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    number: Mapped[int]  # sequential per cooperative, given under a lock on the cooperative row
    kind: Mapped[MovementKind] = mapped_column(enum_type(MovementKind))
    on: Mapped[date]
    from_membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("membership.id"),
                                                              index=True)
    to_membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("membership.id"),
                                                            index=True)
    shares: Mapped[int] = mapped_column(default=0)
    amount_subscribed: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    amount_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    reference: Mapped[str] = mapped_column(sa.String(200), default="")  # board decision, form
    # Unique: a movement is corrected at most once.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share_movement.id"),
                                                       unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    from_membership: Mapped[Membership | None] = relationship(
        foreign_keys=[from_membership_id])
    to_membership: Mapped[Membership | None] = relationship(foreign_keys=[to_membership_id])


@sa.event.listens_for(ShareMovement, "before_update")
@sa.event.listens_for(ShareMovement, "before_delete")
def _append_only(_mapper, _conn, target) -> None:
    raise RuntimeError(f"share movement {target.number} is append-only: record a correction")


class ReimbursementRequest(db.Model):
    """A reimbursement waiting for room above the capital floor; paid in `position` order."""

    __table_args__ = (sa.UniqueConstraint("cooperative_id", "position"),
                      sa.Index("ix_reimbursement_request_coop_status", "cooperative_id",
                               "status", "position"))
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("membership.id"), index=True)
    position: Mapped[int]  # request order, sequential per cooperative
    shares: Mapped[int]
    amount_subscribed: Mapped[Decimal] = mapped_column(MONEY)  # capital it takes out
    amount_paid: Mapped[Decimal] = mapped_column(MONEY)  # what the member gets back, as requested
    requested_on: Mapped[date]
    reference: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus),
                                                  default=RequestStatus.QUEUED)
    paid_movement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share_movement.id"),
                                                            unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    membership: Mapped[Membership] = relationship()


# Campaigns and the ledger's derived tables (kept apart: this file stays under ~400 lines).


class LoginSession(db.Model):
    """One login: the cookie holds its token, the table only the token's sha256. A request
    whose session has ended is no longer logged in, whatever copy of the cookie it sends."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    second_factor: Mapped[bool] = mapped_column(default=False)  # opened with a TOTP code


class RecoveryCode(db.Model):
    """A one-time code that replaces the authenticator app at login (its sha256 only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]


class LoginThrottle(db.Model):
    """Failed attempts of one key (a client address, an account, an account on one browser)
    in its window, shared by every worker (`governance.throttle`, when Redis is not used)."""

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    count: Mapped[int]
    first_at: Mapped[int] = mapped_column(sa.BigInteger)  # epoch seconds
    last_at: Mapped[int] = mapped_column(sa.BigInteger)


class QueuedMail(db.Model):
    """A notification waiting to be sent (`flask mail send`); never a ballot's receipt, whose
    tracker must not sit in the database next to the voter's address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(320))
    # the cooperative it is sent for (its secretariat sees it if it cannot be sent)
    cooperative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cooperative.id"),
                                                       index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_at: Mapped[datetime | None]  # by a sender, until sent (or LEASE passed)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")


class Job(db.Model):
    """Work run after the request that asked for it (an import's confirmation), with its
    progress for the page that waits on it (`governance.jobs`). The uploaded file stays only
    until the job ends or expires."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    cooperative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cooperative.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")  # jobs.STATES
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
