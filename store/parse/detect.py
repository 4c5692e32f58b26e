"""Which parser family a text belongs to, decided by content first, name second.

Every check here looks at a bounded prefix or at whole lines with anchored
patterns, so detection stays linear on huge or single-line files.
"""

from __future__ import annotations

import re

from store.models import ParsedDocument
from store.parse.common import DETAILS_RE, KEY_POINTS_RE

_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S", re.M)
_MD_KP_RE = re.compile(r"^#{1,6}\s+(?:\*\*)?\s*key\s*(points|takeaways)", re.I | re.M)
_ORG_RE = re.compile(r"^(#\+title:|#\+date:|\*+\s+\S)", re.I | re.M)
_HTML_RE = re.compile(r"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_HTML_TAGS_RE = re.compile(r"<(p|div|h[1-6]|ul|ol|li|article|section|br)\b[^>]{0,500}>", re.I)
_POSTED_RE = re.compile(
    r"^\s*(?:\S{1,60}\s+)?(?:posted|shared|wrote|commented)\b.{0,60}\bago\b|^\s*\S{1,60}\s+posted an update",
    re.I | re.M,
)
_COMMUNITY_RE = re.compile(
    r"^\s*(join the conversation|join the community\b|sign up)\s*$", re.I | re.M
)
_CHAPTER_RE = re.compile(
    r"^\s*chapters?\s*:\s*\d+|^\s*\d+(?:\.\d+)?\s*min(?:ute)?s?\s+read\b", re.I | re.M
)
_CHAPTER_HEAD_RE = re.compile(r"^\s*\d{1,4}\s*[:.]\s+\S.{0,300}$", re.M)


def detect_kind(text: str, name: str = "") -> str:
    """Return the parser family: digestly, markdown, org, html, post, chapter, article, text."""
    head = text[:20000]
    lower_name = name.lower()
    if lower_name.endswith((".html", ".htm", ".xhtml")) or _HTML_RE.match(head):
        return "html"
    if (
        not lower_name.endswith((".md", ".markdown", ".txt", ".org"))
        and len(_HTML_TAGS_RE.findall(head)) >= 3
    ):
        return "html"
    lines = text.split("\n", 4000)[:4000]
    has_kp = any(KEY_POINTS_RE.match(ln) and len(ln) < 200 for ln in lines)
    if lower_name.endswith(".org") or (
        head.lstrip().lower().startswith("#+")
        and _ORG_RE.search(head)
        and not _MD_HEADING_RE.search(head)
    ):
        return "org"
    from store.parse.frontmatter import read_front_matter

    if read_front_matter(lines[:200]).style:
        return "markdown"  # a metadata block (YAML, TOML, Pelican headers) tops a post
    md_headings = len(_MD_HEADING_RE.findall(head))
    is_md_name = lower_name.endswith((".md", ".markdown"))
    if _MD_KP_RE.search(text[:2_000_000]):
        return "markdown"
    if has_kp or any(
        DETAILS_RE.match(ln) for ln in lines[:2000] if len(ln) < 40 and ln.strip().endswith(":")
    ):
        return "digestly"
    if (
        is_md_name
        or md_headings >= 2
        or head.startswith("---\n")
        or (md_headings and head.startswith("# "))
    ):
        return "markdown"
    if _CHAPTER_RE.search(head) and _CHAPTER_HEAD_RE.search(head):
        return "chapter"
    if _POSTED_RE.search(head[:3000]) or _COMMUNITY_RE.search(head[:2000]):
        return "post"
    from store.parse.article import looks_like_article

    if looks_like_article(lines):
        return "article"
    return "text"


def _refuse_non_document(text: str, name: str, kind: str) -> None:
    """Raise ParseError for a config file, a data file, a script or a word list.

    Only formless kinds are judged: a digest, an Org file, a page or a post has
    a shape of its own. A Markdown file (by name) is judged only by its suffix;
    text that merely starts with ``---`` is judged after its front matter,
    unless that names a title (then it is a post).
    """
    from store.parse.nondoc import not_a_document

    if kind not in ("text", "article", "chapter", "markdown"):
        return
    lower = name.lower()
    if kind == "markdown" and lower.endswith((".md", ".markdown")):
        return
    if kind == "markdown":
        from store.parse.frontmatter import read_front_matter

        lines = text.split("\n")
        fm = read_front_matter(lines[:200])
        if fm.fields.get("title"):
            return
        text = "\n".join(lines[fm.end :]) if fm.end else text
    reason = not_a_document(text, name, kind)
    if reason:
        from store.parse.refusal import ParseError

        raise ParseError(reason)


def dispatch(text: str, *, name: str, mtime: float | None) -> ParsedDocument:
    """Parse ``text`` with the detected family; fall back to plain text if it yields nothing."""
    kind = detect_kind(text, name)
    _refuse_non_document(text, name, kind)
    doc: ParsedDocument | None = None
    if kind == "digestly":
        from store.parse.digestly import parse_digestly

        doc = parse_digestly(text, name=name)
    elif kind == "markdown":
        from store.parse.markdown import parse_markdown

        doc = parse_markdown(text, name=name)
    elif kind == "org":
        from store.parse.org import parse_org

        doc = parse_org(text, name=name)
    elif kind == "html":
        from store.parse.page import parse_html_page

        doc = parse_html_page(text, name=name)
    elif kind == "post":
        from store.parse.post import parse_post

        doc = parse_post(text, name=name, mtime=mtime)
    elif kind == "chapter":
        from store.parse.chapter import parse_chapter

        doc = parse_chapter(text, name=name)
    elif kind == "article":
        from store.parse.article import parse_article

        doc = parse_article(text, name=name)
    if doc is None or not doc.entries:
        from store.parse.plain import parse_plain

        doc = parse_plain(text, name=name)
    return doc
