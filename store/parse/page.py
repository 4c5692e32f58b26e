"""A saved web page read as what it is: an article, a page of items, or a site index.

A page is not a digest because it has headings: most of its headings are the
site's (menus, "Archives", "About Me", "Recent posts"). So a page is first
measured (``pageshape``): a list of links gives a skip note, several linked
items whose text is on the page give one entry each, and anything else is one
article whose main content comes from trafilatura (the kept extractor; it is
imported only here, when a page is parsed, since its import costs ~0.2 s),
or, where trafilatura cannot be imported, from the page's main region with its
chrome removed. An HTML *digest* (a heading owning "Key Points") keeps the
digest reading of ``parse.html``.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from store.models import ParsedDocument, ParsedEntry
from store.parse.common import KEY_POINTS_RE, reading_minutes
from store.parse.html import html_to_lines, parse_html_document
from store.parse.outline import (
    article_key_points,
    article_parts,
    strip_heading_url,
    undo_double_escape,
)
from store.parse.pagemeta import PageMeta, page_meta
from store.parse.pageshape import main_region, page_shape, strip_chrome, text_units
from store.parse.refusal import ParseError
from store.text import clean_line, repaired_text

__all__ = ["INDEX_NOTE", "parse_html_page"]

INDEX_NOTE = "a list of links (site index), not an article"
EMPTY_NOTE = "a web page with no article text"
_HEAD_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_KP_WORDS_RE = re.compile(r"key(?:\s|&nbsp;|&#160;)*points|takeaways", re.I)


def _is_digest(lines: list[str]) -> bool:
    """A heading or short line "Key Points": the digest shape ``parse.html`` reads."""
    for ln in lines:
        probe = _HEAD_RE.sub(r"\2", ln)
        if len(ln) < 80 and KEY_POINTS_RE.match(probe):
            return True
    return False


def parse_html_page(text: str, *, name: str = "") -> ParsedDocument:
    """One local HTML file → a document; raises ParseError for an index or an empty page."""
    if _KP_WORDS_RE.search(text):  # only then can it be a digest: skip a flattening
        with repaired_text(False):
            flat = html_to_lines(text)
        if _is_digest(flat):
            return parse_html_document(text, name=name)
    tree = LexborHTMLParser(text)
    meta = page_meta(tree)
    strip_chrome(tree)
    region = main_region(tree)
    if region is None:
        raise ParseError(EMPTY_NOTE)
    from store.parse.pageitems import digest_of_items

    listed = None if meta.is_article else digest_of_items(region, meta)
    if listed is not None:
        return listed
    shape = page_shape(region)
    kind = shape.kind
    if meta.is_article and kind != "article" and shape.prose_units >= 40:
        kind = "article"  # the page says it is one article; its linked headings are its own
    if kind == "index":
        raise ParseError(INDEX_NOTE)
    if kind == "items":
        from store.parse.pageitems import item_entries

        entries = item_entries(region, meta)
        if entries:
            return ParsedDocument(
                entries=tuple(entries),
                digest_title=meta.title or meta.doc_title,
                source_name=meta.site_name,
                kind="html",
            )
    source = text
    if (
        region.tag == "body"
        and shape.body_node is not None
        and shape.body_units >= max(150, shape.prose_units // 2)
    ):
        # no <main>/<article>: the element holding most of the prose is the
        # article, and the headings around it (a right column's) are not
        region = shape.body_node
        source = f"<html><body>{region.html or ''}</body></html>"
    entry = _article_entry(source, region, meta, name)
    if entry is None:
        raise ParseError(EMPTY_NOTE)
    return ParsedDocument(entries=(entry,), source_name=meta.site_name, kind="html")


def _extract_markdown(html: str) -> str | None:
    """The page's main content as Markdown via trafilatura; None if it is unavailable."""
    try:
        import trafilatura
    except Exception:  # an incomplete install (lxml_html_clean missing) fails here
        return None
    try:
        out: Any = trafilatura.extract(
            html,
            output_format="markdown",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=True,
            include_formatting=True,
            with_metadata=False,
            deduplicate=False,  # its cache spans documents: a re-parse must read the same
        )
    except Exception:
        return None
    return out if isinstance(out, str) and out.strip() else None


_CONTAINERS = frozenset({"body", "div", "main", "article", "section", "header", "aside"})
_INLINE_HEAD_RE = re.compile(r"\s#{2,6}\s+")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _markdown_lines(md: str) -> list[str]:
    """trafilatura's Markdown → the Markdown-ish lines the parsers share: escapes
    undone, table rules dropped, each line cleaned.

    trafilatura writes one paragraph a line but keeps a paragraph's own line
    breaks too; a line that ends mid-sentence and a next line that starts in
    lower case are one paragraph.
    """
    out: list[str] = []
    for raw in md.split("\n"):
        s = _MD_ESCAPE_RE.sub(r"\1", raw.strip())
        if not s or re.fullmatch(r"\|?[\s:|-]*-{3,}[\s:|-]*\|?", s):
            continue
        if not s.startswith("#"):
            s = _INLINE_HEAD_RE.sub(" ", s)  # a heading trafilatura ran into a paragraph
        m = re.match(r"^\d{1,3}[.)]\s+(.*)$", s)
        if m:
            s = "- " + m.group(1)
        s = undo_double_escape(clean_line(s) if not s.startswith("#") else s)
        prev = out[-2] if len(out) >= 2 else ""
        if (
            prev
            and not prev.startswith(("#", "- ", "* ", "|"))
            and not prev.endswith(_ENDS)
            and s[:1].islower()
        ):
            out[-2] = f"{prev} {s}"
            continue
        out.extend((s, ""))
    return out


_ENDS = (".", "!", "?", ":", ";", '"', "”", ")", "…", "。", "！", "？")


def _region_lines(region: LexborNode) -> list[str]:
    """The main region flattened (the fallback when trafilatura is not importable).

    A ``<time>`` standing alone in a container (not inside a sentence) is the
    page's dateline, already read as metadata: it would run into the next line.
    """
    for t in region.css("time"):
        parent = t.parent
        if parent is not None and parent.tag in _CONTAINERS:
            t.decompose()
    _drop_link_clusters(region)
    with repaired_text(False):
        lines = html_to_lines(region.html or "")
    return [undo_double_escape(strip_heading_url(ln)[0]) for ln in lines]


def _drop_link_clusters(region: LexborNode) -> None:
    """Blocks of three or more links that are mostly link text ("Next | Previous
    | Up", a related-posts list) are navigation; the prose around them stays.

    Each link is charged to its nearest block (a few levels up at most), so the
    work is linear in the links, not in blocks times their subtrees.
    """
    total = max(text_units(region.text(deep=True) or ""), 1)
    groups: dict[int, tuple[LexborNode, int, int]] = {}
    for a in region.css("a"):
        blk = a.parent
        hops = 0
        while blk is not None and blk.tag not in _CLUSTER_BLOCKS and hops < 4:
            blk, hops = blk.parent, hops + 1
        if blk is None or blk.tag not in _CLUSTER_BLOCKS:
            continue
        if blk.tag == "li" and blk.parent is not None:
            blk = blk.parent  # the list, not one item
        k = int(blk.mem_id)
        node, n, linked = groups.get(k, (blk, 0, 0))
        groups[k] = (node, n + 1, linked + text_units(a.text(deep=True) or ""))
    for node, n, linked in groups.values():
        if n < 3:
            continue
        units = text_units(node.text(deep=True) or "")
        if units and linked >= 0.5 * units and units < 0.5 * total:
            try:
                node.decompose()
            except Exception:  # noqa: S112 - inside a block already removed
                continue


_CLUSTER_BLOCKS = frozenset({"p", "div", "ul", "ol", "dl", "table", "center", "td", "li", "nav"})


def _article_entry(
    source: str, region: LexborNode, meta: PageMeta, name: str
) -> ParsedEntry | None:
    """One entry from the page's main content (trafilatura's reading of ``source``,
    else ``region`` flattened)."""
    md = _extract_markdown(source)
    lines = _markdown_lines(md) if md else []
    if text_units(" ".join(lines)) < 20:
        lines = _region_lines(region)
    title = meta.title or meta.h1 or meta.doc_title
    parts = article_parts(lines, title)
    if not parts.body and not meta.description:
        return None
    date = meta.date or parts.date
    summary = parts.summary or (meta.description or "")
    title = title or parts.first_heading or name or "Untitled"
    body = parts.body or summary
    return ParsedEntry(
        title=clean_line(title),
        author=meta.author,
        link=meta.url,
        published=date,
        summary=summary,
        key_points=article_key_points(parts),
        key_points_derived=True,
        sections=parts.sections,
        body=body,
        reading_minutes=reading_minutes(body),
        extra=(("site", meta.site_name),) if meta.site_name else (),
    )
