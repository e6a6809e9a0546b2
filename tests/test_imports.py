"""The packages' imports: no module imports another that (directly or not) imports it back,
and the floors hold (autograd imports neither nn nor viz; nn does not import viz).

Every import statement counts, inside functions too: an import cycle postponed into a function
is still two modules that cannot be understood (or loaded) one without the other."""

import ast
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")


def modules() -> Dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


def imports(name: str, path: Path, known: Set[str]) -> Set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` counts as pkg.mod)."""
    package = name if path.stem == "__init__" else name.rsplit(".", 1)[0]
    out = set()
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                   for child in block.body for n in ast.walk(child)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # `if TYPE_CHECKING:` imports are for type checkers, never run
            continue
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = package + (f".{node.module}" if node.module else "")
            if node.module is None or node.level or base in known:
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    out.add(target if target in known else base)
    out.discard(name)
    return {m for m in out if m in known}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def graph() -> Dict[str, Set[str]]:
    found = modules()
    known = set(found)
    # an __init__ that imports a module: the module comes first, not a cycle of its own making
    return {name: {m for m in imports(name, path, known) if not m.startswith(name + ".") or path.stem != "__init__"}
            for name, path in found.items()}


def cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
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
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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


def test_the_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_imports_only_go_down():
    floor = {"autograd": 0, "nn": 1, "viz": 2}
    upward = [(a, b) for a, targets in graph().items() for b in targets
              if floor[b.split(".")[0]] > floor[a.split(".")[0]]]
    assert upward == []
