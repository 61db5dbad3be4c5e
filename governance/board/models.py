"""Tables of the board: mandates, meetings, attendance (re-exported by `governance.models`).

An active mandate also gives its holder the `board` role (`CoopRole`), kept in step by
`services.board`, so that board votes and the register's contact details follow the mandates.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..models import Person
from ..platform.clock import utcnow
from ..platform.extensions import db, enum_type


class MandateRole(enum.StrEnum):
    PRESIDENT = "president"
    MANAGING_DIRECTOR = "managing_director"
    DIRECTOR = "director"
    PERMANENT_REPRESENTATIVE = "permanent_representative"  # of a legal person on the board


class MinutesState(enum.StrEnum):
    NONE = "none"
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    REPRESENTED = "represented"
    EXCUSED = "excused"
    ABSENT = "absent"


class BoardMandate(db.Model):
    """A person's mandate on the board of a cooperative, from `starts_on` to `ends_on`."""

    __table_args__ = (sa.Index("ix_board_mandate_coop_person", "cooperative_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    role: Mapped[MandateRole] = mapped_column(enum_type(MandateRole))
    # The legal person (a sociétaire) a permanent representative sits for.
    represents_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    college_code: Mapped[str | None] = mapped_column(sa.String(32))  # college represented
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # last day in office; NULL while it runs
    end_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    represents: Mapped[Person | None] = relationship(foreign_keys=[represents_person_id])


class BoardMeeting(db.Model):
    """A meeting of the board, its agenda and its minutes (drafted, approved, published)."""

    __table_args__ = (sa.Index("ix_board_meeting_coop_held", "cooperative_id", "held_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(sa.ForeignKey("cooperative.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_at: Mapped[datetime]  # wall-clock time where the board meets (Paris)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")  # one item a line
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_state: Mapped[MinutesState] = mapped_column(enum_type(MinutesState),
                                                        default=MinutesState.NONE)
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    # The later meeting at which these minutes were approved.
    approved_at_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("board_meeting.id"))
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    drafted_by: Mapped[Person | None] = relationship(foreign_keys=[drafted_by_id])
    approved_at_meeting: Mapped[BoardMeeting | None] = relationship(
        remote_side=[id], foreign_keys=[approved_at_meeting_id])

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class BoardAttendance(db.Model):
    """Whether a board member came to a meeting, and who held their proxy."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("board_meeting.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus))
    represented_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    represented_by: Mapped[Person | None] = relationship(foreign_keys=[represented_by_id])
