"""The packages' import graph, read with `ast`: no module-level import cycle, and imports only
in the allowed direction (assemblies → votes → governance, contributions → circles →
governance; governance imports none of them); other packages use of governance only its platform's
public names and the few modules of its domain listed in `GOVERNANCE_API`."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"governance": set(), "votes": {"governance"},
           "assemblies": {"votes", "governance"}, "circles": {"governance"},
           "contributions": {"circles", "governance"}}

# What other packages may import of governance, besides `governance.platform`'s public names.
GOVERNANCE_API = {"governance", "governance.models", "governance.permissions", "governance.rules",
                  "governance.views.common", "governance.services.two_factor", "governance.forms",
                  "governance.forms.coops", "governance.demo"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for pkg in ALLOWED for p in (ROOT / pkg).rglob("*.py")}


def targets(module: str, path: Path, node) -> set[str]:
    """The project modules an import statement names (a package, or its submodule)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in MODULES}
    base = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(max(node.level - 1, 0)):
        base = base.rpartition(".")[0]
    source = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
    found = set()
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        found.add(sub if sub in MODULES else source)
    return found & set(MODULES)


def graph(top_level_only: bool) -> dict[str, set[str]]:
    edges = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        nodes = tree.body if top_level_only else ast.walk(tree)
        edges[module] = set().union(*(targets(module, path, n) for n in nodes
                                      if isinstance(n, ast.Import | ast.ImportFrom))) - {module}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    edges = graph(top_level_only=True)
    assert "governance.models" in edges["governance.services.register"]
    assert "governance.views.common" in edges["governance.views.register"]


def test_no_module_level_import_cycle():
    assert cycles(graph(top_level_only=True)) == []


def test_a_cycle_is_caught():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_go_one_way_between_packages():
    against = sorted((m, t) for m, ts in graph(top_level_only=False).items() for t in ts
                     if t.split(".")[0] != m.split(".")[0]
                     and t.split(".")[0] not in ALLOWED[m.split(".")[0]])
    assert against == []


def foreign_imports():
    """(importing module, imported module, name) of every import of governance from outside."""
    for module, path in MODULES.items():
        if module.split(".")[0] == "governance":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and \
                    (node.module or "").split(".")[0] == "governance":
                for alias in node.names:
                    yield module, node.module, alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "governance":
                        yield module, alias.name, None


def test_other_packages_use_governance_through_its_platform_and_api():
    found = list(foreign_imports())
    assert ("votes.models", "governance.platform.extensions", "db") in found
    outside = sorted({(m, source) for m, source, name in found
                      if source not in GOVERNANCE_API and f"{source}.{name}" not in GOVERNANCE_API
                      and not source.startswith("governance.platform")})
    private = sorted((m, f"{source}.{name}") for m, source, name in found
                     if name and name.startswith("_"))
    assert (outside, private) == ([], [])


FEATURES = {"votes": "votes", "assemblies": "assemblies", "circles": "circles",
            "contributions": "contributions", "governance": "governance",
            "governance/capital": "capital", "governance/board": "board",
            "governance/contracts": "contracts"}
ROOMS = ("blueprint", "models", "rules", "services", "queries", "views", "forms", "demo")


def missing_rooms(package: Path, name: str) -> list[str]:
    """The rooms a feature package lacks: each as a module or a package, and its own pages in
    `templates/<name>/`."""
    lacking = [room for room in ROOMS
               if not (package / f"{room}.py").is_file() and not (package / room).is_dir()]
    if not any((package / "templates" / name).glob("*.html")):
        lacking.append(f"templates/{name}/")
    return lacking


def test_every_feature_package_has_the_same_rooms():
    assert {path: missing_rooms(ROOT / path, name) for path, name in FEATURES.items()} == {
        path: [] for path in FEATURES}


def test_a_missing_room_is_found(tmp_path):
    (tmp_path / "models.py").write_text("")
    (tmp_path / "views").mkdir()
    assert missing_rooms(tmp_path, "x") == ["blueprint", "rules", "services", "queries", "forms",
                                            "demo", "templates/x/"]


def test_templates_are_found_only_in_their_feature():
    """A page named for a feature lives in that feature's folder, not in governance's."""
    strays = sorted(p.name for p in (ROOT / "governance/templates/governance").glob("*.html")
                    if p.stem.lstrip("_").split("_")[0] in {"capital", "board", "campaign",
                                                             "campaigns", "contracts"})
    assert strays == []
