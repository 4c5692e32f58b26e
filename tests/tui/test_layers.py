"""tui/ reaches the store only through its door, and its own modules form no circle.

Every import counts, wherever it is written: at module top, inside a
function, under ``if TYPE_CHECKING``. The door is ``store.api`` plus the
plain types of ``store.models``, ``store.errors`` and ``store.views``.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOOR = frozenset({"store", "store.api", "store.models", "store.errors", "store.views"})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((REPO / package).rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every module this file imports (``from pkg import mod`` names the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in known:
                    found.add(sub)
    return found


def test_tui_imports_only_the_store_door() -> None:
    tui = _modules("tui")
    store = set(_modules("store"))
    assert "tui.app" in tui and "store.api" in store
    bad = {
        name: sorted(m for m in _imports(path, set(tui) | store) if m.split(".")[0] == "store")
        for name, path in tui.items()
    }
    bad = {name: [m for m in mods if m not in DOOR] for name, mods in bad.items()}
    assert not {name: mods for name, mods in bad.items() if mods}


def test_tui_modules_form_no_import_circle() -> None:
    tui = _modules("tui")
    graph = {
        name: {m for m in _imports(path, set(tui)) if m in tui and m != name}
        for name, path in tui.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError("import circle: " + " -> ".join([*trail, name]))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
