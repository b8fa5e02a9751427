"""The layers of the portal: each package imports only the packages in its own layer or below.

The test reads every Python file of the project (as test_access walks every URL) and
follows its imports, including those inside functions. A package that is not in the table
fails, so a new app has to take its place in the layers before it can be used.
"""

import ast
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# Lowest first. A package may import from its own layer and those below it, never above.
LAYERS = [
    # Shared parts with no models: GOV.UK form layout and template tags, middleware, addresses.
    # With them, bookkeeping that knows no domain: the outbox of background jobs, rate-limit counts.
    # Rendered parts of pages kept until the data next changes.
    {"core", "outbox", "limits", "caching"},
    # The audit log records changes to every model through signals; it needs no app's code.
    {"audit"},
    # Accounts (app label "portal"): the user, roles, organisations' people, two-factor sign-in.
    {"portal"},
    # The strategy: objectives, actions, organisations.
    {"objectives"},
    # Performance indicators and their figures, measured against the strategy.
    {"indicators"},
    # Published statistics, built on the indicators.
    {"comparisons"},
    # The Board and its evaluation reports, which draw on all of the above; single sign-on beside it.
    # The councillors' newsletter sits with them: it names the Board's next meeting.
    {"board", "sso", "communications"},
    # The API for reporting tools serves the apps above; nothing imports it but the URLs.
    {"api"},
    # The portal as a whole: home pages, health checks, navigation, loading and backing up.
    {"home"},
    # Settings, URLs, the Celery app, WSGI/ASGI.
    {"config"},
    # What runs the portal from outside: manage.py, the benchmarks and the tests.
    {"manage", "benchmarks", "tests"},
]
LAYER_OF = {package: number for number, layer in enumerate(LAYERS) for package in layer}
SKIPPED_FOLDERS = {"node_modules", "staticfiles", "media", "__pycache__"}


def project_files() -> list[Path]:
    files = []
    for path in sorted(PROJECT.rglob("*.py")):
        parts = path.relative_to(PROJECT).parts
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts):
            continue
        files.append(path)
    return files


def package_of(path: Path) -> str:
    parts = path.relative_to(PROJECT).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in the file; relative ones stay in their package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def project_imports() -> list[tuple[str, str, str]]:
    """(importing package, imported package, where) for imports between the project's packages."""
    packages = {package_of(path) for path in project_files()}
    imports = []
    for path in project_files():
        importer = package_of(path)
        for line, module in imported_modules(path):
            imported = module.split(".")[0]
            if imported in packages and imported != importer:
                imports.append((importer, imported, f"{path.relative_to(PROJECT)}:{line} imports {module}"))
    return imports


def layer_violations(imports) -> list[str]:
    return [
        f"{where}: {importer} (layer {LAYER_OF[importer]}) may not import {imported} "
        f"(layer {LAYER_OF[imported]}, above it)"
        for importer, imported, where in imports
        if LAYER_OF[imported] > LAYER_OF[importer]
    ]


def package_cycles(imports) -> list[list[str]]:
    """Every cycle between packages, found by a depth-first walk of the package graph."""
    graph = defaultdict(set)
    for importer, imported, _ in imports:
        graph[importer].add(imported)
    cycles, finished = [], set()

    def visit(package, trail):
        if package in trail:
            cycles.append(trail[trail.index(package) :] + [package])
            return
        if package in finished:
            return
        for imported in sorted(graph[package]):
            visit(imported, trail + [package])
        finished.add(package)

    for package in sorted(graph):
        visit(package, [])
    return cycles


def test_every_package_has_a_layer():
    packages = {package_of(path) for path in project_files()}
    assert packages - set(LAYER_OF) == set(), "Give each new package its place in LAYERS"


def test_no_import_points_up_a_layer():
    assert layer_violations(project_imports()) == []


def test_no_two_packages_import_each_other():
    assert package_cycles(project_imports()) == []


def test_the_walk_sees_the_imports_it_checks():
    """The table is only worth something if the walk finds the project's real imports."""
    imports = {(importer, imported) for importer, imported, _ in project_imports()}
    assert ("indicators", "objectives") in imports
    assert ("home", "board") in imports
    assert ("objectives", "indicators") not in imports


def test_an_upward_import_or_a_cycle_is_reported():
    upward = [("core", "objectives", "core/example.py:1 imports objectives.models")]
    assert layer_violations(upward) == [
        "core/example.py:1 imports objectives.models: core (layer 0) may not import objectives "
        "(layer 3, above it)"
    ]
    same_layer_both_ways = [
        ("comparisons", "communications", "comparisons/a.py:1"),
        ("communications", "comparisons", "communications/b.py:1"),
    ]
    assert package_cycles(same_layer_both_ways) == [["communications", "comparisons", "communications"]]
