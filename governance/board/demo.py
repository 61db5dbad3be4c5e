"""Demo board of SmartFr, recorded through the board services (fictional people).

Shaped on the group's 2021 report: the chair and the managing director separated on
7 June 2021, a new managing director on 3 November 2021 who became chair and managing director
(PDG) on 9 February 2022; directors for the colleges; Fondation SmartBe sitting through a
permanent representative, replaced in 2022. Three meetings around the continuation plan voted on
29 November 2021: two with minutes approved at the next meeting and published, the last one
still a draft.

Called by `governance.demo._load` inside its transaction.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from ..models import Membership, Person, PersonKind, Status
from ..platform.extensions import db
from . import services as svc
from .rules import Presence

START = date(2020, 6, 15)  # the assembly that elected the board
SEPARATION, NEW_DG, PDG = date(2021, 6, 7), date(2021, 11, 3), date(2022, 2, 9)

# title, held at (Paris), place, agenda, minutes (paragraphs)
MEETINGS = [
    ("Conseil d'administration — plan de continuation", datetime(2021, 9, 21, 18, 0),
     "Visioconférence", [
         "Point sur la situation financière et la trésorerie",
         "Présentation du plan de continuation des activités par la nouvelle direction",
         "Soutien de Smart Belgique : logique « 1+1 » de reconstitution des fonds propres",
         "Convocation d'une assemblée générale extraordinaire le 29 novembre 2021"], [
         "Le conseil, réuni en visioconférence, constate que le quorum est atteint.",
         "1. Situation financière. La direction présente un état bilantaire dégradé et un "
         "problème structurel de rentabilité opérationnelle : la contribution mutualisée devra "
         "augmenter et la masse salariale diminuer.",
         "2. Plan de continuation. Le plan s'articule en deux parties : des mesures de "
         "redressement économique (amélioration des comptes d'exploitation 2021, reconstitution "
         "des capitaux propres, équilibre visé d'ici 2024) et quatre mesures de "
         "redéveloppement (concevoir Smart en France comme un ensemblier, développer une offre "
         "de portage coopératif, stabiliser un fonctionnement de CAE, se maintenir dans le "
         "spectacle vivant et l'audiovisuel). Le conseil approuve le plan à l'unanimité des "
         "présent·es et représenté·es.",
         "3. Soutien de Smart Belgique. Pour chaque euro apporté par Smart Belgique en tant "
         "qu'associée, les coopératives, leurs sociétaires et partenaires mobiliseront un euro.",
         "4. Le conseil décide de convoquer une assemblée générale extraordinaire le "
         "29 novembre 2021 pour soumettre le plan au vote de tous les sociétaires."]),
    ("Conseil d'administration du 3 novembre 2021", datetime(2021, 11, 3, 18, 30),
     "Paris, siège de la coopérative", [
         "Approbation du procès-verbal du 21 septembre 2021",
         "Nomination de la directrice générale",
         "Ordre du jour et projets de résolutions de l'assemblée générale extraordinaire",
         "Suivi du plan de continuation : instance réunissant SmartCoop, SmartFr, SmartBe et "
         "GrandsEnsemble"], [
         "Le procès-verbal de la séance du 21 septembre 2021 est approuvé.",
         "1. Direction générale. Après une série d'entretiens restés infructueux et face à "
         "l'urgence, le conseil nomme la directrice générale déléguée directrice générale à "
         "compter de ce jour, avec mission de conduire le plan de continuation.",
         "2. Assemblée générale extraordinaire. Le conseil arrête l'ordre du jour et le texte de "
         "la résolution soumise le 29 novembre 2021 : approbation du plan de continuation des "
         "activités et pouvoirs au conseil pour sa mise en œuvre. Le vote électronique est "
         "ouvert à tous les sociétaires, pondéré par collèges.",
         "3. Suivi. Une instance dédiée, composée d'administrateur·rices de SmartCoop, SmartFr, "
         "SmartBe et GrandsEnsemble, suivra la bonne marche du plan."]),
    ("Conseil d'administration du 9 février 2022", datetime(2022, 2, 9, 18, 0),
     "Visioconférence", [
         "Approbation du procès-verbal du 3 novembre 2021",
         "Réunion des fonctions de président·e et de directeur·rice général·e",
         "Procédure de redressement judiciaire",
         "Abandon de comptes courants de Smart Belgique et de créances au bénéfice de "
         "GrandsEnsemble"], [
         "Projet de procès-verbal, à approuver lors de la prochaine séance.",
         "1. Le procès-verbal de la séance du 3 novembre 2021 est approuvé.",
         "2. Présidence. La présidente ayant mis fin à son mandat le 8 février 2022, le conseil "
         "choisit de réunir les fonctions de président·e et de directeur·rice général·e et élit "
         "la directrice générale présidente directrice générale.",
         "3. Redressement judiciaire. Les difficultés de trésorerie et les dettes antérieures "
         "conduisent le conseil à placer la coopérative sous la protection du tribunal de "
         "commerce afin d'assurer la poursuite de l'activité.",
         "4. Smart Belgique consent un abandon exceptionnel de ses comptes courants de "
         "3,8 millions d'euros, qui permet à SmartFr d'abandonner 675 000 euros de créances au "
         "bénéfice de GrandsEnsemble."]),
]


def _members(coop, college: str, n: int, skip: set[int]) -> list[Person]:
    """The first `n` admitted natural persons of a college, by membership number."""
    return list(db.session.scalars(
        sa.select(Person).join(Membership).where(
            Membership.cooperative_id == coop.id, Membership.status == Status.ADMITTED,
            Membership.college.has(code=college), Person.kind == PersonKind.NATURAL,
            Person.id.not_in(skip or {0})).order_by(Membership.number).limit(n)))


def load(coops: dict, rng) -> None:
    smartfr = coops["smartfr"]
    by_email = {p.email: p for p in db.session.scalars(sa.select(Person).where(Person.email.in_(
        ["admin@example.coop", "board@example.coop", "member@example.coop",
         "representant.smartbe@example.org", "fondation@smartbe.example.org"])))}
    admin, bastien = by_email["admin@example.coop"], by_email["board@example.coop"]
    rep, smartbe = by_email["representant.smartbe@example.org"], \
        by_email["fondation@smartbe.example.org"]
    skip = {p.id for p in by_email.values()}
    chair, dg = _members(smartfr, "permanents", 2, skip)
    e1, e2 = _members(smartfr, "entrepreneurs", 2, skip)
    (s1,) = _members(smartfr, "soutiens", 1, skip)
    former_rep = Person(kind=PersonKind.NATURAL, first_name="Mathis", last_name="Delvaux")
    former_rep.refresh_search_name()
    db.session.add(former_rep)
    db.session.flush()

    def mandate(person, role, starts_on, college=None, represents=None, ends_on=None):
        return svc.add_mandate(admin, smartfr, svc.MandateDraft(
            person=person, role=role, starts_on=starts_on, ends_on=ends_on, college=college,
            represents=represents))

    first_chair = mandate(chair, "president", SEPARATION, "permanents")
    for person, college in [(bastien, "permanents"), (e1, "entrepreneurs"),
                            (e2, "entrepreneurs"), (s1, "soutiens")]:
        mandate(person, "director", START, college)
    smartbe_before = mandate(former_rep, "permanent_representative", START, "partenaires",
                             smartbe)
    svc.end_mandate(admin, smartbe_before, date(2021, 12, 31),
                    "Remplacé par un nouveau représentant permanent de la Fondation SmartBe")
    mandate(rep, "permanent_representative", date(2022, 1, 1), "partenaires", smartbe)
    mandate(dg, "managing_director", NEW_DG)
    svc.end_mandate(admin, first_chair, date(2022, 2, 8),
                    "Fin des fonctions ; présidence et direction générale réunies")
    mandate(dg, "president", PDG, "permanents")

    P, R, X, A = "present", "represented", "excused", "absent"
    attendance = [
        [(chair, P), (bastien, P), (e1, P), (e2, R, bastien), (s1, X), (former_rep, P)],
        [(chair, P), (dg, P), (bastien, P), (e1, R, chair), (e2, P), (s1, A), (former_rep, P)],
        [(dg, P), (bastien, P), (e1, P), (e2, P), (s1, R, e1), (rep, P)],
    ]
    meetings = []
    for (title, held_at, place, agenda, minutes), rows in zip(MEETINGS, attendance,
                                                               strict=True):
        meeting = svc.create_meeting(admin, smartfr, title, held_at, place, "\n".join(agenda))
        svc.record_attendance(admin, meeting, [
            Presence(row[0].id, row[1], row[2].id if len(row) > 2 else None) for row in rows])
        svc.save_minutes(bastien, meeting, "\n\n".join(minutes))
        meetings.append(meeting)
    # Each meeting approves the minutes of the one before; the last minutes wait for the next.
    for earlier, later in zip(meetings, meetings[1:], strict=False):
        svc.approve_minutes(bastien, earlier, later)
        svc.publish_minutes(admin, earlier, now=later.held_at.replace(hour=22))
