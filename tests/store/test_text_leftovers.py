"""HTML leftovers in plain text: entities, stray tags and comments are decoded once.

One rule a test: what a field must lose, and what prose or code that looks
like markup must keep ("AT&T", "a < b", "x<y>").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.parse import ParseError
from store.text import clean_line, clean_text, screen_line, screen_text
from store.text.leftovers import decode_leftovers, decode_neutral


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Google&#x27;s", "Google's"),
        ("UK&#8217;s", "UK’s"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("caf&eacute; &copy; 2024", "café © 2024"),
        ("&#X201C;quoted&#x201D;", "“quoted”"),
        ("price&nbsp;10&nbsp;€", "price 10 €"),
        ("&#150; en dash", "– en dash"),  # cp1252 numeric references, as browsers read them
    ],
)
def test_entities_become_their_characters(raw: str, want: str) -> None:
    assert clean_line(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("it&amp;#8217;s", "it’s"),
        ("Q&amp;amp;A", "Q&A"),
        ("&amp;lt;p&amp;gt;Hello&amp;lt;/p&amp;gt;", "Hello"),
        ("a&amp;nbsp;b", "a b"),
    ],
)
def test_double_escapes_end_as_the_character(raw: str, want: str) -> None:
    assert clean_line(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("descent.<br />", "descent."),
        ("one<br>two<BR/>three", "one two three"),
        (
            '<p>MOE will be <a href ="http://x.org/a">building</a> schools.</p>',
            "MOE will be building schools.",
        ),
        ('<a href="http://x.org/i.jpg"></a>Johannes talks', "Johannes talks"),
        ("<b>bold</b> and <em>em</em>", "bold and em"),
        ('<img src="a.png" alt="x"/>caption', "caption"),
        ("</a>tail", "tail"),
        ('<div class="md"><p>nested</p></div>', "nested"),
    ],
)
def test_stray_tags_go(raw: str, want: str) -> None:
    assert clean_line(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ('<!-- SC_OFF --><div class="md">Reddit text</div><!-- SC_ON -->', "Reddit text"),
        ("before <!-- a\nmulti-line comment --> after", "before after"),
        ("<!-- never closed: the text after it stays", "never closed: the text after it stays"),
        ("&lt;!-- escaped comment --&gt;text", "text"),
    ],
)
def test_comments_go(raw: str, want: str) -> None:
    assert clean_line(raw) == want


@pytest.mark.parametrize(
    "prose",
    [
        "AT&T and R&D",
        "Q&A: fish & chips",
        "if a < b and c > d",
        "x<y> is not a tag",
        "List<String> and Map<K, V>",
        "Vec<u8>",
        "a<b and c>d",
        "the <b> tag makes text bold",
        "9: Content, <entry> has base",
        "&foo; is no entity",
        "&notit, &amp without its semicolon",
        "5 < 6 > 4 & so on",
        "<3 love",
        "arrow <- and -> and <!",
    ],
)
def test_prose_and_code_that_look_like_markup_survive(prose: str) -> None:
    assert clean_line(prose) == prose
    assert clean_text(prose) == prose
    assert clean_text(prose, plain=True) == prose


def test_decoded_controls_are_still_removed() -> None:
    # a numeric reference to a control decodes to nothing (HTML's rule): no ESC is left
    assert clean_line("a&#27;[31mred&#x1b;[0m b") == "a[31mred[0m b"
    assert "\x1b" not in clean_text("&#27;[2J&#x9b;2J", plain=True)
    assert clean_line("bidi&#x202e;gnp.exe") == "bidignp.exe"
    assert clean_line("nul&#0;byte") == "nulbyte"  # U+FFFD, then dropped
    assert clean_line("zw&#8203;space") == "zwspace"


def test_decoded_mojibake_is_repaired() -> None:
    # entity-encoded UTF-8 bytes read as cp1252 ("â€™"): decoded, then repaired
    assert clean_line("it&#226;&#8364;&#8482;s") == "it’s"


def test_clean_text_on_markup_decodes_only_what_means_the_same() -> None:
    # clean_text also runs on HTML still to be parsed: "&lt;" must not become a tag
    html = '<p title="a &quot;b&quot;">x &lt;y&gt; &amp; caf&eacute;&nbsp;<!-- c --></p>'
    assert clean_text(html) == '<p title="a &quot;b&quot;">x &lt;y&gt; &amp; café\u00a0</p>'
    assert decode_neutral("&#60;script&#62;") == "&#60;script&#62;"
    assert decode_neutral("it&amp;#8217;s") == "it&amp;#8217;s"  # the parser decodes one level


def test_clean_text_plain_keeps_lines() -> None:
    s = "First line<br />second &amp; last\n\n<p>New paragraph</p>"
    assert clean_text(s, plain=True) == "First line\nsecond & last\n\n\nNew paragraph\n"


def test_screen_functions_show_what_is_stored() -> None:
    # stored text was decoded when it came in: showing it decodes nothing again
    assert screen_line("AT&amp;T") == "AT&amp;T"
    assert screen_text("<b>x</b>") == "<b>x</b>"


def test_idempotent() -> None:
    for raw in ("Q&amp;amp;A <br/> x", "<<br>b>bold</b>", "&amp;lt;b&amp;gt;x", "a&amp;b;"):
        once = clean_line(raw)
        assert clean_line(once) == once


def test_linear_on_hostile_input() -> None:
    # many openers and no closers: each is looked at once (no wall clock: sizes)
    s = "<!--" * 50_000 + "x" + "<a " * 50_000 + "&amp;" * 50_000
    out = clean_line(s)
    assert out.startswith("x<a <a ") and out.endswith("&&&")
    assert decode_leftovers("&" * 100_000) == "&" * 100_000


# --------------------------------------------------------------------------
# real feeds: no field of any item keeps a leftover
# --------------------------------------------------------------------------

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld"
LEFTOVER = re.compile(
    r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|<!--"
    r"|</?(?:br|p|a|div|span|img|b|i|em|strong|ul|ol|li|h[1-6]|font|blockquote)\b[^<>]{0,500}>",
    re.I,
)


def test_no_field_of_a_real_feed_keeps_a_leftover() -> None:
    from store.parse.feed import parse_feed_bytes

    assert REALWORLD.is_dir(), f"the shared corpus is missing: expected it at {REALWORLD}"
    files = sorted(p for p in REALWORLD.iterdir() if p.suffix in (".xml", ".rss", ".atom"))
    assert len(files) > 50, f"expected the realworld feeds in {REALWORLD}, found {len(files)}"
    fields, bad = 0, []
    for p in files:
        try:
            doc = parse_feed_bytes(p.read_bytes())
        except ParseError:
            continue  # a feed refused whole is another test's business
        for e in doc.entries:
            for v in (e.title, e.show or "", e.author or "", e.summary, e.body, *e.key_points):
                fields += 1
                m = LEFTOVER.search(v)
                if m:
                    bad.append(f"{p.name}: {v[max(0, m.start() - 40) : m.end() + 40]!r}")
    assert fields > 10_000
    assert not bad, f"{len(bad)} fields keep HTML leftovers:\n" + "\n".join(bad[:20])
