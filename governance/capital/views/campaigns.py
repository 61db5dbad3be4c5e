"""Capital campaigns with a matching rule: the list (and creation form), a campaign's page."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...permissions import can_admin
from ...platform.messages import register_messages
from ...views.common import child_or_404, load_coop, run
from .. import queries as q
from ..blueprint import bp
from ..forms import CampaignForm
from ..models import CapitalCampaign
from ..services.campaigns import CampaignDraft, create_campaign

register_messages({
    "campaign_title_required": _l("Give the campaign a title."),
    "campaign_partner_required": _l("Give the membership number of the matching partner."),
    "campaign_ratio": _l("“%(value)s” is not a matching ratio: write 1 (one euro for one "
                         "euro), 1/2 or 2, more than 0."),
    "campaign_deadline_before": _l("The deadline is before the start."),
})


@bp.route("/c/<slug>/capital/campaigns", methods=["GET", "POST"])
@login_required
def campaigns(slug):
    """The cooperative's capital campaigns (any role); the secretariat opens a new one here."""
    coop = load_coop(slug)
    admin = can_admin(current_user, coop)
    form = CampaignForm()
    status = 200
    if form.is_submitted() and not admin:
        abort(403)
    if form.validate_on_submit():
        partner = form.partner.membership(coop.id)
        if partner is not None:
            campaign = run(lambda: create_campaign(current_user, coop, CampaignDraft(
                title=form.title.data, partner=partner, target=form.target.data,
                starts_on=form.starts_on.data, deadline=form.deadline.data,
                match_ratio=form.match_ratio.data or "1")), _("Campaign opened."))
            if campaign is not None:
                return redirect(url_for("capital.campaign", slug=slug, id=campaign.id))
    if form.is_submitted():
        status = 400
    return render_template("capital/campaigns.html", coop=coop, admin=admin, form=form,
                           lines=q.campaign_lines(coop)), status


@bp.get("/c/<slug>/capital/campaigns/<int:id>")
@login_required
def campaign(slug, id):
    """Where a campaign stands: partner, others, matched, progress, days left. Any role."""
    coop = load_coop(slug)
    campaign = child_or_404(CapitalCampaign, id, cooperative_id=coop.id)
    return render_template("capital/campaign.html", coop=coop, c=campaign,
                           p=q.campaign_progress(campaign), today=date.today())
