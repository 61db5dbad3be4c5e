"""The group's wall-clock time. Moments are stored as naive UTC; legal delays (a convocation's
notice) and meeting dates are counted in the calendar days of where the cooperatives are."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

GROUP_TZ = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """Now, as the database stores it: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The calendar day, in the group's time, of a moment (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(GROUP_TZ).date()
