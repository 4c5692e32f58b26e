"""HTML → readable text and digest structure (for HTML files and feed entries).

The DOM (selectolax/lexbor) is walked with an explicit stack — documents with
thousands of nested elements exist — and flattened to Markdown-ish lines
(``### heading``, ``- item``, paragraphs, ``text (url)`` links). Those lines go
through the same digest logic as Markdown files, so an entry whose HTML has
"Key Points" / "Details" gets exactly the structure of a local digest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from store.models import ParsedDocument, Section
from store.parse.chrome import is_junk_sentence
from store.parse.common import BULLET_RE, DETAILS_RE, KEY_POINTS_RE
from store.parse.gist import pick_points, summary_of
from store.parse.markdown import parse_markdown
from store.parse.quickclean import quick_clean_line
from store.parse.sections import parse_sections
from store.text import clean_line, clean_text, repaired_text, safe_url

__all__ = ["HtmlParts", "html_to_lines", "html_to_parts", "parse_html_document"]

_SKIP = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "template",
        "svg",
        "object",
        "embed",
        "canvas",
        "head",
        "math",
    }
)
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
        "pre", "table", "tr", "ul", "ol", "dl", "dd", "dt", "figure", "figcaption", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6", "li", "body", "html", "form", "fieldset", "details", "summary",
    }
)  # fmt: skip
_HEAD_RE = re.compile(r"^#{1,6}\s")
_ESCAPED_TAG_RE = re.compile(
    r"<(?:p|br|div|span|a\s+href|img|strong|em|b|i|ul|li)\b[^<>]{0,300}>", re.I
)


@dataclass(frozen=True, slots=True)
class HtmlParts:
    """Structure recovered from one HTML fragment."""

    summary: str
    key_points: tuple[str, ...]
    key_points_derived: bool
    sections: tuple[Section, ...]
    body: str
    lead: str = ""  # the first paragraph as it stands (the summary before 2026-12; ids use it)


def _collapse_ws(t: str) -> str:
    """Runs of whitespace to one space, keeping one at either end (inline text
    nodes join their neighbours); str.split is ~5x faster than re.sub here.

    Most text nodes are printable ASCII without a double space: their only
    whitespace is single spaces, so collapsing leaves them as they are, and
    the two checks cost a fraction of the split and join.
    """
    if t.isascii() and t.isprintable() and "  " not in t:
        return t
    return _collapse_ws_general(t)


def _collapse_ws_general(t: str) -> str:
    """``_collapse_ws`` for any text (its fast path's reference in the tests)."""
    inner = " ".join(t.split())
    if not inner:
        return " " if t else ""
    if t[0].isspace():
        inner = " " + inner
    if t[-1].isspace():
        inner += " "
    return inner


def html_to_lines(html: str, base_url: str | None = None) -> list[str]:
    """Flatten HTML to Markdown-ish lines; iterative, script/style/iframe dropped."""
    tree = LexborHTMLParser(html or "")
    root = tree.root
    out: list[str] = []
    if root is None:
        return out
    buf: list[str] = []
    prefix = [""]  # pending prefix for the next flushed line
    list_depth = 0
    in_pre = 0

    def flush() -> None:
        if buf:
            text = "".join(buf)
            buf.clear()
            # a preformatted line keeps its inner spacing; the "\n" lets clean_text
            # drop its trailing spaces as it does within a body ("0&#9;</pre>")
            text = quick_clean_line(text) if not in_pre else clean_text(text + "\n").strip("\n")
        elif not prefix[0]:  # nothing pending and no prefix: nothing would change
            return
        else:  # most block boundaries follow another: nothing to clean
            text = ""
        if text:
            out.append(prefix[0] + text)
            if prefix[0].startswith("#"):
                out.append("")
        prefix[0] = "  " * max(list_depth - 1, 0) if prefix[0].lstrip().startswith("-") else ""

    # one (element, its children's iterator) per open element: a text node is
    # read as its parent's iterator yields it, never pushed and popped
    stack: list[tuple[Any, Iterator[Any]]] = []
    node: Any = root
    while True:
        if node is not None:  # opening
            tag = node.tag
            if tag == "-text":
                t = node.text_content or ""
                # _collapse_ws's fast path inline: a call per text node is most of its cost
                if not in_pre and not (t.isascii() and t.isprintable() and "  " not in t):
                    t = _collapse_ws_general(t)
                buf.append(t)
            elif tag in _BLOCK:  # no block tag is skipped, a comment or a "-" node
                flush()
                if tag in ("ul", "ol"):
                    list_depth += 1
                elif tag == "li":
                    prefix[0] = "  " * max(list_depth - 1, 0) + "- "
                elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    if out and out[-1] != "":
                        out.append("")
                    prefix[0] = "#" * int(tag[1]) + " "
                elif tag == "pre":
                    in_pre += 1
                if tag != "br":
                    stack.append((node, node.iter(include_text=True)))
            elif tag in ("-comment", "!doctype") or tag in _SKIP or (tag or "").startswith("-"):
                pass
            else:
                stack.append((node, node.iter(include_text=True)))
        if not stack:
            break
        parent, children = stack[-1]
        node = next(children, None)
        if node is not None:
            continue
        stack.pop()  # closing
        tag = parent.tag
        if tag == "a":
            href = (parent.attributes or {}).get("href")
            url = safe_url(href, base_url) if href else None
            label = clean_line(parent.text(deep=True))
            if url and label and url not in label:
                buf.append(f" ({url})")
            elif url and not label:
                buf.append(url)
        elif tag in ("ul", "ol"):
            flush()
            list_depth = max(list_depth - 1, 0)
            out.append("")
        elif tag == "pre":
            flush()
            in_pre = max(in_pre - 1, 0)
        elif tag in _BLOCK:
            flush()
            if (
                tag in ("p", "div", "blockquote", "table", "section", "article")
                and out
                and out[-1] != ""
            ):
                out.append("")
    flush()
    # collapse blank runs
    lines: list[str] = []
    for ln in out:
        if ln == "" and (not lines or lines[-1] == ""):
            continue
        lines.append(ln)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _plain(lines: list[str]) -> str:
    """Readable body: headings as plain lines, paragraphs separated by blank lines."""
    out: list[str] = []
    for ln in lines:
        # the anchored match's end is where its sub would cut; most lines are no heading
        m = _HEAD_RE.match(ln) if ln[:1] == "#" else None
        out.append(ln[m.end() :] if m else ln)
    return "\n".join(out).strip()


def html_to_parts(html: str, base_url: str | None = None, title: str = "") -> HtmlParts:
    """Summary, key points, sections and body of an HTML fragment. Never raises.

    ``title`` is the item's title: a paragraph that only repeats it is not its summary.
    """
    try:
        # repair the document once; per-line cleaning then skips the repair
        with repaired_text(False):
            html = clean_text(html or "")
        with repaired_text():
            lines = html_to_lines(html, base_url)
            head = "\n".join(lines[:200])
            if "<" in head and _ESCAPED_TAG_RE.search(head):
                # the HTML was escaped twice ("&lt;p&gt;"): its text is HTML again
                lines = html_to_lines("\n".join(lines), base_url)
    except Exception:
        lines = [clean_line(re.sub(r"<[^>]{0,2000}>", " ", html or ""))]
    kp_i = next(
        (
            i
            for i, ln in enumerate(lines)
            if len(ln) < 80 and KEY_POINTS_RE.match(_HEAD_RE.sub("", ln))
        ),
        None,
    )
    if kp_i is not None:
        summary_lines = [ln for ln in lines[:kp_i] if ln and not _HEAD_RE.match(ln)]
        kps: list[str] = []
        i = kp_i + 1
        while i < len(lines):
            ln = lines[i]
            probe = _HEAD_RE.sub("", ln)
            if DETAILS_RE.match(probe) or (_HEAD_RE.match(ln) and not KEY_POINTS_RE.match(probe)):
                break
            m = BULLET_RE.match(ln.strip())
            t = quick_clean_line(m.group(1) if m else ln)
            if t and not is_junk_sentence(t):  # a link list or a plug is no key point
                kps.append(t)
            i += 1
        if i < len(lines) and DETAILS_RE.match(_HEAD_RE.sub("", lines[i])):
            i += 1
        sections, loose = parse_sections(lines[i:])
        summary = "\n\n".join(s for s in summary_lines if not BULLET_RE.match(s))
        return HtmlParts(
            summary=summary,
            lead=summary,
            key_points=tuple(kps),
            key_points_derived=False,
            sections=sections,
            body=_plain(lines),
        )
    body = _plain(lines)
    paras = [
        ln for ln in lines if ln and not _HEAD_RE.match(ln) and not BULLET_RE.match(ln.strip())
    ]
    items = [quick_clean_line(m.group(1)) for ln in lines if (m := BULLET_RE.match(ln.strip()))]
    # the gist, not the furniture: plugs, sponsor reads, labels, links and the
    # title itself are never the summary or a key point (store.parse.gist)
    summary = summary_of(paras, title)
    kps_t = pick_points([x for x in items if x], paras or [ln for ln in body.splitlines()], title)
    return HtmlParts(
        summary=summary,
        key_points=kps_t,
        key_points_derived=True,
        sections=(),
        body=body,
        lead=paras[0] if paras else "",
    )


def parse_html_document(text: str, *, name: str = "") -> ParsedDocument:
    """A local HTML file: flattened to Markdown-ish lines, then parsed as Markdown."""
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    page_title = clean_line(title_node.text()) if title_node is not None else None
    with repaired_text(False):  # entities may decode to text that needs repair
        lines = html_to_lines(text)
    if page_title and not any(ln.startswith("# ") for ln in lines):
        lines = ["# " + page_title, "", *lines]
    doc = parse_markdown("\n".join(lines), name=name)
    return ParsedDocument(
        entries=doc.entries,
        digest_title=doc.digest_title or page_title,
        digest_date=doc.digest_date,
        source_name=doc.source_name,
        overview=doc.overview,
        kind="html",
        warnings=doc.warnings,
    )
