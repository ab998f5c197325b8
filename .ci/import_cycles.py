"""Report every import cycle between Jointly's modules, and exit 1 if there is any.

A cycle is a strongly connected component of the import graph with more than one module. grimp (import-linter's
graph library) reads every import statement, including those inside function bodies, so a cycle "broken" by a
deferred import still counts: it still couples the two modules both ways. Imports under ``if TYPE_CHECKING:`` are
left out (they never run).

Usage: ``.venv/bin/python .ci/import_cycles.py`` from the repository root.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
# Our packages: every top-level folder with an __init__.py except the test suite and the benchmarks.
NOT_OURS = {"tests", "benchmarks", "node_modules"}


def our_packages() -> list[str]:
    return sorted(
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_OURS
    )


def strongly_connected(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to exhaust Python's recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(edges.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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


def describe(graph: grimp.ImportGraph, component: list[str]) -> list[str]:
    """Each import inside the component, with where it is written."""
    members = set(component)
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            details = graph.get_import_details(importer=importer, imported=imported)
            where = ", ".join(f"l.{d['line_number']}" for d in details) or "?"
            lines.append(f"    {importer} -> {imported} ({where})")
    return lines


def main() -> int:
    sys.path.insert(0, str(ROOT))
    packages = our_packages()
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True, cache_dir=None)
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    cycles = strongly_connected(graph.modules, edges)
    if not cycles:
        print(f"No import cycles between the modules of {', '.join(packages)}.")
        return 0
    cycles.sort(key=lambda c: (-len(c), c))
    print(f"{len(cycles)} import cycle(s) between the modules of {', '.join(packages)}:\n")
    for number, component in enumerate(cycles, start=1):
        print(f"{number}. {len(component)} modules: {', '.join(component)}")
        print("\n".join(describe(graph, component)))
        print()
    return 1


if __name__ == "__main__":
    sys.exit(main())
