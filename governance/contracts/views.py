"""A CAE's entrepreneurs-salariés and the delay to become sociétaires: the secretariat records
their contracts; the secretariat and the board see who is late."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..permissions import can_admin, can_see_contacts
from ..platform.messages import register_messages
from ..views.common import child_or_404, load_coop, run
from . import queries as q
from . import services as svc
from .blueprint import bp
from .forms import ContractForm, EndContractForm
from .models import EntrepreneurContract

register_messages({
    "contract_in_future": _l("The contract cannot be signed on %(date)s, a day still to come."),
    "cape_months": _l("A CAPE lasts from 0 to %(max)s months."),
    "contract_running": _l("%(name)s already has a running contract: end it first."),
    "contract_ended": _l("This contract already ended on %(date)s."),
})


@bp.route("/c/<slug>/contracts", methods=["GET", "POST"])
@login_required
def overview(slug):
    """Entrepreneurs' contracts, the late first; the secretariat records a new one."""
    coop = load_coop(slug, can_see_contacts)
    admin = can_admin(current_user, coop)
    form = ContractForm()
    if form.validate_on_submit():
        if not admin:
            abort(403)
        if run(lambda: svc.record_contract(current_user, coop, form.email.data,
                                           form.signed_on.data, form.cape_months.data),
               _("Contract recorded.")):
            return redirect(url_for(".overview", slug=slug))
    return render_template("contracts/overview.html", coop=coop, form=form, admin=admin,
                           end_form=EndContractForm(),
                           standings=q.standings(coop.id, date.today()),
                           today=date.today()), 400 if form.errors else 200


@bp.post("/c/<slug>/contracts/<int:contract_id>/end")
@login_required
def end(slug, contract_id):
    coop = load_coop(slug, can_admin)
    contract = child_or_404(EntrepreneurContract, contract_id, cooperative_id=coop.id)
    form = EndContractForm()
    if form.validate_on_submit():
        run(lambda: svc.end_contract(current_user, contract, form.ended_on.data),
            _("The end of the contract is recorded."))
    else:
        abort(400)
    return redirect(url_for(".overview", slug=slug))
