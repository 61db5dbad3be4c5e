"""Demo data: the Smart France group (real entity names and figures, fictional people).

`load()` is idempotent and refuses to touch a database that holds anything but demo data,
because the demo accounts have a published password.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from .board import demo as demo_board
from .capital import demo as demo_capital
from .contracts import demo as demo_contracts
from .models import College, Cooperative, Person, PersonKind, Role, SiteMeta
from .permissions import grant
from .platform.extensions import db
from .platform.journal import record
from .platform.service import SYSTEM, service
from .services.accounts import hash_password
from .services.register import NewMember, add_member

PASSWORD = "coopgov-demo"
ACCOUNTS = {
    "admin@example.coop": "platform and cooperative admin",
    "board@example.coop": "board member of SmartFr",
    "member@example.coop": "sociétaire of SmartFr and GrandsEnsemble",
}
FIRST = ["Camille", "Léa", "Hugo", "Nora", "Inès", "Yanis", "Chloé", "Malik", "Zoé", "Louis",
         "Amina", "Jules", "Sarah", "Théo", "Lina", "Adam", "Manon", "Sacha", "Eva", "Nathan",
         "Jeanne", "Karim", "Alice", "Rayan", "Lou", "Paul", "Mila", "Omar", "Anaïs", "Tom"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand",
        "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
        "Bonnet", "François", "Martinez", "Benali", "N'Diaye", "Nguyen", "Rossi", "Haddad"]

# name, slug, legal form, nominal value, weighting, extra statutes, colleges (code, name, weight)
COOPS = [
    ("SmartFr", "smartfr", "scic_sa", "25", "colleges", {}, [
        ("entrepreneurs", "Entrepreneur·es salarié·es", "2/5"),
        ("permanents", "Salarié·es permanent·es", "1/5"),
        ("structures", "Structures associées", "3/20"),
        ("soutiens", "Soutiens et collectivités", "3/20"),
        ("partenaires", "Partenaires économiques", "1/10")]),
    ("GrandsEnsemble", "grandsensemble", "scop_sa", "30", "none", {"proxy_rule": "scop"}, []),
    ("Alterna", "alterna", "scop_sarl", "30", "none", {
        "proxy_rule": "scop", "ordinary_counting": "roll", "ordinary_quorum_first": None,
        "extraordinary_counting": "participants", "extraordinary_quorum_first": None,
        "extraordinary_quorum_second": None}, []),
    ("La Nouvelle Aventure", "la-nouvelle-aventure", "sarl_coop", "50", "none", {
        "ordinary_counting": "roll", "ordinary_quorum_first": None,
        "extraordinary_counting": "participants", "extraordinary_quorum_first": None,
        "extraordinary_quorum_second": None}, []),
]
# Other packages add their demo data here (called after the governance data, same transaction).
EXTRAS: list = []

SIZES = {"smartfr": 300, "grandsensemble": 120, "alterna": 24, "la-nouvelle-aventure": 8}
SMARTFR_MIX = [("entrepreneurs", "entrepreneur_employee", 70), ("permanents",
               "permanent_employee", 15), ("soutiens", "user", 15)]


def state() -> str:
    """'empty', 'demo' (already loaded) or 'real' (anything else: never touched)."""
    if db.session.get(SiteMeta, "demo") is not None:
        return "demo"
    has_data = db.session.scalar(sa.select(sa.func.count()).select_from(Person)) or \
        db.session.scalar(sa.select(sa.func.count()).select_from(Cooperative))
    return "real" if has_data else "empty"


def load() -> tuple[str, bool]:
    current = state()
    if current == "real":
        return ("Refused: this database holds data that is not demo data. The demo accounts "
                "have a published password and must never reach real data."), False
    if current == "demo":
        done = "Demo data already loaded: nothing changed."
    else:
        _load()
        done = "Demo data loaded."
    lines = [f"  {email:<22} {PASSWORD}   ({what})" for email, what in ACCOUNTS.items()]
    return f"{done} Demo accounts:\n" + "\n".join(lines), True


def _person(email, first, last, **kw) -> Person:
    p = Person(email=email, first_name=first, last_name=last, password_hash=hash_password(PASSWORD),
               **kw)
    p.refresh_search_name()
    db.session.add(p)
    return p


@service
def _load() -> None:
    rng = random.Random(2021)
    coops = {}
    for name, slug, form, nominal, weighting, extra, colleges in COOPS:
        coop = Cooperative(name=name, slug=slug, legal_form=form, weighting=weighting,
                           nominal_share_value=Decimal(nominal), default_locale="fr", **extra)
        coop.colleges = [College(code=c, name=n, weight=w, position=i)
                         for i, (c, n, w) in enumerate(colleges)]
        db.session.add(coop)
        coops[slug] = coop
    db.session.flush()
    admin = _person("admin@example.coop", "Anne", "Admin", is_platform_admin=True)
    board = _person("board@example.coop", "Bastien", "Bureau")
    member = _person("member@example.coop", "Maëlle", "Membre")
    db.session.flush()
    for coop in coops.values():
        grant(admin, coop, Role.ADMIN)
    grant(board, coops["smartfr"], Role.BOARD)
    record(SYSTEM, "demo.load", "site", None, after={"cooperatives": list(coops)})

    start = date(2017, 1, 1)

    def admit(coop, person=None, **data):
        on = start + timedelta(days=rng.randrange(0, 1700))
        values = dict(status="admitted", admitted_on=on, applied_on=on - timedelta(days=30),
                      admission_ref=f"CA {on:%Y-%m}", email_consent=rng.random() < 0.8) | data
        return add_member(SYSTEM, coop, NewMember(**values), person=person, check=False)

    smartfr, ge = coops["smartfr"], coops["grandsensemble"]
    admit(smartfr, member, college="entrepreneurs", category="entrepreneur_employee")
    admit(smartfr, board, college="permanents", category="permanent_employee")
    admit(ge, member, category="entrepreneur_employee")
    # Legal persons: Fondation SmartBe (90.79 % of SmartFr's shares, 10 % of the votes) and
    # the group's cooperatives holding shares in one another.
    rep = _person("representant.smartbe@example.org", "Pierre", "Représentant")
    db.session.flush()
    foundation = add_member(SYSTEM, smartfr, NewMember(
        kind="legal", legal_name="Fondation SmartBe", email="fondation@smartbe.example.org",
        representative_email=rep.email, college="partenaires", category="partner",
        status="admitted", admitted_on=date(2017, 6, 1), admission_ref="CA 2017-06"), check=False)
    foundation.person.password_hash = None
    for holder, held, college in [("grandsensemble", "smartfr", "structures"),
                                  ("alterna", "smartfr", "structures"),
                                  ("smartfr", "grandsensemble", None),
                                  ("smartfr", "alterna", None)]:
        coop = coops[holder]
        legal = db.session.scalar(sa.select(Person).where(Person.cooperative_id == coop.id))
        if legal is None:
            legal = Person(kind=PersonKind.LEGAL, legal_name=coop.name, cooperative_id=coop.id,
                           representative=admin)
            legal.refresh_search_name()
            db.session.add(legal)
            db.session.flush()
        admit(coops[held], legal, college=college, category="associated_structure")
    for slug, size in SIZES.items():
        coop = coops[slug]
        for i in range(size):
            first, last_name = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last_name}.{slug}.{i}@example.org".lower()
            email = email.replace("'", "").replace("é", "e").replace("ë", "e").replace("ï", "i")
            if slug == "smartfr":
                college, category, _w = rng.choices(SMARTFR_MIX, [w for *_, w in SMARTFR_MIX])[0]
            else:
                college, category = None, rng.choice(["entrepreneur_employee",
                                                      "permanent_employee"])
            roll = rng.random()
            extra = {"status": "candidate", "admitted_on": None, "admission_ref": ""} \
                if roll < 0.05 else {}
            m = admit(coop, email=email, first_name=first, last_name=last_name, college=college,
                      category=category, **extra)
            if roll > 0.95:
                m.status, m.left_on, m.exit_reason = "resigned", date(2022, 6, 30), "Démission"
    for extra in EXTRAS:
        extra(coops, rng)
    demo_capital.load(coops, rng)  # share ledgers, the "1+1" campaign
    demo_board.load(coops, rng)  # SmartFr's board: mandates, meetings, minutes
    demo_contracts.load(coops, rng)  # GrandsEnsemble's entrepreneurs and the delay to join
    db.session.add(SiteMeta(key="demo", value="1"))
