"""The package's modules import each other without a cycle, counting imports inside functions.

A cycle that only works because one side imports late is still a cycle: the two
modules cannot be understood, tested or moved apart.
"""

from __future__ import annotations

import ast
from collections import deque
from itertools import pairwise
from pathlib import Path
from typing import TypeGuard

from conftest import REPO

PACKAGE = REPO / "pipeline"

Edges = dict[str, dict[str, int]]  # module -> {imported module: line of the first such import}


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> tuple[Edges, dict[str, Path]]:
    """Every module of the package → the modules of the package it imports, anywhere in it."""
    files = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph: Edges = {}
    for name, path in files.items():
        graph[name] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        type_only = {id(inner) for node in ast.walk(tree) if _is_type_checking(node)
                     for statement in node.body for inner in ast.walk(statement)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in type_only:
                continue
            for target in _imported(node, name, path.name == "__init__.py"):
                found = _known(target, files)
                if found is not None and found != name:
                    graph[name].setdefault(found, node.lineno)
    return graph, files


def _is_type_checking(node: ast.AST) -> TypeGuard[ast.If]:
    """An ``if TYPE_CHECKING:`` block: its imports are read by type checkers, never run."""
    return (isinstance(node, ast.If) and isinstance(node.test, (ast.Name, ast.Attribute))
            and (getattr(node.test, "id", None) or getattr(node.test, "attr", None))
            == "TYPE_CHECKING")


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may load: a module, or a name from one."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        here = module.split(".") if is_package else module.split(".")[:-1]
        anchor = here[:len(here) - node.level + 1]
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    # ``from a import b`` loads the module a.b when there is one, else takes a name from a.
    return [f"{base}.{alias.name}" for alias in node.names]


def _known(target: str, files: dict[str, Path]) -> str | None:
    """The package's module a dotted name belongs to (a name in a module: that module)."""
    while target and target not in files:
        target = target.rpartition(".")[0]
    return target or None


def cycles(graph: Edges) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph[node]:
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def shortest_cycle(graph: Edges, component: set[str]) -> list[str]:
    """One shortest loop through the component, to print: [a, b, ..., a]."""
    start = min(component)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for neighbour in sorted(graph[node]):
            if neighbour not in component:
                continue
            if neighbour == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if neighbour not in came_from:
                came_from[neighbour] = node
                queue.append(neighbour)
    raise AssertionError(f"no loop through {sorted(component)}")


def describe(graph: Edges, files: dict[str, Path], loop: list[str]) -> str:
    steps = [f"  {files[a].relative_to(REPO).as_posix()}:{graph[a][b]}: {a} imports {b}"
             for a, b in pairwise(loop)]
    return " -> ".join(loop) + "\n" + "\n".join(steps)


def test_no_module_of_the_package_takes_part_in_an_import_cycle() -> None:
    graph, files = import_graph()
    unexpected = cycles(graph)
    assert not unexpected, "import cycles:\n" + "\n".join(
        describe(graph, files, shortest_cycle(graph, component)) for component in unexpected)


def test_the_walk_sees_imports_inside_functions_and_relative_ones(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def late():\n    from pkg.sub import b\n")
    (package / "sub" / "__init__.py").write_text("from . import b\n")
    (package / "sub" / "b.py").write_text("from ..a import late\n")
    graph, _ = import_graph(package)
    assert graph == {"pkg": {}, "pkg.a": {"pkg.sub.b": 2}, "pkg.sub": {"pkg.sub.b": 1},
                     "pkg.sub.b": {"pkg.a": 1}}
    assert cycles(graph) == [{"pkg.a", "pkg.sub.b"}]
    assert shortest_cycle(graph, {"pkg.a", "pkg.sub.b"}) == ["pkg.a", "pkg.sub.b", "pkg.a"]
