"""Demo assemblies: the joint extraordinary assembly of 29 November 2021 (SmartFr,
GrandsEnsemble, Alterna) that voted the continuation plan, closed with its minutes published;
and SmartFr's upcoming ordinary assembly, convened, that members can answer."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from governance.models import Person
from governance.platform.clock import utcnow
from governance.platform.extensions import db
from votes import bureau
from votes.crypto import group as g
from votes.demo import HOLDERS, PLAN_NOTE, PLAN_TEXT, seed

from .models import Participant, Presence
from .services import attendance, convocation, keys, minutes, prepare, proxies, voting

SEEDS = [seed(n) for n in (1, 2, 3)]  # the demo key holders' codes (README.md)
DRAW = g.seeded(b"coopgov demo assemblies")  # the demo browsers' randomness

SITTING = datetime(2021, 11, 29, 13, 0)  # 14:00 in Paris
# Per cooperative: shares of the roll in the room, online, voting in advance, giving a proxy
# to someone in the room, giving a blank proxy; and the room's votes (for, against, abstain).
ATTENDANCE = {"smartfr": (0.12, 0.2, 0.12, 0.06, 0.04, (85, 9, 6)),
              "grandsensemble": (0.2, 0.25, 0.1, 0.05, 0.05, (90, 5, 5)),
              "alterna": (0.4, 0.2, 0.1, 0.05, 0.0, (95, 0, 5))}
DEBATES = """Le président de séance ouvre l'assemblée à 14 h et rappelle l'ordre du jour.

La directrice générale présente le plan de continuation : amélioration des comptes
d'exploitation 2021, reconstitution des capitaux propres selon la logique « 1+1 » avec Smart
Belgique, équilibre économique visé d'ici 2024, et quatre mesures de redéveloppement.

Plusieurs sociétaires interrogent le conseil sur l'accompagnement des entrepreneur·es pendant
la période d'observation et sur la gouvernance partagée entre les coopératives du groupe.
Le conseil répond que le suivi sera assuré par une instance réunissant des administrateurs de
SmartCoop, SmartFr, SmartBe et GrandsEnsemble.

Personne ne demandant plus la parole, les résolutions sont mises aux voix."""


def _person(email: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def load(coops: dict, rng) -> None:
    """Add the demo assemblies; called by `governance.demo` inside its transaction."""
    admin, board = _person("admin@example.coop"), _person("board@example.coop")
    _continuation_plan(coops, rng, admin, board)
    _upcoming(coops, admin, board)


def _continuation_plan(coops, rng, admin, board) -> None:
    smartfr = coops["smartfr"]
    assembly = prepare.create_assembly(admin, smartfr, prepare.AssemblyDraft(
        title="Assemblée générale extraordinaire du 29 novembre 2021", kind="extraordinary",
        starts_at=SITTING, place="Paris, 10 rue des Coopératives, et en ligne",
        online_link="https://visio.example.coop/age-2021",
        others=[coops["grandsensemble"], coops["alterna"]]))
    prepare.add_item(admin, assembly, "Rapport du conseil d'administration sur la situation "
                                      "du groupe")
    prepare.add_item(admin, assembly, "Présentation du plan de continuation des activités")
    prepare.add_document(admin, assembly, "Plan de continuation - note de synthèse.md",
                         PLAN_NOTE.encode())
    plan = prepare.add_resolution(admin, assembly, "Plan de continuation des activités",
                                  PLAN_TEXT, board_approved=True)
    powers = prepare.add_resolution(
        admin, assembly, "Pouvoirs pour les formalités",
        "L'assemblée donne tous pouvoirs au porteur d'une copie du présent procès-verbal pour "
        "accomplir les formalités légales.", board_approved=True)
    holders = _hold_ceremonies(admin, assembly)
    convocation.convene(admin, assembly, now=SITTING - timedelta(days=19), notify=False)
    prepare.set_bureau(admin, assembly, board, admin, "Camille Dupont, Lucas Martin")
    room = _attendance(assembly, rng, admin)
    voting.open_sitting(admin, assembly, now=SITTING)
    voting.open_resolutions(admin, [plan, powers])
    for resolution in (plan, powers):
        for person_id, coop_slug in room:
            weights = ATTENDANCE[coop_slug][5]
            choice = rng.choices(["for", "against", "abstain"], weights)[0]
            person = db.session.get(Person, person_id)
            voting.cast_for_all(person, resolution, None, {
                f"{resolution.id}-{t.id}": _sealed(resolution, t.cooperative_id, choice)
                for t in voting.ballot_targets(person, resolution)})
    voting.close_assembly(admin, assembly, now=SITTING + timedelta(hours=3))
    for r in (plan, powers):  # holders 1 and 3 open the boxes; holder 2's key is not needed
        for rv in r.votes:
            bureau.open_box(rv.vote, [(holders[0], SEEDS[0], 1), (holders[2], SEEDS[2], 3)],
                            DRAW)
    minutes.save_minutes(admin, assembly, DEBATES)
    minutes.approve_minutes(board, assembly, now=SITTING + timedelta(days=7))
    minutes.publish_minutes(admin, assembly, now=SITTING + timedelta(days=8))


def _hold_ceremonies(admin, assembly) -> list[Person]:
    """The demo key holders make the keys of every resolution's vote (as for SmartFr's own
    votes); returns them."""
    holders = [_person(e) for e in HOLDERS]
    keys.name_key_holders(admin, assembly, holders, 2)
    for r in assembly.resolutions:
        for rv in r.votes:
            bureau.run_ceremony(rv.vote, holders, SEEDS, 2, DRAW)
    return holders


def _sealed(resolution, cooperative_id: int, choice: str) -> dict:
    """The ballot a voter's browser posts for `choice` on the cooperative's vote."""
    vote = next(rv.vote for rv in resolution.votes if rv.cooperative_id == cooperative_id)
    return bureau.encrypt_ballot(vote, choice, DRAW)


def _attendance(assembly, rng, admin) -> list[tuple[int, str]]:
    """Answers, proxies, advance votes and check-ins drawn per cooperative; returns who votes
    in the sitting (person id, cooperative slug)."""
    voters = []
    for coop in assembly.cooperatives:
        in_room, online, advance, proxy, blank, _votes = ATTENDANCE[coop.slug]
        places = db.session.scalars(sa.select(Participant).where(
            Participant.assembly_id == assembly.id, Participant.cooperative_id == coop.id)
            .order_by(Participant.number)).all()
        present = []
        for place in places:
            draw = rng.random()
            person = db.session.get(Person, place.person_id)
            if draw < in_room + online:
                how = Presence.IN_PERSON if draw < in_room else Presence.ONLINE
                attendance.answer(person, place, str(how))
                attendance.check_in(admin, place, str(how), now=SITTING)
                present.append(place)
            elif draw < in_room + online + advance:
                voting.vote_in_advance(person, place, {
                    r.id: _sealed(r, coop.id, rng.choices(["for", "against", "abstain"],
                                                          (80, 12, 8))[0])
                    for r in assembly.resolutions})
            elif draw < in_room + online + advance + blank:
                proxies.give_proxy(person, place, None)
            elif draw < in_room + online + advance + blank + proxy and present:
                holder = present[rng.randrange(len(present))]
                try:
                    given = proxies.give_proxy(person, place, holder.number)
                except Exception:  # the holder carries the most proxies allowed
                    continue
                proxies.answer_proxy(db.session.get(Person, holder.person_id), given, True)
        voters += [(p.person_id, coop.slug) for p in present]
    return voters


def _upcoming(coops, admin, board) -> None:
    """SmartFr's next ordinary assembly, convened 20 days ahead: members can answer it."""
    smartfr = coops["smartfr"]
    now = utcnow().replace(second=0, microsecond=0)
    assembly = prepare.create_assembly(admin, smartfr, prepare.AssemblyDraft(
        title=f"Assemblée générale ordinaire {now.year + 1}", kind="ordinary",
        starts_at=now + timedelta(days=20), place="Paris, 10 rue des Coopératives",
        online_link="https://visio.example.coop/ago"))
    prepare.add_item(admin, assembly, "Rapport de gestion du conseil d'administration")
    prepare.add_item(admin, assembly, "Rapport du commissaire aux comptes")
    for title, text, approved in [
        ("Approbation des comptes de l'exercice",
         "L'assemblée approuve les comptes de l'exercice tels qu'ils lui ont été présentés.",
         True),
        ("Affectation du résultat",
         "L'assemblée décide d'affecter le résultat en totalité aux réserves impartageables.",
         True),
        ("Motion : un budget contributif pour les cercles",
         "Proposée par des sociétaires : l'assemblée demande au conseil de doter les cercles "
         "contributifs d'un budget annuel.", False)]:
        prepare.add_resolution(admin, assembly, title, text, board_approved=approved)
    _hold_ceremonies(admin, assembly)
    convocation.convene(admin, assembly, now=now, notify=False)
    prepare.set_bureau(admin, assembly, board, admin, "")
