"""The layers of ``app/`` (ARCHITECTURE "The two layers"): read from the source with ``ast``,
every import counts — module level, inside functions, under ``TYPE_CHECKING``.

A module may import modules of its own layer or of lower layers, never of a higher one; no
import cycle, not even through a function-local import; ``app`` never imports ``ui`` or Qt.
A new module must be given its layer here, on purpose.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module belongs to the layer of the longest prefix that names it
# ("app.aws.partition" before "app.aws", "app.aws" before "app").
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # Plain data and small utilities every part speaks. app.aws.partition is pure facts about
    # AWS partitions (no calls, no session): the model's console links are rewritten with it.
    ("foundation", ("app", "app.model", "app.errors", "app.text_safety", "app.nesting", "app.account_id",
                    "app.storage", "app.locks", "app.keyring_access", "app.aws.partition")),
    # AWS access: one context per connection, typed errors, the per-run snapshot; and the
    # other ways out of the process (desktop notifications).
    ("aws", ("app.aws", "app.notify")),
    # What Rootwarden knows and does: checks, fixes, records, export formats, text renderers,
    # profiles, the practice account, organization mode (app.org).
    ("domain", ("app.checks", "app.fixes", "app.record", "app.export", "app.text", "app.practice", "app.profiles", "app.org",
                "app.event_pattern", "app.root_activity", "app.mfa_enrollment", "app.steps_text")),
    # Putting the domain together: connecting, running checks, the wizard's session, flow and
    # step descriptions, a verification run, schedules, the policy of everything called.
    ("orchestration", ("app.connection", "app.runner", "app.session", "app.flow", "app.steps", "app.verification",
                       "app.schedule", "app.policy")),
    # The command line, on top of everything in app/.
    ("cli", ("app.cli",)),
]
FORBIDDEN_TOP_LEVEL = ("ui", "PySide6", "shiboken6")


def modules(package_dir: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under ``package_dir``."""
    found = {}
    for path in package_dir.rglob("*.py"):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported dotted name, line) for every import statement in the file, wherever it is.
    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (c may be a module or a name in a.b)."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def graph(package_dir: Path) -> tuple[dict[str, Path], dict[str, dict[str, int]], list[str]]:
    """The modules, the edges between them (with a line of each), and forbidden imports."""
    mods = modules(package_dir)
    edges: dict[str, dict[str, int]] = {m: {} for m in mods}
    forbidden = []
    for name, path in mods.items():
        for target, line in imports(name, path):
            if target.split(".")[0] in FORBIDDEN_TOP_LEVEL:
                forbidden.append(f"{path.relative_to(package_dir.parent)}:{line} imports {target}")
            elif target in mods and target != name:
                edges[name].setdefault(target, line)
    return mods, edges, forbidden


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str, layers: list[tuple[str, tuple[str, ...]]] = LAYERS) -> tuple[int, str] | None:
    best: tuple[int, int, str] | None = None  # (prefix length, layer index, layer name)
    for rank, (layer, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), rank, layer)
    return (best[1], best[2]) if best else None


def upward_imports(edges: dict[str, dict[str, int]], layers: list[tuple[str, tuple[str, ...]]] = LAYERS) -> list[str]:
    problems = []
    for module, targets in sorted(edges.items()):
        own = layer_of(module, layers)
        for target, line in sorted(targets.items()):
            theirs = layer_of(target, layers)
            if own and theirs and theirs[0] > own[0]:
                problems.append(f"{module} ({own[1]}) imports {target} ({theirs[1]}) at line {line}")
    return problems


@pytest.fixture(scope="module")
def app_graph():
    return graph(ROOT / "app")


def test_every_module_of_app_has_a_layer(app_graph):
    mods, _, _ = app_graph
    assert [m for m in sorted(mods) if layer_of(m) is None] == []


def test_no_lower_layer_imports_a_higher_one(app_graph):
    _, edges, _ = app_graph
    assert upward_imports(edges) == []


def test_no_import_cycle_in_app(app_graph):
    _, edges, _ = app_graph
    assert cycles(edges) == []


def test_app_never_imports_ui_or_qt(app_graph):
    _, _, forbidden = app_graph
    assert forbidden == []


def test_the_checks_catch_what_they_claim(tmp_path):
    """The walker on a small made-up package: a function-local import that closes a cycle, a
    relative import, an upward import and a Qt import are all found."""
    pkg = tmp_path / "app"
    (pkg / "aws").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "model.py").write_text("def f():\n    from app.aws import context\n")  # foundation → aws: upward
    (pkg / "aws" / "__init__.py").write_text("")
    (pkg / "aws" / "context.py").write_text("from . import snapshot\n")
    (pkg / "aws" / "snapshot.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from app.aws.context import X\n")
    (pkg / "cli.py").write_text("def g():\n    from PySide6 import QtCore\n")
    layers = [("foundation", ("app", "app.model")), ("aws", ("app.aws",)), ("cli", ("app.cli",))]

    mods, edges, forbidden = graph(pkg)
    assert sorted(mods) == ["app", "app.aws", "app.aws.context", "app.aws.snapshot", "app.cli", "app.model"]
    assert cycles(edges) == [["app.aws.context", "app.aws.snapshot"]]
    assert upward_imports(edges, layers) == ["app.model (foundation) imports app.aws (aws) at line 2",
                                             "app.model (foundation) imports app.aws.context (aws) at line 2"]
    assert forbidden == ["app/cli.py:2 imports PySide6", "app/cli.py:2 imports PySide6.QtCore"]
    assert layer_of("app.aws.partition", layers) == (1, "aws") and layer_of("app.model", layers) == (0, "foundation")
