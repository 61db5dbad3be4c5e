"""Demo votes of SmartFr, both with encrypted ballots opened by a bureau of three key holders
(admin, board and member; any two open the box): an open consultation, and the closed
election of the continuation plan's follow-up committee, whose box (format 3) is sealed.
The holders' key codes are the demo's, written in README.md; a real vote's never reach the
server. (The continuation plan of 29 November 2021 is voted by the demo's joint extraordinary
assembly: `assemblies.demo`, which uses the texts below.)"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db

from . import bureau
from . import services as svc
from .crypto import group as g
from .models import RollEntry

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


HOLDERS = ("admin@example.coop", "board@example.coop", "member@example.coop")


def seed(n: int) -> bytes:
    """Demo key holder n's key code (README.md): never do this for a real vote."""
    return hashlib.sha256(f"coopgov demo key holder {n}".encode()).digest()


def load(coops: dict, rng) -> None:
    """Add the demo votes; called by `governance.demo` inside its transaction."""
    smartfr = coops["smartfr"]
    admin = _person("admin@example.coop")
    holders = [_person(e) for e in HOLDERS]
    seeds = [seed(n) for n in (1, 2, 3)]
    draw = g.seeded(b"coopgov demo votes")
    now = utcnow().replace(microsecond=0)
    _committee(smartfr, admin, holders, seeds, draw, rng)
    consultation = svc.create_vote(admin, smartfr, svc.VoteDraft(
        title="Consultation : chantiers numériques prioritaires",
        body="Choisissez au plus deux chantiers à financer en priorité l'an prochain.",
        method="approval", seats=2, quorum="",
        options=["Nouvel outil de facturation", "Application mobile des sociétaires",
                 "Refonte de l'espace membre", "Formation au numérique"],
        opens_at=now, closes_at=now + timedelta(days=30)))
    bureau.hold_ceremony(admin, consultation, holders, seeds, 2, draw)
    svc.open_vote(admin, consultation, now=now, notify=False)
    svc.cast(holders[1], consultation, bureau.encrypt_ballot(consultation, ["o1", "o3"], draw),
             now=now)


def _person(email: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def _committee(smartfr, admin, holders, seeds, draw, rng) -> None:
    """The election of the continuation plan's follow-up committee, December 2021: closed,
    its box opened by holders 1 and 3 (holder 2's key is not needed)."""
    opens = datetime(2021, 12, 6, 9, 0)
    vote = svc.create_vote(admin, smartfr, svc.VoteDraft(
        title="Élection du comité de suivi du plan de continuation",
        body="Élisez deux sociétaires au comité de suivi du plan de continuation, qui réunit "
             "des administrateurs de SmartCoop, SmartFr, SmartBe et GrandsEnsemble.",
        method="approval", seats=2, quorum="",
        options=["Awa Diallo", "Bruno Lefèvre", "Chloé Martin", "Denis Roux"],
        opens_at=opens, closes_at=opens + timedelta(days=7)))
    bureau.hold_ceremony(admin, vote, holders, seeds, 2, draw)
    svc.open_vote(admin, vote, now=opens, notify=False)
    voters = db.session.scalars(sa.select(Person).join(RollEntry, RollEntry.person_id == Person.id)
                                .where(RollEntry.vote_id == vote.id).order_by(Person.id)).all()
    for person in voters:
        if rng.random() < 0.6:
            picked = rng.sample(["o1", "o2", "o3", "o4"], rng.choice([1, 2, 2, 2]))
            svc.cast(person, vote, bureau.encrypt_ballot(vote, picked, draw),
                     now=opens + timedelta(hours=1))
    svc.close(admin, vote, now=opens + timedelta(days=7))
    bureau.open_box(vote, [(holders[0], seeds[0], 1), (holders[2], seeds[2], 3)], draw)
