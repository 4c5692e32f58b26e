"""The house holds its floors: imports run downward, tui/ uses the one door, no circles.

Built from the source with ``ast`` (imports inside functions count: a lazy
import is still a dependency), so a new module is checked the day it lands.
The floors are described in docs/architecture.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("store", "tui")
MAX_LINES = 500

# store/'s floors, lowest first; a module may import its own floor and those below.
FLOORS: dict[str, int] = {
    "store.models": 0,
    "store.errors": 0,
    "store.paths": 0,
    "store.text": 0,
    "store.mojibake": 0,
    "store.config": 0,
    "store.config_tree": 0,  # the config's YAML tree kept in the cache dir (by config)
    "store.cachefile": 0,  # writes and names the cache dir's files (config_tree, zipfsorted)
    "store.render": 0,
    "store.samples": 0,
    "store.player": 0,  # starts the audio player (subprocess), used by api.play
    "store.parse": 1,
    "store.storage": 2,
    "store.opml": 2,  # writes the OPML file atomically (storage.atomic)
    "store.index": 3,
    "store.sync": 4,
    "store.views": 5,
    "store.api": 5,
}
# what tui/ may import of store/: the door and the plain types it hands out
TUI_MAY_IMPORT = ("store.api", "store.models", "store.errors", "store.views")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


MODULES: dict[str, Path] = {module_name(p): p for p in source_files()}


def imported(path: Path) -> Iterator[str]:
    """Every module of ours that ``path`` imports, at any depth of the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from store.index import topics` imports the module store.index.topics
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                yield target


def graph() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        deps = set()
        for target in imported(path):
            # a name that is not a module of ours is an attribute of its package
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != name:
                deps.add(target)
        out[name] = deps
    return out


def floor(name: str) -> int | None:
    best = None
    for prefix, level in FLOORS.items():
        if name == prefix or name.startswith(prefix + "."):
            best = level
    return best


def test_the_graph_sees_the_modules() -> None:
    """Guard against a checker that checks nothing: the house has its rooms and doors."""
    g = graph()
    assert "store.api" in g and "tui.app" in g
    assert any(dep.startswith("store.api") for deps in g.values() for dep in deps)
    assert sum(len(d) for d in g.values()) > 50


def test_no_import_cycle() -> None:
    g = graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(g[node]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)


def test_store_floors_import_only_downward() -> None:
    bad = []
    for name, deps in graph().items():
        if not name.startswith("store."):
            continue
        level = floor(name)
        if level is None:
            bad.append(f"{name} belongs to no floor (add it to FLOORS and docs/architecture.md)")
            continue
        for dep in sorted(deps):
            if dep.startswith("tui"):
                bad.append(f"{name} imports {dep}")
            dep_level = floor(dep)
            if dep_level is not None and dep_level > level:
                bad.append(f"{name} (floor {level}) imports {dep} (floor {dep_level})")
    assert not bad, "\n".join(bad)


def test_parse_imports_nothing_above_it() -> None:
    bad = [
        f"{name} imports {dep}"
        for name, deps in graph().items()
        if name.startswith("store.parse")
        for dep in deps
        if dep.startswith(("store.storage", "store.index", "store.sync", "store.api"))
    ]
    assert not bad, "\n".join(bad)


def test_tui_goes_through_the_door() -> None:
    bad = [
        f"{name} imports {dep}"
        for name, deps in graph().items()
        if name.startswith("tui")
        for dep in sorted(deps)
        if dep.startswith("store") and not dep.startswith(TUI_MAY_IMPORT)
    ]
    assert not bad, "\n".join(bad)


def test_store_never_imports_textual() -> None:
    bad = []
    for name, path in MODULES.items():
        if not name.startswith("store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            bad += [f"{name} imports {n}" for n in names if n.split(".")[0] in ("textual", "tui")]
    assert not bad, "\n".join(bad)


def test_no_source_file_over_500_lines() -> None:
    long = []
    for path in source_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long.append(f"{path.relative_to(REPO)}: {lines} lines")
    assert not long, "\n".join(long)
