"""The package's floors: every import runs down (or along) the flow inputs -> scenario -> model -> solve ->
results -> report -> studies -> runs -> cli, nothing imports the CLI, and module imports form no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "gzpower"

#: bottom to top; a module may import from its own floor and the floors below
FLOORS: tuple[tuple[str, ...], ...] = (
    ("gzpower", "gzpower.errors", "gzpower.assumptions", "gzpower.types"),
    ("gzpower.inputs",),
    ("gzpower.pipeline", "gzpower.scenario"),
    ("gzpower.model",),
    ("gzpower.solve",),
    ("gzpower.results",),
    ("gzpower.report",),
    ("gzpower.studies",),
    ("gzpower.runs",),
    ("gzpower.cli", "gzpower.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor_of(module: str) -> int:
    best, level = -1, None
    for i, names in enumerate(FLOORS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, level = len(name), i
    assert level is not None, f"{module} is on no floor: add it to FLOORS"
    return level


def imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        targets = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gzpower"):
                targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("gzpower"))
    return graph


def test_every_import_runs_down_a_floor():
    upward = [(src, dst) for src, dsts in imports().items() for dst in dsts if floor_of(dst) > floor_of(src)]
    assert upward == []


def test_no_library_module_imports_the_cli():
    into_cli = [
        (src, dst)
        for src, dsts in imports().items()
        for dst in dsts
        if dst.startswith("gzpower.cli") and floor_of(src) < floor_of("gzpower.cli")
    ]
    assert into_cli == []


def test_module_imports_have_no_cycle():
    graph = nx.DiGraph()
    modules = imports()
    for src, dsts in modules.items():
        for dst in dsts:
            # a package's __init__ re-exporting its own modules is its face, not a cycle of the flow
            if dst != src and dst in modules and not dst.startswith(src + "."):
                graph.add_edge(src, dst)
    assert list(nx.simple_cycles(graph)) == []


def long_functions(limit: int = 80) -> list[tuple[str, str, int]]:
    """(module, function, lines) of every function or method in the package longer than ``limit`` lines."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append((module_name(path), node.name, length))
    return found


def test_no_function_is_longer_than_80_lines():
    assert long_functions() == []
    assert long_functions(limit=20), "the measure finds functions longer than 20 lines, so it can fail"


def test_the_floor_test_can_fail():
    assert floor_of("gzpower.cli.main") > floor_of("gzpower.model.data")
    assert floor_of("gzpower.inputs.schemas") < floor_of("gzpower.scenario.fleet")
