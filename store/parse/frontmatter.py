"""Metadata blocks at the top of Markdown and text files.

Three kinds, as static-site generators write them: a ``---`` YAML block
(Jekyll, Hugo, Eleventy, Obsidian), a ``+++`` TOML block (Hugo, Zola) and
Pelican / MultiMarkdown header lines (``Title: …`` / ``Date: …`` up to the
first blank line). YAML is *not* evaluated: only the shapes front matter uses
(``key: value``, quoted strings, ``[a, b]`` and ``- item`` lists, one level of
nesting such as ``author: {name: …}``) are read, so no tag or anchor in a
file can do anything. TOML goes through the standard library's ``tomllib``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = ["FrontMatter", "read_front_matter"]

MAX_LINES = 200

_YAML_KEY_RE = re.compile(r"^([A-Za-z_][\w.-]{0,40})\s*:(?:\s+(.*)|\s*)$")
_TOML_KEY_RE = re.compile(r"^([A-Za-z_][\w.-]{0,40})\s*=\s*(.*)$")
_PELICAN_RE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,30}):\s+(\S.*)$")
# keys Pelican / MultiMarkdown headers use; a block must start with one of the first row
_PELICAN_LEAD = frozenset({"title", "date"})
_PELICAN_KEYS = frozenset(
    {
        "title", "date", "modified", "author", "authors", "tags", "category", "categories",
        "slug", "summary", "lang", "status", "subtitle", "series", "keywords", "save_as",
        "url", "template", "translation", "description", "source", "site", "publisher",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What a file says about itself; ``end`` is the first line after the block."""

    fields: dict[str, str | list[str]] = field(default_factory=dict)
    end: int = 0
    style: str | None = None  # "yaml", "toml", "pelican" or None

    def text(self, *keys: str) -> str | None:
        """The first of ``keys`` present, as one string (lists joined)."""
        for k in keys:
            v = self.fields.get(k)
            if isinstance(v, list):
                v = ", ".join(x for x in v if x)
            if v:
                return v
        return None

    def items(self, *keys: str) -> list[str]:
        """The values of ``keys`` as a list (``tags: a, b`` and ``[a, b]`` alike)."""
        out: list[str] = []
        for k in keys:
            v = self.fields.get(k)
            if isinstance(v, str):
                out.extend(x.strip() for x in v.split(","))
            elif isinstance(v, list):
                out.extend(v)
        return [x for x in dict.fromkeys(x.strip() for x in out) if x]


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        inner = s[1:-1]
        return inner.replace("''", "'") if s[0] == "'" else inner.replace('\\"', '"')
    # a trailing comment (" # …") is not part of a plain scalar
    return re.sub(r"\s+#.*$", "", s).strip()


def _inline_list(s: str) -> list[str] | None:
    s = s.strip()
    if not (s.startswith("[") and s.endswith("]")):
        return None
    return [_unquote(x) for x in s[1:-1].split(",") if _unquote(x)]


def _inline_map_name(s: str) -> str | None:
    """``{name: Ada, email: …}`` → ``Ada``."""
    m = re.search(r"[{,]\s*name\s*:\s*([^,}]+)", s)
    return _unquote(m.group(1)) if m else None


def _yaml(lines: list[str]) -> tuple[dict[str, str | list[str]], int] | None:
    out: dict[str, str | list[str]] = {}
    key: str | None = None
    block: list[str] = []
    for i in range(1, min(len(lines), MAX_LINES)):
        raw = lines[i].rstrip()
        s = raw.strip()
        if s in ("---", "...") and raw.startswith(s[0]):
            if key and block:
                out[key] = " ".join(block)
            return out, i + 1
        if not s or s.startswith("#"):
            continue
        if raw[:1] in (" ", "\t") and key:
            # a nested value: "- item", "name: X", or a folded/literal scalar line
            if s.startswith("- "):
                cur = out.get(key)
                item = s[2:].strip()
                name = _inline_map_name("{" + item + "}") if ":" in item else None
                val = name or _unquote(item)
                out[key] = [*(cur if isinstance(cur, list) else []), val]
            else:
                m = _YAML_KEY_RE.match(s)
                if m and m.group(1).lower() == "name" and m.group(2):
                    out[key] = _unquote(m.group(2))
                elif not m:
                    block.append(s)
            continue
        if s.startswith("- ") and key:
            cur = out.get(key)
            out[key] = [*(cur if isinstance(cur, list) else []), _unquote(s[2:])]
            continue
        m = _YAML_KEY_RE.match(s)
        if not m:
            return None  # not YAML front matter: leave the text as it is
        if key and block:
            out[key] = " ".join(block)
        block = []
        key = m.group(1).lower()
        value = (m.group(2) or "").strip()
        if value in ("|", ">", "|-", ">-", ""):
            continue
        lst = _inline_list(value)
        if lst is not None:
            out[key] = lst
        elif value.startswith("{"):
            out[key] = _inline_map_name(value) or ""
        else:
            out[key] = _unquote(value)
    return None


def _toml_value(v: Any) -> str | list[str] | None:
    if isinstance(v, str):
        return v
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list):
        items = [_toml_value(x) for x in v]
        return [x for x in items if isinstance(x, str)]
    if isinstance(v, dict) and isinstance(v.get("name"), str):
        return str(v["name"])
    return None


def _toml(lines: list[str]) -> tuple[dict[str, str | list[str]], int] | None:
    for i in range(1, min(len(lines), MAX_LINES)):
        if lines[i].strip() == "+++":
            raw = "\n".join(lines[1:i])
            try:
                data = tomllib.loads(raw)
            except (tomllib.TOMLDecodeError, ValueError, RecursionError):
                data = {}
                for ln in lines[1:i]:
                    m = _TOML_KEY_RE.match(ln.strip())
                    if m:
                        data[m.group(1)] = _inline_list(m.group(2)) or _unquote(m.group(2))
            out: dict[str, str | list[str]] = {}
            for k, v in data.items():
                val = _toml_value(v)
                if val is not None:
                    out[str(k).lower()] = val
            return out, i + 1
    return None


def _pelican(lines: list[str]) -> tuple[dict[str, str | list[str]], int] | None:
    out: dict[str, str | list[str]] = {}
    i = 0
    while i < min(len(lines), 60):
        s = lines[i].rstrip()
        if not s.strip():
            break
        m = _PELICAN_RE.match(s)
        if m:
            k = m.group(1).strip().lower()
            if i == 0 and k not in _PELICAN_LEAD:
                return None
            if k not in _PELICAN_KEYS and " " in k:
                return None  # "Key Points: …" and other prose labels
            out[k] = m.group(2).strip()
        elif s[:1] in (" ", "\t") and out:
            last = next(reversed(out))
            out[last] = f"{out[last]} {s.strip()}"
        else:
            return None
        i += 1
    known = sum(1 for k in out if k in _PELICAN_KEYS)
    if known < 2 or "title" not in out:
        return None
    return out, i


def read_front_matter(lines: list[str]) -> FrontMatter:
    """The file's metadata block, if it starts with one; ``FrontMatter()`` otherwise."""
    if not lines:
        return FrontMatter()
    first = lines[0].lstrip("\ufeff").strip()
    found: tuple[dict[str, str | list[str]], int] | None = None
    style = None
    if first == "---":
        found, style = _yaml(lines), "yaml"
    elif first == "+++":
        found, style = _toml(lines), "toml"
    elif _PELICAN_RE.match(first):
        found, style = _pelican(lines), "pelican"
    if found is None:
        return FrontMatter()
    fields, end = found
    return FrontMatter(fields=fields, end=end, style=style)
