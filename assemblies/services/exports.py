"""Exports that name people (the attendance sheet, the proxies) leave the platform journaled."""
from __future__ import annotations

from governance.models import Person
from governance.permissions import can_see_contacts
from governance.platform.service import Forbidden, service

from ..models import Assembly
from . import journal


@service
def record_export(actor: Person, assembly: Assembly, what: str, count: int) -> None:
    """Journal that the attendance sheet or the proxies were exported (secretariat or board of
    the host cooperative)."""
    if not can_see_contacts(actor, assembly.cooperative):
        raise Forbidden()
    journal(actor, assembly, f"assembly.export_{what}", after={"count": count})
