"""Demo votes: an open consultation of SmartFr. (The continuation plan of 29 November 2021 is
voted by the demo's joint extraordinary assembly: `assemblies.demo`, which uses the texts
below.)"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from governance.extensions import db
from governance.models import Person, utcnow

from . import services as svc

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
