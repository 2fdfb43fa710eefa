"""planner/ is layered: each domain imports only the domains below it, nothing imports in a circle, and no
module of the core imports streamlit. The graph is read from the source (every import statement, including
those inside functions and under TYPE_CHECKING), so a lazy import cannot hide a cycle or a layer breach."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLANNER = ROOT / "planner"

#: The layers from the bottom up. A module may import its own layer and the layers before it, never after.
LAYERS = (
    "core",
    "tables",
    "methodology",
    "field",
    "optimiser",
    "tracking",
    "charts",
    "files",
    "store",
    "cli",
)
#: Modules of the package root that belong to a layer: `python -m planner` is the CLI.
ROOT_MODULES = {"planner": "core", "planner.__main__": "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path for path in sorted(PLANNER.rglob("*.py")) if "migrations" not in path.parts
    }


def imported(path: Path) -> Iterator[tuple[str, int]]:
    """Every module `path` imports, with the line: `from a.b import c` names a.b.c when c is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    known = modules()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield (submodule if submodule in known else node.module), node.lineno


@cache
def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {target for target, _ in imported(path) if target in known and target != name}
        for name, path in known.items()
    }


def layer_of(module: str) -> str:
    if module in ROOT_MODULES:
        return ROOT_MODULES[module]
    return module.split(".")[1]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle or a knot of them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_planner_imports_another_in_a_circle() -> None:
    assert cycles(graph()) == []


def test_every_module_of_planner_sits_in_a_known_layer() -> None:
    assert {layer_of(m) for m in modules()} <= set(LAYERS)
    assert {layer_of(m) for m in modules()} == set(LAYERS), "a layer with no module: drop it from LAYERS"


def test_lower_layers_never_import_higher_ones() -> None:
    breaches = []
    for name, path in modules().items():
        mine = LAYERS.index(layer_of(name))
        for target, line in imported(path):
            if target.startswith("planner") and target in modules():
                theirs = LAYERS.index(layer_of(target))
                if theirs > mine:
                    breaches.append(f"{path.relative_to(ROOT)}:{line} ({layer_of(name)}) imports {target}")
    assert breaches == []


def test_the_layering_check_would_catch_a_breach() -> None:
    """The field importing the optimiser is a breach: the check itself must be able to fail."""
    assert LAYERS.index(layer_of("planner.optimiser.solver")) > LAYERS.index(
        layer_of("planner.field.ranking")
    )


def test_the_core_never_imports_streamlit() -> None:
    users = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules().values()
        for target, line in imported(path)
        if target.split(".")[0] == "streamlit"
    ]
    assert users == []


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if (PLANNER / layer / "__init__.py").exists()])
def test_each_domain_says_what_it_owns_and_what_it_may_import(layer: str) -> None:
    """The docstring of each subpackage names the layers below it under "May import:", in the same words as
    LAYERS, so the README map and the code cannot drift apart."""
    doc = ast.get_docstring(ast.parse((PLANNER / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"planner/{layer}/__init__.py has no docstring"
    assert "May import:" in doc
    allowed = doc.split("May import:", 1)[1]
    below = LAYERS[: LAYERS.index(layer)]
    above = LAYERS[LAYERS.index(layer) + 1 :]
    if "every layer" not in allowed:
        assert all(f"planner.{lower}" in allowed for lower in below if (PLANNER / lower).is_dir()), allowed
    assert not any(f"planner.{higher}" in allowed for higher in above), allowed
