"""OPML in and out of feeds.yaml.

Import edits the user's feeds.yaml with ruamel.yaml's round-trip mode so every
comment, the key order and the existing feeds' order survive; new feeds are
appended. It never edits the shipped default: if that is the config in force,
the user's own file is created from a copy of it first. OPML is parsed with
the standard library's expat after refusing any DOCTYPE/ENTITY declaration,
so an OPML file cannot expand entities or make us fetch anything.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from store.config import FEED_SCHEMES, load_config, parse_config_text
from store.errors import ConfigError, DigestError
from store.text import clean_line, decode_bytes

MAX_OPML_BYTES = 10_000_000
_DECL_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.I)


class OpmlError(DigestError):
    """The OPML file cannot be used; the message says why."""


# -- export --------------------------------------------------------------------


def export_opml(config_path: Path) -> str:
    """The subscriptions of ``config_path`` as OPML 2.0 (tags as ``category``)."""
    config = load_config(Path(config_path))
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "digest-tui subscriptions"
    body = ET.SubElement(root, "body")
    for fc in config.feeds:
        attrs = {"type": "rss", "text": fc.label, "title": fc.label, "xmlUrl": fc.url}
        if fc.tags:
            attrs["category"] = ",".join(t.replace(",", " ") for t in fc.tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


# -- import --------------------------------------------------------------------


def read_opml(opml_path: Path) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """(url, name, tags) for every feed outline, folders' titles becoming tags."""
    try:
        raw = Path(opml_path).read_bytes()
    except OSError as exc:
        raise OpmlError(f"cannot read {opml_path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_OPML_BYTES:
        raise OpmlError(f"{opml_path}: larger than {MAX_OPML_BYTES // 1_000_000} MB")
    text = decode_bytes(raw).lstrip("\ufeff")
    if _DECL_RE.search(text):
        raise OpmlError(f"{opml_path}: DOCTYPE/ENTITY declarations are refused in OPML")
    text = re.sub(r"^\s*<\?xml[^>]{0,300}\?>", "", text)
    try:
        root = ET.parse(io.StringIO(text)).getroot()
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        raise OpmlError(f"{opml_path}:{line}: not well-formed OPML ({exc})") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"{opml_path}: not an OPML file (root element <{root.tag}>)")
    body = root.find("body")
    if body is None:
        raise OpmlError(f"{opml_path}: OPML without a <body>")
    out: list[tuple[str, str | None, tuple[str, ...]]] = []
    # iterative walk in document order: an OPML nested 10,000 deep must not
    # hit the recursion limit
    stack: list[tuple[Iterator[ET.Element], tuple[str, ...]]] = [(iter(list(body)), ())]
    while stack:
        it, folders = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str) or child.tag.lower() != "outline":
            continue
        attrs = {k.lower(): v for k, v in child.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        label = clean_line(attrs.get("title") or attrs.get("text") or "")[:200]
        if url:
            tags = list(folders)
            for cat in (attrs.get("category") or "").split(","):
                leaf = clean_line(cat.strip().rstrip("/").rsplit("/", 1)[-1])
                if leaf:
                    tags.append(leaf)
            out.append((url, label or None, tuple(dict.fromkeys(t for t in tags if t))))
        if len(child):
            sub = (*folders, label) if (label and not url) else folders
            stack.append((iter(list(child)), sub))
    return out


def _usable(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in FEED_SCHEMES:
        return False
    if any(ord(c) < 0x21 for c in url):
        return False
    return parts.scheme.lower() == "file" or bool(parts.hostname)


def opml_target(config_path: Path) -> Path:
    """Which file import-opml writes: the config in force unless it is the shipped one."""
    from store.paths import default_config_file, user_config_file

    cp = Path(config_path)
    try:
        shipped = cp.resolve() == default_config_file().resolve()
    except OSError:
        shipped = False
    return user_config_file() if shipped else cp


def import_opml(opml_path: Path, config_path: Path) -> tuple[int, int]:
    """Append the OPML's feeds to the user's feeds.yaml; returns (added, already present).

    Comments and order of the existing file are kept (ruamel round-trip).
    Feeds whose URL is not http(s)/file are skipped.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from store.config import _yaml
    from store.paths import default_config_file
    from store.storage.atomic import write_bytes_atomic

    items = read_opml(opml_path)
    target = opml_target(config_path)
    if target.exists():
        text = target.read_bytes().decode("utf-8-sig", errors="replace")
    elif target != Path(config_path):
        shipped = default_config_file()
        text = shipped.read_text("utf-8") if shipped.exists() else ""
    else:
        text = ""
    parse_config_text(text, target)  # a broken file is reported, not overwritten
    yaml = _yaml()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    # never re-wrap: the user's long lines (the topics: phrase lists) must come back
    # byte for byte, so that an import changes only the feeds list
    yaml.width = 1 << 30
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedMap()
    feeds = data.get("feeds")
    if not isinstance(feeds, list):
        feeds = CommentedSeq()
        data["feeds"] = feeds
    elif not feeds and isinstance(feeds, CommentedSeq) and feeds.fa.flow_style():
        feeds.fa.set_block_style()  # `feeds: []` becomes a block list
    present = {
        str(f.get("url") if isinstance(f, dict) else f).strip() for f in feeds if f is not None
    }
    added = known = 0
    for url, name, tags in items:
        if not _usable(url):
            continue
        if url in present:
            known += 1
            continue
        item = CommentedMap()
        item["url"] = url
        if name:
            item["name"] = name
        if tags:
            seq = CommentedSeq(tags)
            seq.fa.set_flow_style()
            item["tags"] = seq
        feeds.append(item)
        present.add(url)
        added += 1
    if added:
        buf = io.StringIO()
        yaml.dump(data, buf)
        out = buf.getvalue()
        try:
            parse_config_text(out, target)
        except ConfigError as exc:  # pragma: no cover - a bug here must not write a bad file
            raise OpmlError(f"import would produce an invalid config: {exc}") from None
        write_bytes_atomic(target, out.encode("utf-8"))
    return added, known
