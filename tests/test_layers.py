"""The layout shows the architecture (issue 24, docs/architecture.md): each package imports
only the layers below it, and no module imports one that imports it back (not even lazily
or for type checking)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom first. `starter` (the staff CLI) and `web` are the top floor; the CLI may start the
# web service (`mieux web`, `mieux dev`), the web service never imports the CLI.
LAYERS = [
    "glossary",
    "config",
    "store",
    "activities",
    "workflows",
    "worker",
    "reads",
    "simulation",
    "web",
    "starter",
]


def _modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def test_each_package_imports_only_the_layers_below_it():
    modules = _modules()
    upward = []
    for name, path in modules.items():
        layer = LAYERS.index(name.split(".")[0])
        for imported in _imports(path, modules):
            if LAYERS.index(imported.split(".")[0]) > layer:
                upward.append(f"{name} -> {imported}")
    assert upward == []


def test_no_module_imports_one_that_imports_it_back():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert circles == []


def test_the_layers_cover_every_package():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= set(LAYERS), packages - set(LAYERS)
