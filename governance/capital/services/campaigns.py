"""Capital campaigns: a partner's subscriptions matched by the others' (the "1+1" plan)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...models import Cooperative, Membership, Person
from ...platform.extensions import db
from ...platform.journal import record
from ...platform.service import DomainError, service
from ...rules import fraction_str
from ...services.register import require_admin
from .. import rules
from ..models import CapitalCampaign


@dataclass
class CampaignDraft:
    title: str
    partner: Membership | None
    target: object  # an amount in euros: Decimal or text ("3 000 000", "1500,50")
    starts_on: date | None
    deadline: date | None
    match_ratio: str = "1"


@service
def create_campaign(actor: Person, coop: Cooperative, draft: CampaignDraft) -> CapitalCampaign:
    """Open a capital campaign with a matching partner. Secretariat only; journaled."""
    require_admin(actor, coop)
    title = (draft.title or "").strip()
    if not title:
        raise DomainError("campaign_title_required", {})
    if draft.partner is None:
        raise DomainError("campaign_partner_required", {})
    if draft.partner.cooperative_id != coop.id:
        raise DomainError("other_cooperative", {})
    try:
        target = rules.check_campaign(str(draft.target or "").replace(" ", "")
                                      .replace("\u202f", "").replace("\u00a0", ""),
                                      draft.starts_on, draft.deadline)
        ratio = rules.parse_ratio(draft.match_ratio or "1")
    except rules.RuleError as err:
        raise DomainError(err.code, err.params) from None
    campaign = CapitalCampaign(
        cooperative_id=coop.id, title=title[:200], partner_membership_id=draft.partner.id,
        target=target, match_ratio=fraction_str(ratio), starts_on=draft.starts_on,
        deadline=draft.deadline, created_by_id=actor.id if actor else None)
    db.session.add(campaign)
    db.session.flush()
    record(actor, "capital.campaign_create", "capital_campaign", campaign.id,
           cooperative_id=coop.id,
           after={"title": campaign.title, "partner": draft.partner.number, "target": target,
                  "ratio": campaign.match_ratio, "starts_on": draft.starts_on,
                  "deadline": draft.deadline})
    return campaign
