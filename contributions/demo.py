"""Demo contributive budget of GrandsEnsemble: the 2022 budget voted after the chantiers
contributifs were launched (outils, accompagnement pair à pair, communication), envelopes per
circle, entries from July to December 2022 in every status, three months paid, a correction;
and a budget for the current year with recent entries waiting for review."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from circles import queries as circles
from circles.models import Circle, CircleMember
from governance.models import Person
from governance.platform.extensions import db

from .services.batches import close_month
from .services.budgets import BudgetDraft, create_budget, set_envelope
from .services.entries import EntryDraft, correct_contribution, log_contribution
from .services.review import approve, reject

HOURS = [Decimal(h) for h in ("1", "1.5", "2", "2.5", "3", "4")]
WORK = ["Atelier de cadrage", "Réunion de cercle", "Rédaction de la documentation",
        "Accompagnement d'un·e entrepreneur·e", "Préparation de la lettre interne",
        "Tests du nouvel outil collaboratif", "Binôme pair à pair", "Compte rendu"]
REJECTIONS = ["Temps déjà compté dans une autre saisie", "Hors du périmètre du cercle",
              "Précisez le chantier concerné"]


def load(coops: dict, rng) -> None:
    """Add the demo budgets; called by `governance.demo` after the circles' demo."""
    coop = coops["grandsensemble"]
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.coop"))
    circle_list = list(db.session.scalars(sa.select(Circle).where(
        Circle.cooperative_id == coop.id, Circle.dissolved_on.is_(None)).order_by(Circle.id)))
    if not circle_list:
        return
    today = date.today()
    past = _budget(admin, coop, circle_list, "Budget contributif 2022", date(2022, 1, 1),
                   date(2022, 12, 31), Decimal(48000), "AGO de GrandsEnsemble du 30 juin 2022, "
                   "5e résolution")
    _entries(rng, coop, circle_list, date(2022, 7, 1), date(2022, 12, 31), today, waiting=0)
    for month in (7, 8, 9):
        close_month(admin, coop, date(2022, month, 1), today=today)
    _correction(coop, past)
    start = today.replace(month=1, day=1)
    _budget(admin, coop, circle_list, f"Budget contributif {today.year}", start,
            today.replace(month=12, day=31), Decimal(36000),
            f"AGO de GrandsEnsemble du 26 juin {today.year - 1 if today.month < 7 else today.year}"
            ", 4e résolution")
    _entries(rng, coop, circle_list, max(start, today - timedelta(days=45)), today - timedelta(1),
             today, waiting=0.45)


def _budget(admin, coop, circle_list, name, start, end, amount, decision):
    budget = create_budget(admin, coop, BudgetDraft(
        name, start, end, amount, Decimal(20), decision,
        role_rates={"lead_link": Decimal(22), "facilitator": Decimal(22)}))
    share = (amount / len(circle_list) / 100).to_integral_value(rounding="ROUND_FLOOR") * 100
    for circle in circle_list:
        set_envelope(admin, budget, circle, share)
    return budget


def _entries(rng, coop, circle_list, start, end, today, waiting: float) -> None:
    """Entries by each circle's members, reviewed by a reviewer of the circle (not themselves):
    mostly approved, some rejected, a share `waiting` still waiting for review."""
    if end < start:
        return
    for circle in circle_list:
        members = list(db.session.scalars(sa.select(Person).join(
            CircleMember, CircleMember.person_id == Person.id).where(
            CircleMember.circle_id == circle.id, CircleMember.left_on.is_(None))))
        for person in members:
            day = start + timedelta(days=rng.randrange(0, 6))
            while day <= end:
                if circles.is_member(circle.id, person.id, day):
                    entry = log_contribution(person, coop, EntryDraft(
                        circle, day, rng.choice(HOURS), rng.choice(WORK)), today=today)
                    _review(rng, entry, circle, today, waiting)
                day += timedelta(days=rng.randrange(8, 20))


def _review(rng, entry, circle, today, waiting: float) -> None:
    reviewers = sorted(circles.reviewer_ids(circle.id, today) - {entry.person_id})
    roll = rng.random()
    if not reviewers or roll < waiting:
        return  # waits for review
    reviewer = db.session.get(Person, reviewers[0])
    if roll > 0.9:
        reject(reviewer, entry, rng.choice(REJECTIONS), today=today)
    else:
        approve(reviewer, entry, today=today)


def _correction(coop, budget) -> None:
    """One paid entry of September 2022 had an hour too many: corrected, approved, to be
    deducted from the next payment."""
    from .models import Contribution
    entry = db.session.scalar(sa.select(Contribution).where(
        Contribution.cooperative_id == coop.id, Contribution.status == "paid",
        Contribution.hours >= 2, Contribution.worked_on >= date(2022, 9, 1))
        .order_by(Contribution.id).limit(1))
    if entry is None:
        return
    today = date.today()
    reviewers = sorted(circles.reviewer_ids(entry.circle_id, today) - {entry.person_id})
    if not reviewers:
        return
    fix = correct_contribution(entry.person, entry, Decimal(1),
                               "Une heure comptée deux fois (réunion commune)", today=today)
    approve(db.session.get(Person, reviewers[0]), fix, today=today)
