"""Demo circles: GrandsEnsemble's shared governance in circles, launched in the second half of
2022 after the May 2022 consultation (tools, peer-to-peer support, communication), with their
role holders, a past term, a revised purpose, a custom role and chantiers in every status.
Called by `governance.demo` inside its transaction, through the real services."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from governance.models import Membership, Person, PersonKind, Status
from governance.platform.extensions import db

from . import services as svc
from .models import CircleRevision, CircleRole, RoleKind

LAUNCH = date(2022, 7, 1)
ROOT = svc.CircleDraft(
    "Cercle d'ancrage",
    "Veiller à ce que GrandsEnsemble fonctionne de manière collective, en dehors de tout "
    "cloisonnement par direction, et que chaque cercle ait un rôle et des responsabilités "
    "claires, précises et lisibles par toutes et tous.",
    "Le budget contributif et sa répartition entre les cercles\n"
    "La création et la dissolution des cercles",
    "Répartir le budget contributif entre les cercles\n"
    "Partager le pouvoir de décision avec les entrepreneur·es salarié·es\n"
    "Rendre compte de l'avancement des chantiers contributifs au conseil d'administration")
CIRCLES = [  # name, purpose, domains, accountabilities, parent
    ("Outils", "Refondre les outils de la coopérative avec les entrepreneur·es salarié·es et "
     "l'équipe permanente : le Nuage d'IndieHosters, porte d'entrée vers les outils.",
     "Le Nuage : wiki, drive, chat, annuaire, prise de rendez-vous\n"
     "Les espaces de dialogue dans Louty",
     "Recueillir les besoins des sociétaires sur les outils\n"
     "Accompagner la prise en main du Nuage\n"
     "Automatiser les tâches quotidiennes de gestion", "Cercle d'ancrage"),
    ("Accompagnement pair à pair", "Permettre aux entrepreneur·es salarié·es de s'accompagner "
     "entre pairs, selon leurs compétences et le temps qu'ils et elles peuvent accorder à la "
     "coopérative.", "Les binômes d'accompagnement",
     "Organiser des binômes d'accompagnement entre entrepreneur·es\n"
     "Accueillir les nouvelles et nouveaux entrepreneur·es\n"
     "Faire remonter les besoins d'accompagnement au cercle d'ancrage", "Cercle d'ancrage"),
    ("Communication", "Améliorer la communication interne.", "La lettre aux sociétaires",
     "Publier une lettre mensuelle aux sociétaires\nRendre compte des décisions des cercles",
     "Cercle d'ancrage"),
    ("Wiki et documentation", "Tenir à jour le wiki du Nuage : guides, procédures et réponses "
     "aux questions fréquentes.", "Le wiki du Nuage",
     "Rédiger et relire les guides\nRépondre aux questions posées sur le chat", "Outils"),
]
# circle, title, status, hours, due, description
CHANTIERS = [
    ("Outils", "Migration des dossiers partagés vers le Nuage", "done", "40", date(2022, 10, 31),
     "Déplacer les dossiers des équipes vers le drive du Nuage."),
    ("Outils", "Annuaire des entrepreneur·es dans le Nuage", "in_progress", "24.5",
     date(2023, 3, 31), "Chacun·e présente ses compétences pour trouver des pairs."),
    ("Outils", "Automatiser les relances de facturation", "planned", "16", date(2023, 6, 30),
     "Moins de tâches quotidiennes, plus de temps pour l'activité."),
    ("Outils", "Tutoriels vidéo du Nuage", "proposed", "12", None, ""),
    ("Wiki et documentation", "Guide de la note de frais", "planned", "3.5", date(2023, 2, 28),
     ""),
    ("Accompagnement pair à pair", "Charte de l'accompagnement pair à pair", "done", "10",
     date(2022, 9, 30), "Ce que l'on attend d'un binôme, et le temps qu'on y passe."),
    ("Accompagnement pair à pair", "Binômes d'accueil des nouvelles et nouveaux "
     "entrepreneur·es", "in_progress", "30", date(2023, 6, 30), ""),
    ("Accompagnement pair à pair", "Ateliers mensuels entre pairs", "planned", "20",
     date(2023, 12, 31), ""),
    ("Accompagnement pair à pair", "Plateforme de mentorat externe", "dropped", "8", None,
     "Abandonné : les binômes internes répondent au besoin."),
    ("Communication", "Restitution de la consultation de mai 2022", "done", "14.5",
     date(2022, 9, 15), ""),
    ("Communication", "Lettre mensuelle aux sociétaires", "in_progress", "6", None, ""),
    ("Communication", "Page de présentation des cercles", "proposed", "5.75", None, ""),
]


def _people(coop) -> list[Person]:
    return list(db.session.scalars(
        sa.select(Person).join(Membership, Membership.person_id == Person.id).where(
            Membership.cooperative_id == coop.id, Membership.status == Status.ADMITTED,
            Person.kind == PersonKind.NATURAL, Person.email.is_not(None),
            Person.email != "member@example.coop")
        .order_by(Membership.number).limit(14)))


def _role(circle, kind) -> CircleRole:
    return db.session.scalar(sa.select(CircleRole).where(CircleRole.circle_id == circle.id,
                                                         CircleRole.kind == kind))


def _dated(circle, day: date) -> None:
    """Circles were set up in 2022: date the circle and its first revision then."""
    circle.created_at = datetime.combine(day, datetime.min.time())
    for rev in db.session.scalars(sa.select(CircleRevision).where(
            CircleRevision.circle_id == circle.id)):
        rev.at = circle.created_at


def load(coops: dict, rng) -> None:
    ge = coops["grandsensemble"]
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.coop"))
    member = db.session.scalar(sa.select(Person).where(Person.email == "member@example.coop"))
    p = _people(ge)
    circles = {ROOT.name: svc.create_circle(admin, ge, ROOT, today=LAUNCH)}
    for name, purpose, domains, acc, parent in CIRCLES:
        circles[name] = svc.create_circle(admin, ge, svc.CircleDraft(
            name, purpose, domains, acc, circles[parent].id), today=LAUNCH)
    for c in circles.values():
        _dated(c, LAUNCH)
    crew = {"Cercle d'ancrage": [p[0], p[1], p[2], p[3]],
            "Outils": [p[4], member, p[5], p[6], p[7]],
            "Accompagnement pair à pair": [member, p[8], p[9], p[10]],
            "Communication": [p[11], p[12], p[13], p[1]],
            "Wiki et documentation": [p[5], p[6]]}
    for name, people in crew.items():
        for person in people:
            svc.add_member(admin, circles[name], person, LAUNCH, today=LAUNCH)
    holders = {"Cercle d'ancrage": (admin, p[0], p[1], None),
               "Outils": (p[4], p[5], p[6], p[7]),
               "Accompagnement pair à pair": (member, p[8], p[9], p[10]),
               "Wiki et documentation": (p[5], None, p[6], None)}
    for name, people in holders.items():
        for kind, person in zip((RoleKind.LEAD_LINK, RoleKind.FACILITATOR, RoleKind.SECRETARY,
                                 RoleKind.REP_LINK), people, strict=True):
            if person is not None:
                svc.assign_role(admin, _role(circles[name], kind), person, LAUNCH, today=LAUNCH)
    # Communication changed lead link at the turn of the year: a past term in its history.
    comm = circles["Communication"]
    lead = _role(comm, RoleKind.LEAD_LINK)
    svc.assign_role(admin, lead, p[11], LAUNCH, date(2022, 12, 31), today=LAUNCH)
    svc.assign_role(admin, lead, p[12], date(2023, 1, 1), today=LAUNCH)
    svc.assign_role(admin, _role(comm, RoleKind.FACILITATOR), p[13], LAUNCH, today=LAUNCH)
    svc.edit_circle(admin, comm, svc.CircleDraft(
        comm.name, "Améliorer la communication interne et rendre la gouvernance partagée "
        "lisible par toutes et tous, sociétaires comme équipe permanente.",
        comm.domains + "\nLa page des cercles", comm.accountabilities +
        "\nPréparer la communication de l'assemblée générale", comm.parent_id), today=LAUNCH)
    db.session.scalars(sa.select(CircleRevision).where(CircleRevision.circle_id == comm.id)
                       .order_by(CircleRevision.id.desc())).first().at = datetime(2022, 9, 12, 10)
    nuage = svc.add_role(admin, circles["Outils"], svc.RoleDraft(
        "Référent·e Nuage", "Être le point d'entrée des questions sur le Nuage.",
        "Répondre aux questions sur le chat du Nuage\nRelire les contributions du cercle",
        reviews=True), today=LAUNCH)
    svc.assign_role(admin, nuage, member, date(2022, 9, 1), today=LAUNCH)
    for name, title, status, hours, due, description in CHANTIERS:
        circle = circles[name]
        people = crew[name][1:3] if status != "proposed" else []
        chantier = svc.create_chantier(admin, circle, svc.ChantierDraft(
            title, description, status, hours, due, [x.id for x in people]), today=LAUNCH)
        chantier.created_at = chantier.updated_at = datetime(2022, 7, rng.randint(4, 29), 9)
