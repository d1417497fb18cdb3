"""The structure the project promises: no import circles between modules, and every app declared in one place."""

from __future__ import annotations

import grimp

from onewindow.core.registry import onewindow_apps

# Circles that exist today; each is removed from this list once broken. The test fails on any new one and on
# any listed one that has gone (so the list never keeps a stale entry).
KNOWN_CIRCLES: set[frozenset[str]] = set()


def _circles() -> set[frozenset[str]]:
    """Strongly connected groups of modules (Tarjan), counting imports anywhere in a module."""
    graph = grimp.build_graph("onewindow")
    modules = sorted(m for m in graph.modules if not m.endswith(".__init__"))
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            # a package's __init__ importing its own submodules is not a circle worth naming
            group = {m for m in group if not any(other.startswith(m + ".") for other in group)}
            if len(group) > 1:
                found.add(frozenset(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_a_circle() -> None:
    circles = _circles()
    new = circles - KNOWN_CIRCLES
    gone = KNOWN_CIRCLES - circles
    assert not new, f"new import circles: {[sorted(c) for c in new]}"
    assert not gone, f"circles broken — remove them from KNOWN_CIRCLES: {[sorted(c) for c in gone]}"


def test_every_onewindow_app_declares_its_contributions_on_its_app_config() -> None:
    labels = {config.label for config in onewindow_apps()}
    assert {"core", "catalog", "bundles", "cases", "hall", "feedback", "supervision", "insights", "navigator",
            "community"} <= labels
