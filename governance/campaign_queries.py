"""Reads of capital campaigns: the campaigns of a cooperative and where each one stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from . import rules
from .capital_models import CapitalCampaign
from .capital_queries import _money
from .extensions import db
from .models import Cooperative, MovementKind, ShareMovement

M = ShareMovement


@dataclass
class CampaignLine:
    campaign: CapitalCampaign
    progress: rules.CampaignProgress


def campaigns(coop: Cooperative) -> list[CapitalCampaign]:
    return list(db.session.scalars(sa.select(CapitalCampaign).where(
        CapitalCampaign.cooperative_id == coop.id).order_by(CapitalCampaign.starts_on.desc(),
                                                             CapitalCampaign.id.desc())))


def progress(campaign: CapitalCampaign, today: date | None = None) -> rules.CampaignProgress:
    """Subscriptions of the campaign's period, the partner's apart (a corrected subscription
    does not count), summed in SQL and matched by `rules.campaign_progress`."""
    corrected = sa.select(M.corrects_id).where(M.cooperative_id == campaign.cooperative_id,
                                               M.corrects_id.is_not(None))
    is_partner = M.to_membership_id == campaign.partner_membership_id
    rows = db.session.execute(
        sa.select(is_partner, sa.func.sum(M.amount_subscribed)).where(
            M.cooperative_id == campaign.cooperative_id, M.kind == MovementKind.SUBSCRIPTION,
            M.on >= campaign.starts_on, M.on <= campaign.deadline, M.id.not_in(corrected))
        .group_by(is_partner))
    sums = [(campaign.partner_membership_id if partner else None, campaign.starts_on,
             _money(amount)) for partner, amount in rows]
    return rules.campaign_progress(sums, campaign.partner_membership_id,
                                   rules.parse_ratio(campaign.match_ratio), campaign.target,
                                   campaign.starts_on, campaign.deadline, today or date.today())


def campaign_lines(coop: Cooperative, today: date | None = None) -> list[CampaignLine]:
    return [CampaignLine(c, progress(c, today)) for c in campaigns(coop)]
