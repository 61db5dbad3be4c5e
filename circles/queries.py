"""Reads of circles shared by several views and by the contributions package."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from governance.extensions import db

from .models import Circle, CircleMember, CircleRole, RoleAssignment, RoleKind


def _holding(day: date):
    return sa.and_(RoleAssignment.starts_on <= day,
                   sa.or_(RoleAssignment.ends_on.is_(None), RoleAssignment.ends_on >= day))


def reviewer_ids(circle_id: int, day: date) -> set[int]:
    """Who may review the circle's contributions on `day`: the holders of its lead link and of
    its roles marked `reviews`."""
    return set(db.session.scalars(
        sa.select(RoleAssignment.person_id).join(CircleRole)
        .where(CircleRole.circle_id == circle_id, _holding(day),
               sa.or_(CircleRole.kind == RoleKind.LEAD_LINK, CircleRole.reviews))))


def reviewed_circle_ids(person_id: int, day: date) -> set[int]:
    """The circles whose contributions the person may review on `day`."""
    return set(db.session.scalars(
        sa.select(CircleRole.circle_id).join(RoleAssignment)
        .where(RoleAssignment.person_id == person_id, _holding(day),
               sa.or_(CircleRole.kind == RoleKind.LEAD_LINK, CircleRole.reviews))))


def circles_of(person_id: int, cooperative_id: int, day: date) -> list[Circle]:
    """The circles of the cooperative the person is a member of on `day`, by name."""
    return list(db.session.scalars(
        sa.select(Circle).join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(Circle.cooperative_id == cooperative_id, CircleMember.person_id == person_id,
               CircleMember.joined_on <= day,
               sa.or_(CircleMember.left_on.is_(None), CircleMember.left_on >= day))
        .order_by(Circle.name).distinct()))


def is_member(circle_id: int, person_id: int, day: date) -> bool:
    return db.session.scalar(sa.select(CircleMember.id).where(
        CircleMember.circle_id == circle_id, CircleMember.person_id == person_id,
        CircleMember.joined_on <= day,
        sa.or_(CircleMember.left_on.is_(None), CircleMember.left_on >= day)).limit(1)) is not None
