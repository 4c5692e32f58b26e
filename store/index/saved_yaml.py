"""Saved searches out to feeds.yaml: the ``searches:`` block rewritten, nothing else.

Why a splice and not a whole-file round trip: feeds.yaml is the user's own
text, and even ruamel's round trip re-indents or re-wraps what it did not
need to touch. Here only the lines of the top-level ``searches:`` block (the
key and every line under it, up to the next line at column 0) are replaced by
a block that ruamel dumps (so names and queries are quoted as YAML needs);
every other byte of the file stays as it was. With no such block, it is
appended at the end. The result is parsed before it is written: its searches
must read back as given and every other setting must be unchanged.

Like ``import-opml``, it never edits the shipped default: when that is the
config in force, the user's own file is created from a copy of it first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

from store.config import parse_config_text
from store.errors import ConfigError
from store.opml import opml_target
from store.storage.atomic import write_bytes_atomic

__all__ = ["block_lines", "write_searches"]

_KEY = re.compile(r"^searches\s*:")


def block_lines(lines: list[str]) -> tuple[int, int] | None:
    """[start, end) of the top-level ``searches:`` block's lines (trailing blanks left out)."""
    start = next((i for i, line in enumerate(lines) if _KEY.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def _dump(searches: Mapping[str, str]) -> str:
    from ruamel.yaml.comments import CommentedMap

    from store.config import _yaml

    yaml = _yaml()
    yaml.width = 1 << 30
    yaml.indent(mapping=2, sequence=4, offset=2)
    block = CommentedMap()
    block["searches"] = CommentedMap(searches.items())
    buf = io.StringIO()
    yaml.dump(block, buf)
    return buf.getvalue()


def write_searches(config_path: Path, searches: Mapping[str, str]) -> Path:
    """Write ``searches`` as the ``searches:`` block of the user's feeds.yaml; the file written."""
    from store.paths import default_config_file

    target = opml_target(config_path)
    if target.exists():
        text = target.read_bytes().decode("utf-8-sig")
    elif target != Path(config_path):
        shipped = default_config_file()
        text = shipped.read_text("utf-8") if shipped.exists() else ""
    else:
        text = ""
    before = parse_config_text(text, target)  # a broken file is reported, not overwritten
    lines = text.splitlines(keepends=True)
    block = _dump(searches).splitlines(keepends=True)
    span = block_lines([line.rstrip("\r\n") for line in lines])
    if span is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        sep = ["\n"] if lines and lines[-1].strip() else []
        out = "".join([*lines, *sep, *block])
    else:
        start, end = span
        out = "".join([*lines[:start], *block, *lines[end:]])
    after = parse_config_text(out, target)
    if after.searches != dict(searches) or _rest(after) != _rest(before):
        raise ConfigError(
            f"{target}: writing the searches would change other settings; not written"
        )
    write_bytes_atomic(target, out.encode("utf-8"))
    return target


def _rest(config: object) -> tuple[object, ...]:
    """Every setting but the searches (what a splice must leave alone)."""
    from store.config import Config

    assert isinstance(config, Config)
    return (config.feeds, config.paths, config.topics, config.refresh, config.player, config.mute)
