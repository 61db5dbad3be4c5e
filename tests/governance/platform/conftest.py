"""Fixtures of the jobs and worker tests: a cooperative of the Smart group's five colleges
and its secretariat."""
from __future__ import annotations

import pytest

COLLEGES = [("entrepreneurs", "E", "2/5"), ("permanents", "P", "1/5"), ("structures", "S", "3/20"),
            ("soutiens", "So", "3/20"), ("partenaires", "Pa", "1/10")]


@pytest.fixture
def coop(make_coop):
    return make_coop("smartfr", colleges=COLLEGES)


@pytest.fixture
def admin(coop, make_person):
    return make_person("admin@example.org", "Anne", "Admin", roles={coop: "admin"})
