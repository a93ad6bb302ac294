"""The package's import graph: no module imports itself back through others, and no package reaches into another
one's private names (what another package may use is what it exports without an underscore)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "ktp_ocr"


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(name: str, modules: dict[str, Path]) -> str:
    """A package is its own package; a module belongs to the package that holds it."""
    return name if modules[name].name == "__init__.py" else name.rpartition(".")[0]


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import of the package's own modules, function-level
    imports included (they load a module all the same, only later)."""
    base = package_of(name, modules)
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == ROOT]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub, None) if sub in modules else (target, alias.name))
    return [(target, taken) for target, taken in found if target in modules]


def graph(src: Path = SRC) -> tuple[dict[str, Path], dict[str, list[tuple[str, str | None]]]]:
    modules = {module_name(p, src): p for p in (src / ROOT).rglob("*.py")}
    return modules, {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(edges: dict[str, list[tuple[str, str | None]]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), and every module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _ in edges.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or any(t == node for t, _ in edges.get(node, [])):
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def private_reaches(modules: dict[str, Path], edges: dict[str, list[tuple[str, str | None]]]) -> list[str]:
    """Imports of a ``_``-prefixed module or name that belongs to another package than the importer's."""
    found = []
    for name, targets in edges.items():
        for target, taken in targets:
            if package_of(target, modules) in (package_of(name, modules), name):
                continue
            private_module = any(part.startswith("_") and part != "__init__" for part in target.split("."))
            private_name = taken is not None and taken.startswith("_") and not taken.endswith("__")  # not a dunder
            if private_module or private_name:
                found.append(f"{name} -> {target}{'.' + taken if taken else ''}")
    return found


def test_no_import_loops() -> None:
    _, edges = graph()
    assert cycles(edges) == []


def test_no_private_names_across_packages() -> None:
    modules, edges = graph()
    assert private_reaches(modules, edges) == []


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A small package with one loop and one private reach, to show the checks can fail."""
    pkg = tmp_path / ROOT
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("from .one import run\n")
    (pkg / "a" / "one.py").write_text("def run():\n    from .two import go\n")
    (pkg / "a" / "two.py").write_text("from .one import run\ndef go(): ...\n")
    (pkg / "b.py").write_text("from .a.two import _hidden\nfrom .a import run\n")
    return tmp_path


def test_the_checks_find_a_loop_and_a_private_reach(toy: Path) -> None:
    modules, edges = graph(toy)
    assert cycles(edges) == [["ktp_ocr.a.one", "ktp_ocr.a.two"]]
    assert private_reaches(modules, edges) == ["ktp_ocr.b -> ktp_ocr.a.two._hidden"]
