"""The project's modules import one another one way: no import cycles.

A cycle hidden in a function (an `import` inside a method, run when it is called) is still a
cycle, so imports anywhere in a file count; only those under `if TYPE_CHECKING:` do not, as
they never run. The graph is read from the source with `ast`, nothing is imported.

A module depends on each module it names and, as Python runs it first, on each package above
that one, except the packages the importing module itself sits in: those are already being
imported when it runs (autograd/__init__.py importing autograd.engine is no cycle). A name
taken from such a package (`from autograd import Value` inside autograd/) is a dependency,
since the package may not have defined it yet.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Each module's dotted name -> its file; a package is named by its __init__.py."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def imports_in(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of a file, at any depth, but none under `if TYPE_CHECKING:`."""
    found = []
    stack: list[ast.AST] = [tree]
    while stack:  # a walk of our own, to skip the TYPE_CHECKING blocks
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda statement: statement.lineno)


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """module -> {module it depends on: where, as `path:line`}, among the project's modules."""
    modules = module_files(root, packages)
    graph: dict[str, dict[str, str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        own_packages = set(_ancestors(name)) | ({name} if is_package else set())
        edges = graph.setdefault(name, {})
        for statement in imports_in(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(statement, ast.Import):
                named = [alias.name for alias in statement.names]
            else:
                base = statement.module or ""
                if statement.level:  # relative: from . import x, from ..engine import y
                    here = name.split(".") if is_package else name.split(".")[:-1]
                    up = here[: len(here) - statement.level + 1]
                    base = ".".join(up + ([base] if base else []))
                # `from package import submodule` names the submodule; any other name, the module
                named = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in statement.names
                ]
            where = f"{path.relative_to(root)}:{statement.lineno}"
            for target in named:
                run_first = [p for p in _ancestors(target) if p not in own_packages]
                for dependency in [*run_first, target]:
                    if dependency in modules and dependency != name:
                        edges.setdefault(dependency, where)
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """One cycle for each group of modules that import one another, as [a, b, ..., a].

    The groups are the strongly connected components (Tarjan's algorithm, without recursion).
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: dict[str, dict[str, str]], group: set[str]) -> list[str]:
    """The shortest way from the group's first module back to itself (breadth first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        reached = []
        for node in frontier:
            for child in sorted(graph[node]):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child in group and child not in came_from:
                    came_from[child] = node
                    reached.append(child)
        frontier = reached
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")


def describe(graph: dict[str, dict[str, str]], cycle: list[str]) -> str:
    """`a -> b (a.py:3) -> a (b.py:7)`: each import of the cycle, and where it is."""
    steps = [f"{b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return " -> ".join([cycle[0], *steps])


def test_the_project_has_no_import_cycle():
    graph = import_graph(ROOT, PACKAGES)
    assert "autograd.drawing" in graph["autograd.stepping"]  # the graph is read at all
    found = [describe(graph, cycle) for cycle in cycles(graph)]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_drawing_is_layered_below_stepping():
    graph = import_graph(ROOT, PACKAGES)
    drawing = [name for name in graph if name.startswith("autograd.drawing")]
    assert {"autograd.drawing.names", "autograd.drawing.dot"} <= set(drawing)
    for name in drawing:
        assert "autograd.stepping" not in graph[name], name
    names = graph["autograd.drawing.names"]
    assert not [n for n in names if n.startswith("autograd.drawing.")], "names.py is the bottom"


def write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import f\n",  # a package importing its own: fine
            "pkg/a.py": "from pkg import b\n\ndef f():\n    return b\n",
            "pkg/b.py": "def g():\n    from pkg.a import f  # hidden here\n    return f\n",
            "pkg/c.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg import a\n",
        },
    )
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.c"] == {}  # an import under TYPE_CHECKING never runs
    assert "pkg" not in graph["pkg.a"]  # nor is the package pkg.a sits in a dependency
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
    assert describe(graph, cycles(graph)[0]) == "pkg.a -> pkg.b (pkg/a.py:1) -> pkg.a (pkg/b.py:2)"


def test_the_check_counts_the_packages_python_runs_first(tmp_path):
    # low.py takes one name from top/sub/__init__.py, which imports high.py, which needs low.py.
    write(
        tmp_path,
        {
            "top/__init__.py": "",
            "top/low.py": "from top.sub.names import x\n",
            "top/sub/__init__.py": "from top import high\n",
            "top/sub/names.py": "x = 1\n",
            "top/high.py": "from .low import *\n",
        },
    )
    graph = import_graph(tmp_path, ("top",))
    assert set(graph["top.low"]) == {"top.sub", "top.sub.names"}
    assert set(graph["top.high"]) == {"top.low"}  # a relative import, resolved
    assert cycles(graph) == [["top.high", "top.low", "top.sub", "top.high"]]


def test_import_autograd_loads_the_engine_only():
    # The checks, the compiler, the drawings, stepping and the explorer load on first use.
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import autograd, sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    for lazy in ("autograd.checks", "autograd.compiler", "autograd.drawing", "autograd.explorer"):
        assert lazy not in loaded
    assert "autograd.stepping" not in loaded and "graphviz" not in loaded
    assert "autograd.engine" in loaded


def test_every_name_loaded_on_first_use_is_the_modules_own():
    import importlib

    import autograd

    for name, module in autograd._ON_FIRST_USE.items():
        assert getattr(autograd, name) is getattr(importlib.import_module(module), name)
        assert name in dir(autograd)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        autograd.no_such_name  # noqa: B018
