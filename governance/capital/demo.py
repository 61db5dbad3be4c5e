"""Demo share ledgers of the Smart France group, recorded through the real ledger services.

Figures from the group's 2021 report: SmartFr's capital was 8,405,850 € on 31/12/2020, 90.79 %
of it held by Fondation SmartBe (10 % of the votes); GrandsEnsemble went from 186,510 € to
219 k€ in 2021, SmartFr holding 47.8 % of its shares; Alterna had 13,260 €. Then the "1+1" plan:
Smart Belgique (the foundation's side) brings 1 M€ in 2022 and 0.5 M€ in 2023, each euro to be
matched by one euro of the sociétaires and partners. The others' subscriptions during the
campaign are sized so that SmartBe holds 90.79 % of SmartFr's shares again today.

Called by `governance.demo._load` inside its transaction, with its seeded `rng`.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..models import Membership, Person, PersonKind, Status
from ..platform.extensions import db
from .services import ledger as cap
from .services.campaigns import CampaignDraft, create_campaign

END_2020, END_2021 = date(2020, 12, 31), date(2021, 12, 31)
SMARTBE_TRANCHES = [(date(2017, 6, 15), 200_000, None), (date(2018, 6, 20), 60_000, None),
                    (date(2019, 6, 18), 45_267, Decimal("282918.75"))]  # a quarter paid
SMARTBE_RELEASE = (date(2019, 12, 10), Decimal("848756.25"))
SMARTBE_CAMPAIGN = [(date(2022, 6, 30), 40_000), (date(2023, 6, 30), 20_000)]  # 1 M€, 0.5 M€
SMARTFR_OTHERS_2020 = 30_967  # shares: 8,405,850 € − SmartBe's 7,631,675 €, at 25 €
SMARTFR_OTHERS_2021 = 806  # shares subscribed in 2021 (capital 8,426 k€ at the end of 2021)
SMARTFR_OTHERS_NOW = 37_055  # with SmartBe's 365,267 shares: 90.79 % of 402,322
GE_SHARES = {END_2020: 6_217, END_2021: 7_300}  # 186,510 € and 219,000 € at 30 €
GE_SMARTFR_SHARES = 3_489  # 47.8 % of 7,300
ALTERNA_PEAK, ALTERNA_END_2020, ALTERNA_FOUNDER = 1_760, 442, 1_358  # shares at 30 €


class Plan:
    """Movements of one cooperative, recorded in date order (numbers follow the dates)."""

    def __init__(self, admin: Person):
        self.admin, self.events, self.done = admin, [], {}

    def add(self, on: date, fn, key=None) -> None:
        self.events.append((on, len(self.events), fn, key))

    def subscribe(self, m, shares, on, ref="Bulletin de souscription", paid=None, key=None):
        self.add(on, lambda: cap.record_subscription(self.admin, m, shares, on=on, reference=ref,
                                                     paid=paid), key)

    def run(self) -> None:
        for _on, _i, fn, key in sorted(self.events, key=lambda e: e[:2]):
            result = fn()
            if key:
                self.done[key] = result


def _draw(rng) -> int:
    """A sociétaire's subscription: mostly a few shares, some hundreds, a few thousands."""
    r = rng.random()
    return rng.randint(1, 8) if r < 0.6 else rng.randint(20, 200) if r < 0.9 else \
        rng.randint(400, 1600)


def _fit(raw: list[int], total: int) -> list[int]:
    """Scale whole numbers of shares to add up to exactly `total` (each at least 1)."""
    if not raw:
        return []
    k = total / sum(raw)
    fitted = [max(1, int(x * k)) for x in raw]
    biggest = max(range(len(fitted)), key=fitted.__getitem__)
    fitted[biggest] += total - sum(fitted)
    assert fitted[biggest] >= 1
    return fitted


def _members(coop) -> list[Membership]:
    return list(db.session.scalars(
        sa.select(Membership).join(Person).where(Membership.cooperative_id == coop.id,
                                                 Membership.status == Status.ADMITTED,
                                                 Person.kind == PersonKind.NATURAL)
        .order_by(Membership.number)))


def _legal(coop, name: str) -> Membership:
    return db.session.scalar(sa.select(Membership).join(Person).where(
        Membership.cooperative_id == coop.id, Person.legal_name == name))


def load(coops: dict, rng) -> None:
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.coop"))
    smartfr, ge, alterna = coops["smartfr"], coops["grandsensemble"], coops["alterna"]
    smartfr.partial_payment = True  # an SA: a quarter at least paid on subscription
    _smartfr(Plan(admin), smartfr, rng)
    _grandsensemble(Plan(admin), ge, rng)
    _alterna(Plan(admin), alterna, rng)
    smartbe = _legal(smartfr, "Fondation SmartBe")
    create_campaign(admin, smartfr, CampaignDraft(
        title="Plan 1+1 : reconstitution des fonds propres de SmartFr", partner=smartbe,
        target=Decimal(3_000_000), starts_on=date(2022, 1, 1), deadline=date(2023, 12, 31),
        match_ratio="1"))


def _smartfr(plan: Plan, coop, rng) -> None:
    naturals = _members(coop)
    smartbe = _legal(coop, "Fondation SmartBe")
    structures = [(_legal(coop, "GrandsEnsemble"), 1_600), (_legal(coop, "Alterna"), 200)]
    for on, shares, paid in SMARTBE_TRANCHES:
        plan.subscribe(smartbe, shares, on, "Convention d'apport SmartBe", paid)
    plan.add(SMARTBE_RELEASE[0], lambda: cap.record_release(
        plan.admin, smartbe, SMARTBE_RELEASE[1], on=SMARTBE_RELEASE[0],
        reference="Appel du solde, CA 2019-12"))
    early = [m for m in naturals if m.admitted_on <= END_2020]
    late = [m for m in naturals if m.admitted_on > END_2020]
    legal_early = 0
    for m, shares in structures:
        plan.subscribe(m, shares, m.admitted_on, "Souscription de la coopérative")
        legal_early += shares if m.admitted_on <= END_2020 else 0
    early_shares = _fit([_draw(rng) for _ in early], SMARTFR_OTHERS_2020 - legal_early)
    late_total = SMARTFR_OTHERS_2021 - sum(s for m, s in structures if m.admitted_on > END_2020)
    late_shares = _fit([_draw(rng) for _ in late], late_total)
    held = dict(zip(early + late, early_shares + late_shares, strict=True))
    partly = late[0]  # subscribes a quarter paid, the rest never called yet
    mistaken = late[1]  # 10 times too many shares keyed in, corrected a week later
    for m in early + late:
        if m is partly:
            plan.subscribe(m, held[m], m.admitted_on, paid=Decimal(held[m] * 25) / 4)
        elif m is mistaken:
            plan.subscribe(m, held[m] * 10, m.admitted_on, key="mistake")
            fixed = m.admitted_on + timedelta(days=7)
            plan.add(fixed, lambda fixed=fixed: cap.record_correction(
                plan.admin, plan.done["mistake"], on=fixed,
                reference="Erreur de saisie : dix fois trop de parts"))
            plan.subscribe(m, held[m], fixed)
        else:
            plan.subscribe(m, held[m], m.admitted_on)
    big = [m for m in early if held[m] >= 20]
    buyers = [m for m in early if m not in big[:7]]
    for i, on in enumerate([date(2021, 4, 15), date(2021, 6, 17), date(2021, 10, 21)]):
        seller, buyer = big[i], buyers[-1 - i]
        plan.add(on, lambda s=seller, b=buyer, on=on: cap.record_transfer(
            plan.admin, s, b, 10, on=on, reference=f"CA {on:%Y-%m} : agrément de la cession"))
        held[seller] -= 10
        held[buyer] += 10
    withdrawn = 0
    for m, on in [(big[5], date(2022, 3, 15)), (big[6], date(2022, 9, 20))]:
        shares = held[m] // 2
        plan.add(on, lambda m=m, n=shares, on=on: cap.request_reimbursement(
            plan.admin, m, n, on=on, reference="Demande de retrait partiel"))
        withdrawn += shares
    # The "1+1" campaign: SmartBe's tranches, and the sociétaires' answer.
    for on, shares in SMARTBE_CAMPAIGN:
        plan.subscribe(smartbe, shares, on, "Plan 1+1 : apport de Smart Belgique")
    before = SMARTFR_OTHERS_2020 + SMARTFR_OTHERS_2021 - withdrawn
    answering = rng.sample(early + late, 40)
    days = sorted(date(2022, 1, 10) + timedelta(days=rng.randrange(0, 700)) for _ in answering)
    for m, on, shares in zip(answering, days, _fit([_draw(rng) for _ in answering],
                                                   SMARTFR_OTHERS_NOW - before), strict=True):
        plan.subscribe(m, shares, on, "Plan 1+1 : souscription complémentaire")
    plan.run()


def _grandsensemble(plan: Plan, coop, rng) -> None:
    naturals = _members(coop)
    smartfr = _legal(coop, "SmartFr")
    early = [m for m in naturals if m.admitted_on <= END_2020]
    late = [m for m in naturals if m.admitted_on > END_2020]
    naturals_total = GE_SHARES[END_2021] - GE_SMARTFR_SHARES
    late_shares = _fit([rng.randint(5, 40) for _ in late], 500)
    early_shares = _fit([rng.randint(5, 60) for _ in early], naturals_total - 500)
    held = dict(zip(early + late, early_shares + late_shares, strict=True))
    for m, shares in held.items():
        plan.subscribe(m, shares, m.admitted_on)
    tranche_2020 = GE_SHARES[END_2020] - sum(early_shares)
    plan.subscribe(smartfr, tranche_2020, date(2020, 12, 15), "Souscription de SmartFr, CA 2020-12")
    plan.subscribe(smartfr, GE_SMARTFR_SHARES - tranche_2020, date(2021, 12, 15),
                   "Souscription de SmartFr, CA 2021-12")
    seller, buyer = max(early, key=held.get), early[0]
    plan.add(date(2022, 2, 10), lambda: cap.record_transfer(
        plan.admin, seller, buyer, 5, on=date(2022, 2, 10),
        reference="CA 2022-02 : agrément de la cession"))
    leaving = early[1]
    plan.add(date(2022, 5, 12), lambda: cap.request_reimbursement(
        plan.admin, leaving, max(1, held[leaving] // 2), on=date(2022, 5, 12),
        reference="Demande de retrait partiel"))
    plan.run()


def _alterna(plan: Plan, coop, rng) -> None:
    """A founder's large stake, mostly withdrawn in December 2020: capital sits just above the
    floor (a quarter of the peak), so the requests of 2022 wait in the queue, in order."""
    naturals = _members(coop)
    founder = min(naturals, key=lambda m: (m.admitted_on, m.number))
    rest = [m for m in naturals if m is not founder]
    smartfr = _legal(coop, "SmartFr")
    withdrawn_on = date(2020, 12, 15)
    early = [m for m in rest if m.admitted_on < withdrawn_on]
    late = [m for m in rest if m.admitted_on >= withdrawn_on]
    # After three employees': a non-employee among fewer holders breaks the SCOP ratios.
    third = sorted(m.admitted_on for m in naturals)[2]
    legal_on = max(smartfr.admitted_on, third + timedelta(days=1))
    legal = 10 if legal_on < withdrawn_on else 0
    plan.subscribe(smartfr, 10, legal_on, "Souscription de SmartFr")
    plan.subscribe(founder, ALTERNA_FOUNDER, founder.admitted_on, "Apport du fondateur")
    shares = _fit([rng.randint(2, 30) for _ in early],
                  ALTERNA_PEAK - ALTERNA_FOUNDER - legal)
    for m, n in zip(early, shares, strict=True):
        plan.subscribe(m, n, m.admitted_on)
    for m in late:
        plan.subscribe(m, rng.randint(1, 4), m.admitted_on)
    withdrawal = ALTERNA_PEAK - ALTERNA_END_2020
    plan.add(withdrawn_on, lambda: cap.request_reimbursement(
        plan.admin, founder, withdrawal, on=withdrawn_on,
        reference="Retrait partiel du fondateur, CA 2020-12"))
    plan.add(date(2022, 3, 31), lambda: cap.request_reimbursement(
        plan.admin, founder, ALTERNA_FOUNDER - withdrawal, on=date(2022, 3, 31),
        reference="Départ en retraite du fondateur"))
    plan.add(date(2022, 9, 15), lambda: cap.request_reimbursement(
        plan.admin, early[0], 2, on=date(2022, 9, 15), reference="Demande de retrait partiel"))
    plan.run()
