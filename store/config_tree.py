"""The YAML tree of a feeds.yaml text, kept in the user cache dir by the text's hash.

Why: every command and every start of the app reads the config, and ruamel's
round-trip loader (imported, then run) takes 40-70 ms over the shipped
feeds.yaml, 15-40 ms over a list of 50 feeds: a tenth of a daily refresh,
a fifth of a first screen. The tree of a text that validated is kept as
JSON; the next read of the same text loads that (about a millisecond) and
validates it again, so what the config means (paths expanded against the
environment of this run, every check) is decided afresh each time and only
the YAML parse is reused.

Only a tree of plain values is kept: mappings with text keys, lists, text,
whole and decimal numbers, true/false and null, which JSON gives back as the
same values. Anything else the loader can return (a date, an anchored true
that the loader gives as a number, a non-text key) is not kept, and that
text is parsed each time, as before. Line numbers are not kept: a cached tree
that fails validation is parsed again by the caller, which then reports the
line (``store.config.parse_config_text``). A cache that cannot be read or
written is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from store.cachefile import made_by, write
from store.paths import cache_dir

__all__ = ["MISS", "keep", "kept"]

# 1: {"v", "tree"}; the key hashes this number, the loader's version and the text
LAYOUT = 1
MISS = object()  # no tree kept for this text
MAX_KEPT = 16  # trees kept (configs in use, and the last few versions of each)


class _NotPlain(Exception):
    pass


def _key(text: str) -> str:
    h = hashlib.sha256(f"{LAYOUT}\0{made_by('ruamel.yaml')}\0".encode())
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:40]


def _path(text: str) -> Path:
    return cache_dir() / "config" / f"{_key(text)}.json"


def kept(text: str) -> Any:
    """The tree kept for ``text``, or ``MISS``."""
    try:
        with open(_path(text), "rb") as f:
            got = json.loads(f.read())
    except (OSError, ValueError, RecursionError):
        return MISS
    if not isinstance(got, dict) or got.get("v") != LAYOUT or "tree" not in got:
        return MISS
    return got["tree"]


def keep(text: str, tree: Any) -> None:
    """Keep the tree of ``text`` (a text that validated), when it is all plain values."""
    try:
        data = json.dumps({"v": LAYOUT, "tree": _plain(tree)}, ensure_ascii=False)
    except (_NotPlain, RecursionError, ValueError):
        return
    target = _path(text)
    try:
        write(target, data.encode("utf-8", "surrogatepass"))
    except OSError:
        return
    _prune(target)


def _prune(written: Path) -> None:
    """Keep the ``MAX_KEPT`` trees written last: each edit of a config writes one more.

    The tree just written always stays: file times tick by the kernel's clock
    (a few milliseconds), so trees written in one tick tie, and a sort by time
    alone could drop the newest."""
    with contextlib.suppress(OSError):
        trees = [f for f in written.parent.glob("*.json") if f != written]
        if len(trees) < MAX_KEPT:
            return
        by_age = sorted(trees, key=lambda f: f.stat().st_mtime_ns)
        for old in by_age[: len(trees) + 1 - MAX_KEPT]:
            with contextlib.suppress(OSError):
                old.unlink()


def _plain(node: Any) -> Any:
    """``node`` as builtins JSON gives back equal (raises ``_NotPlain`` otherwise)."""
    if node is None or type(node) is bool:
        return node
    if isinstance(node, int):  # the loader's int types keep a format; the value is the same
        if type(node).__name__ == "ScalarBoolean":
            raise _NotPlain  # an anchored true/false, given as a number
        return int(node)
    if isinstance(node, float):
        if node != node or node in (float("inf"), float("-inf")):
            raise _NotPlain  # JSON proper has no NaN or infinity
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, list):
        return [_plain(x) for x in node]
    if isinstance(node, dict):
        if not all(type(k) is str for k in node):
            raise _NotPlain
        return {str(k): _plain(v) for k, v in node.items()}
    raise _NotPlain
