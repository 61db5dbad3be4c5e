"""Demo votes: SmartFr's continuation plan of 29 November 2021 (closed) and an open consultation."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from governance.extensions import db
from governance.models import Person, utcnow

from . import services as svc
from .models import RollEntry

# Share of each college's voters who took part, and how they voted (for, against, abstain).
PLAN_TURNOUT = {"entrepreneurs": (0.55, (80, 12, 8)), "permanents": (0.8, (70, 20, 10)),
                "structures": (1.0, (100, 0, 0)), "soutiens": (0.4, (60, 25, 15)),
                "partenaires": (1.0, (100, 0, 0))}
PLAN_TEXT = ("L'assemblée générale extraordinaire, après avoir entendu le rapport du conseil "
             "d'administration, approuve le plan de continuation des activités de SmartFr "
             "présenté au tribunal, et donne tous pouvoirs au conseil pour sa mise en œuvre.")
PLAN_NOTE = """# Plan de continuation des activités — note de synthèse

Élaboré en septembre 2021 par la nouvelle direction de SmartFr, soumis à l'assemblée générale
extraordinaire du 29 novembre 2021.

## Redressement économique

- amélioration des comptes d'exploitation 2021 ;
- reconstitution des capitaux propres, selon une logique « 1+1 » : pour chaque euro apporté par
  Smart Belgique, les coopératives, leurs sociétaires et partenaires mobilisent un euro ;
- équilibre économique visé d'ici 2024.

## Quatre mesures de redéveloppement

1. concevoir Smart en France comme un ensemblier ;
2. développer une offre de portage coopératif ;
3. stabiliser un fonctionnement de CAE ;
4. se maintenir dans le spectacle vivant et l'audiovisuel (module Gestion de contrats).

Le suivi est assuré par une instance réunissant des administrateurs de SmartCoop, SmartFr,
SmartBe et GrandsEnsemble.
"""


def load(coops: dict, rng) -> None:
    """Add the demo votes; called by `governance.demo` inside its transaction."""
    smartfr = coops["smartfr"]
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.coop"))
    opens = datetime(2021, 11, 29, 13, 0)  # 14:00 in Paris
    plan = svc.create_vote(admin, smartfr, svc.VoteDraft(
        title="Plan de continuation des activités", body=PLAN_TEXT, kind="extraordinary",
        opens_at=opens, closes_at=opens + timedelta(hours=4)))
    svc.add_document(admin, plan, "Plan de continuation - note de synthèse.md",
                     PLAN_NOTE.encode())
    svc.open_vote(admin, plan, now=opens, notify=False)
    entries = db.session.scalars(sa.select(RollEntry).where(RollEntry.vote_id == plan.id)
                                 .order_by(RollEntry.person_id)).all()
    for entry in entries:
        turnout, weights = PLAN_TURNOUT[entry.college]
        if rng.random() < turnout:
            choice = rng.choices(["for", "against", "abstain"], weights)[0]
            svc.cast(db.session.get(Person, entry.person_id), plan, choice,
                     now=opens + timedelta(hours=1))
    svc.close_vote(admin, plan, now=opens + timedelta(hours=4))

    now = utcnow().replace(microsecond=0)
    consultation = svc.create_vote(admin, smartfr, svc.VoteDraft(
        title="Consultation : chantiers numériques prioritaires",
        body="Choisissez au plus deux chantiers à financer en priorité l'an prochain.",
        method="approval", seats=2, quorum="",
        options=["Nouvel outil de facturation", "Application mobile des sociétaires",
                 "Refonte de l'espace membre", "Formation au numérique"],
        opens_at=now, closes_at=now + timedelta(days=30)))
    svc.open_vote(admin, consultation, now=now, notify=False)
    board = db.session.scalar(sa.select(Person).where(Person.email == "board@example.coop"))
    svc.cast(board, consultation, ["o1", "o3"], now=now)
