"""A Markdown (or text) article with front matter: one entry, dated and signed.

A file whose metadata block names a title is a post, not a digest: its title,
date, author and tags come from the block, its summary is the first real
paragraph, its sections are its own headings. (A Markdown digest, whose
headings own "Key Points", never reaches here.)
"""

from __future__ import annotations

import re

from store.models import ParsedDocument, ParsedEntry
from store.parse.common import md_inline, reading_minutes
from store.parse.frontmatter import FrontMatter
from store.parse.outline import article_key_points, article_parts, undo_double_escape
from store.parse.pagemeta import iso_date
from store.text import clean_line, safe_url

__all__ = ["front_matter_article"]


_JEKYLL_NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


def _jekyll_date(name: str) -> str | None:
    """``2024-05-06-night-train.md``: Jekyll dates a post in its file name."""
    m = _JEKYLL_NAME_RE.match(name.rsplit("/", 1)[-1])
    return iso_date(m.group(1)) if m else None


def front_matter_article(lines: list[str], fm: FrontMatter, *, name: str = "") -> ParsedDocument:
    """``lines`` are the file's lines after the metadata block."""
    # Markdown shows an entity as its character: decode them once, here
    title = clean_line(undo_double_escape(md_inline(fm.text("title") or "", keep_urls=False)))
    parts = article_parts([undo_double_escape(ln) for ln in lines], title)
    summary = parts.summary or clean_line(fm.text("summary", "description", "excerpt") or "")
    body = parts.body or summary
    date = (
        iso_date(fm.text("date", "published", "pubdate", "created"))
        or parts.date
        or _jekyll_date(name)
    )
    author = clean_line(fm.text("author", "authors", "by") or "") or None
    tags = [clean_line(t) for t in fm.items("tags", "categories", "category", "keywords")]
    extra: list[tuple[str, str]] = []
    if tags:
        extra.append(("tags", ", ".join(t for t in tags if t)))
    source = clean_line(fm.text("site", "source", "publication", "publisher") or "")
    link = safe_url(fm.text("link", "url", "canonical", "canonical_url") or "")
    entry = ParsedEntry(
        title=title or parts.first_heading or name or "Untitled",
        author=author,
        link=link if link and link.startswith(("http://", "https://")) else None,
        published=date,
        summary=summary,
        key_points=article_key_points(parts),
        key_points_derived=True,
        sections=parts.sections,
        body=body,
        reading_minutes=reading_minutes(body),
        extra=tuple(extra),
    )
    return ParsedDocument(
        entries=(entry,),
        source_name=source or None,
        kind="markdown",
    )
