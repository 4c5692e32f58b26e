"""HTML leftovers in plain text: entities, stray tags and comments, decoded once.

Feeds escape twice ("Google&amp;#x27;s"), put HTML in fields declared plain
("…descent.<br />"), and wrap content in comments ("<!-- SC_OFF -->"); a
parser's HTML step decodes one level and leaves the rest as text. The text
layer finishes the job, so that every field of every parser gets it:

* :func:`decode_leftovers` (what ``clean_line`` uses): every well-formed
  entity, repeatedly for double escapes; then comments and stray tags of HTML
  go. Guarded: an entity needs its ``;`` and a real name ("AT&T", "R&D;" stay),
  a tag needs an HTML tag name ("x<y>", "a < b", "List<String>" stay), and a
  bare opening inline tag ("the <b> tag") goes only with its closing tag.
* :func:`decode_neutral` (what ``clean_text`` uses, also on markup still to be
  parsed): only what means the same in markup and in text: entities of
  characters other than ``< > & " '``, and comments. Decoding ``&lt;`` there
  would turn text into tags.

Linear: one regex scan a pass, a bounded number of passes, comments by find.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

__all__ = ["decode_leftovers", "decode_neutral", "maybe_leftover"]

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,7};|[A-Za-z][A-Za-z0-9]{1,31};)")
_MARKUP_CHARS = frozenset("<>&\"'")
_MAX_PASSES = 4  # "&amp;amp;#8217;" needs three

# Tag names that are HTML in a feed's text. Element names of RSS/Atom/XML that
# texts talk about ("<entry>", "<title>", "<link>") are not here.
_VOID = frozenset({"br", "hr", "img", "wbr"})
_BLOCK = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tr",
        "td", "th", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
        "figcaption", "section", "article", "nav", "center", "iframe", "video", "audio",
        "script", "style", "noscript",
    }
)  # fmt: skip
_INLINE = frozenset(
    {
        "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "ins", "kbd",
        "mark", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "tt", "u",
    }
)  # fmt: skip
_BREAKS = _VOID | _BLOCK
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,11})(\s[^<>]{0,2000})?(/?)>")


def _entity(m: re.Match[str], neutral: bool) -> str:
    ent = m.group()
    if ent[1] != "#" and ent[1:] not in html5:
        return ent  # "&foo;" is no entity: text
    ch = html.unescape(ent)
    if neutral and _MARKUP_CHARS.intersection(ch):
        return ent
    return ch


def _decode_entities(s: str, neutral: bool) -> str:
    for _ in range(_MAX_PASSES):
        if "&" not in s or not _ENTITY_RE.search(s):
            break
        out = _ENTITY_RE.sub(lambda m: _entity(m, neutral), s)
        if out == s:
            break
        s = out
    return s


def _drop_comments(s: str) -> str:
    """Remove each terminated ``<!-- … -->``; an unterminated opener alone (text may follow)."""
    out: list[str] = []
    pos = 0
    while True:
        i = s.find("<!--", pos)
        if i < 0:
            break
        out.append(s[pos:i])
        j = s.find("-->", i + 4)
        if j < 0:  # no end, for this opener nor any later: markers go, the text stays
            out.append(s[i + 4 :].replace("<!--", ""))
            pos = len(s)
            break
        pos = j + 3
    if not out:
        return s
    out.append(s[pos:])
    return "".join(out)


_CLOSING_RE = re.compile(r"</([A-Za-z][A-Za-z0-9]{0,11})\s*>")


def _drop_tags(s: str) -> str:
    closed = {n.lower() for n in _CLOSING_RE.findall(s)} if "</" in s else set()

    def repl(m: re.Match[str]) -> str:
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(4)
        attrs = (m.group(3) or "").strip()
        if attrs.endswith("/"):  # "<br />"
            selfclose, attrs = "/", attrs[:-1].strip()
        if attrs and "=" not in attrs:
            return m.group()  # "a<b and c>d": prose, not attributes
        if name in _BREAKS:
            return "\n"
        if name not in _INLINE:
            return m.group()  # "x<y>", "<entry>": not HTML, text
        if closing or selfclose or attrs or name in closed:
            return ""
        return m.group()  # "the <b> tag": a bare opening tag without its end is text

    return _TAG_RE.sub(repl, s)


# anything that may be a leftover: most text with "&" or "<" has none ("Q&A", "a < b")
_ANY_RE = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]{1,31};)|<[!/A-Za-z]")
maybe_leftover = _ANY_RE.search  # bound: clean_line's fast path calls it directly


def decode_leftovers(s: str) -> str:
    """Plain text: entities decoded (double escapes too), HTML comments and tags removed.

    Block tags and ``<br>`` become a newline (a line's whitespace collapses it).
    """
    if not _ANY_RE.search(s):
        return s
    if "&" in s:
        s = _decode_entities(s, False)
    if "<" in s:
        if "<!--" in s:
            s = _drop_comments(s)
        for _ in range(
            _MAX_PASSES if _TAG_RE.search(s) else 0
        ):  # "<<br>b>x</b>": removing one tag may form another
            out = _drop_tags(s)
            if out == s:
                break
            s = out
    return s


def decode_neutral(s: str) -> str:
    """Text or markup: entities of characters other than ``< > & " '`` decoded, comments gone."""
    if not _ANY_RE.search(s):
        return s
    if "&" in s:
        s = _decode_entities(s, True)
    if "<!--" in s:
        s = _drop_comments(s)
    return s
