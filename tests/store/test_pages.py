"""Local HTML pages read as documents: an article gives one entry from its main
content and metadata, a site index gives a skip note, a page of whole posts
gives one entry a post, and no sidebar or navigation heading becomes an entry.

Every page here is written for the test. Each test runs twice: with the
extractor (trafilatura) and with the fallback that reads the page's main
region itself, so both readings hold the same contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.parse import ParseError, parse_document
from store.parse.outline import is_link_line, is_nav_line
from store.parse.page import INDEX_NOTE

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld"

SIDEBAR_RE = re.compile(
    r"^(recent (writing|posts|articles|comments)|archives?|about( me)?|categories|tags|"
    r"blogroll|follow( me)?|subscribe|search|menu|navigation|related( posts)?|"
    r"popular( posts)?|footer|links|contact)\b",
    re.I,
)


def _extractor_works() -> bool:
    try:
        import trafilatura  # noqa: F401
    except Exception:
        return False
    return True


@pytest.fixture(params=["extractor", "fallback"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Which main-content reader the page parser uses for this run."""
    if request.param == "fallback":
        import store.parse.page as page

        monkeypatch.setattr(page, "_extract_markdown", lambda html: None)
    elif not _extractor_works():
        pytest.skip("trafilatura cannot be imported here (lxml_html_clean missing?)")
    yield str(request.param)


SIDEBAR = """
<aside class="sidebar">
  <h2>About Me</h2><p>I write about trains, maps and the odd recipe on weekends.</p>
  <h2>Recent Writing</h2>
  <ul><li><a href="/posts/ferries">On ferries</a></li><li><a href="/posts/maps">Old maps</a></li>
  <li><a href="/posts/tea">Tea in the cab</a></li></ul>
  <h2>Archives</h2>
  <ul><li><a href="/2024/05/">May 2024</a></li><li><a href="/2024/04/">April 2024</a></li></ul>
</aside>
"""

NAV = """
<header class="site-header"><a href="/">Rail Notes</a>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/archive">Archive</a> |
<a href="/feed.xml">Feed</a></nav></header>
"""

ARTICLE = f"""<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Why the Night Train Came Back | Rail Notes</title>
<meta property="og:title" content="Why the Night Train Came Back">
<meta property="og:site_name" content="Rail Notes">
<meta property="article:published_time" content="2024-05-06T09:30:00+02:00">
<meta name="author" content="Ines Varga">
<link rel="canonical" href="https://rail.example.org/posts/night-train">
</head><body>
{NAV}
<main>
<article>
  <h1>Why the Night Train Came Back</h1>
  <p class="byline">By Ines Varga · <time datetime="2024-05-06">6 May 2024</time></p>
  <p>Sleeper trains vanished from most of Europe in the 2000s, undercut by cheap flights and
  ageing rolling stock. A decade later they are returning, and the reasons say a lot about how
  travellers now weigh time, comfort and carbon.</p>
  <h2>The economics of a sleeper</h2>
  <p>Operators lease old coaches and refurbish them, which keeps the cost of opening a new route
  low enough that a few full nights a week pay for it.</p>
  <h2>What riders say</h2>
  <ul><li>They value arriving rested in the city centre.</li>
  <li>They dislike booking systems that stop at the border.</li></ul>
  <p>Most riders in the survey said they would take the train again within a year, and a third
  said they had already booked the return trip.</p>
</article>
</main>
{SIDEBAR}
<footer class="site-footer"><h3>Links</h3><p>© 2024 Rail Notes · <a href="/privacy">Privacy</a>
</p></footer>
</body></html>
"""


def _one(html: str, name: str = "page.html"):  # type: ignore[no-untyped-def]
    doc = parse_document(html.encode("utf-8"), name=name)
    assert doc.kind == "html"
    return doc


def test_article_page_is_one_entry(reader: str) -> None:
    doc = _one(ARTICLE)
    assert len(doc.entries) == 1
    e = doc.entries[0]
    assert e.title == "Why the Night Train Came Back"
    assert e.published == "2024-05-06T07:30:00+00:00"
    assert e.author == "Ines Varga"
    assert e.link == "https://rail.example.org/posts/night-train"
    assert doc.source_name == "Rail Notes"
    assert e.summary.startswith("Sleeper trains vanished from most of Europe")
    titles = [s.title for s in e.sections]
    assert titles == ["The economics of a sleeper", "What riders say"]
    assert "They value arriving rested in the city centre." in e.sections[1].bullets
    for text in (e.body, e.summary, *e.key_points):
        assert "Recent Writing" not in text and "Archives" not in text
        assert "Privacy" not in text and "http" not in text
    assert e.key_points and all(not SIDEBAR_RE.match(k) for k in e.key_points)


def test_article_metadata_from_json_ld_and_time(reader: str) -> None:
    html = """<html><head><title>Quiet Keyboards — Desk Log</title>
    <script type="application/ld+json">{"@context": "https://schema.org",
      "@graph": [{"@type": "WebSite", "name": "Desk Log"},
                 {"@type": "BlogPosting", "headline": "Notes on Quiet Keyboards",
                  "datePublished": "2023-11-02", "author": [{"@type": "Person", "name": "Pat Lee"}],
                  "publisher": {"@type": "Organization", "name": "Desk Log"}}]}
    </script></head><body><div class="content">
    <h1>Notes on Quiet Keyboards</h1>
    <p>Quiet switches trade a little tactile feedback for a lot less noise, and most people stop
    noticing the difference after a week or so of typing on them every day.</p>
    <p>The one thing that does not change is the sound of the space bar, which is why several
    makers now ship a dampened one in the box.</p></div></body></html>"""
    doc = _one(html)
    (e,) = doc.entries
    assert e.title == "Notes on Quiet Keyboards"
    assert e.published == "2023-11-02" and e.author == "Pat Lee"
    assert doc.source_name == "Desk Log"
    assert e.summary.startswith("Quiet switches trade a little tactile feedback")


def test_a_page_without_metadata_takes_its_title_and_time_tags(reader: str) -> None:
    html = """<html><head><title>A Week Without Notifications</title></head><body>
    <h1>A Week Without Notifications</h1><time datetime="2022-03-14T10:20:00Z">March 14</time>
    <p>I turned off every notification on my phone for seven days and kept a short diary of
    what changed in how I worked, how I slept and how often I reached for the phone at all.</p>
    <p>Day one was the hardest part of the whole experiment, and day five the most surprising.</p>
    </body></html>"""
    (e,) = _one(html).entries
    assert e.title == "A Week Without Notifications"
    assert e.published == "2022-03-14T10:20:00+00:00"
    assert e.summary.startswith("I turned off every notification")


def test_a_prose_column_beside_unnamed_link_columns(reader: str) -> None:
    """No <main>/<article> and a right column whose class names nothing: the
    element holding the prose is the article, the linked column is not."""
    right = "".join(
        f'<div class="box"><h3><a href="/topic/{i}">Topic {i} +more</a></h3><ul>'
        + "".join(
            f'<li><a href="/t/{i}/{j}">Headline {i}.{j} about things</a></li>' for j in range(4)
        )
        + "</ul></div>"
        for i in range(4)
    )
    paras = "".join(
        f"<p>Paragraph {i} of the piece explains one more step of how the harbour was rebuilt "
        "after the storm, who paid for it and what the fishermen thought of the new quay.</p>"
        for i in range(6)
    )
    html = f"""<html><head><title>Rebuilding the Harbour - portnews.example</title></head><body>
    <div class="wrap"><div class="left"><h1>Rebuilding the Harbour</h1>{paras}</div>
    <div class="right">{right}</div></div></body></html>"""
    doc = _one(html)
    (e,) = doc.entries
    assert e.title == "Rebuilding the Harbour"
    assert doc.source_name == "portnews.example"
    assert not any("Topic" in s.title for s in e.sections)
    assert "Headline" not in e.body and "Headline" not in " ".join(e.key_points)
    assert e.summary.startswith("Paragraph 0 of the piece")


HOME = f"""<html><head><title>Rail Notes</title>
<meta property="og:site_name" content="Rail Notes"></head><body>{NAV}
<main><h1>Latest posts</h1>
{
    "".join(
        f'<article><h2><a href="/posts/p{i}">Post number {i} about a railway line</a></h2>'
        f'<p class="meta">May {i + 1}, 2024</p><p>A short teaser for post {i}, one line.</p>'
        f'<a href="/posts/p{i}">Read more</a></article>'
        for i in range(8)
    )
}
<nav class="pagination"><a href="/page/2">Older posts</a></nav></main>{SIDEBAR}</body></html>"""


def test_home_page_is_a_site_index(reader: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_document(HOME.encode(), name="index.html")
    assert err.value.message == INDEX_NOTE


def test_link_list_page_is_a_site_index(reader: str) -> None:
    links = "".join(f'<li><a href="/w/{i}">Some page title number {i}</a></li>' for i in range(30))
    html = (
        f"<html><head><title>Links</title></head><body><h1>Links</h1><ul>{links}</ul></body></html>"
    )
    with pytest.raises(ParseError) as err:
        parse_document(html.encode(), name="links.html")
    assert err.value.message == INDEX_NOTE


def _post(i: int) -> str:
    paras = "".join(
        f"<p>Post {i}, paragraph {j}: the ferry left late again, and the crew explained that "
        "the new timetable assumes a calmer sea than the one we get in March most years.</p>"
        for j in range(4)
    )
    return f'<h2>Monday, {i + 3} March 2025</h2><div class="post"><h3><a href="https://ferry.example/p/{i}">Crossing number {i}</a></h3>{paras}</div>'


def test_front_page_with_whole_posts_gives_one_entry_a_post(reader: str) -> None:
    html = (
        "<html><head><title>Ferry Diary</title></head><body><main>"
        + "".join(_post(i) for i in range(3))
        + f"</main>{SIDEBAR}</body></html>"
    )
    doc = _one(html)
    assert [e.title for e in doc.entries] == [f"Crossing number {i}" for i in range(3)]
    assert [e.link for e in doc.entries] == [f"https://ferry.example/p/{i}" for i in range(3)]
    assert [e.published for e in doc.entries] == ["2025-03-03", "2025-03-04", "2025-03-05"]
    for e in doc.entries:
        assert "http" not in e.title and not SIDEBAR_RE.match(e.title)
        assert e.summary.startswith("Post ")


def test_html_digest_keeps_its_digest_reading() -> None:
    html = """<html><head><title>Morning Briefing 2025-05-02</title></head><body>
    <h1>Morning Briefing 2025-05-02</h1>
    <h2>Hard Fork - The Chip Shortage Returns</h2>
    <p>Demand for accelerators is outpacing supply again.</p>
    <h3>Key Points</h3><ul><li>Lead times doubled.</li><li>Prices rose.</li></ul>
    <h2>Odd Lots - Why Rate Cuts Stall</h2>
    <p>Two economists debate why central banks hesitate.</p>
    <h3>Key Points</h3><ul><li>Expectations are sticky.</li></ul>
    </body></html>"""
    doc = _one(html, "briefing.html")
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Hard Fork", "The Chip Shortage Returns"),
        ("Odd Lots", "Why Rate Cuts Stall"),
    ]
    assert doc.entries[0].key_points == ("Lead times doubled.", "Prices rose.")
    assert doc.digest_date == "2025-05-02"


def test_empty_and_error_pages_are_skipped(reader: str) -> None:
    for html in (
        "<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        "<html><head><link rel='alternate' href='/feed.xml'></head><body></body></html>",
    ):
        with pytest.raises(ParseError):
            parse_document(html.encode(), name="x.html")


def test_nav_and_link_lines_are_recognised() -> None:
    assert is_nav_line("Home | About | Archive | Feed")
    assert is_nav_line("[ By date ] [ By rating ] [ Random ] [ Add ] [ Search ]")
    assert not is_nav_line(
        "Trains | a short history of sleepers, ferries and the people who ran them"
    )
    assert is_link_line("[Old maps](https://x.example/maps)")
    assert is_link_line("Old maps (https://x.example/maps)")
    assert not is_link_line("I read [a post](https://x.example/p) about maps and then drew my own.")


def _realworld_pages() -> list[Path]:
    if not REALWORLD.is_dir():
        return []
    return sorted(p for p in REALWORLD.iterdir() if p.suffix.lower() in (".html", ".htm"))


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared corpus not found")
def test_realworld_pages_read_as_documents(reader: str) -> None:
    """Property test: 0 exceptions; no entry titled like a sidebar heading; no
    summary that is navigation or a bare list of links; no address in a title."""
    pages = _realworld_pages()
    assert pages
    read = 0
    for p in pages:
        try:
            doc = parse_document(p.read_bytes(), name=p.name)
        except ParseError as exc:
            # a refusal with a reason, never a parser's own failure
            assert exc.message and not exc.message.startswith("could not parse"), p.name
            continue
        read += 1
        assert doc.kind == "html", p.name
        for e in doc.entries:
            assert e.title and not SIDEBAR_RE.match(e.title), (p.name, e.title)
            assert "(http" not in e.title, (p.name, e.title)
            assert not is_nav_line(e.summary), (p.name, e.summary[:80])
            assert not is_link_line(e.summary), (p.name, e.summary[:80])
            assert not e.summary.startswith(("http://", "https://")), (p.name, e.summary[:80])
        assert len(doc.entries) <= 5, (p.name, [e.title for e in doc.entries])
    assert read >= 1


def test_html_list_digest_keeps_one_entry_an_item(reader: str) -> None:
    """One heading an item, each with its own link line: the HTML form of a list
    digest stays one entry an item; the sidebar's heading is not one."""
    items = "".join(
        f"<h3>{i + 1}. Story number {i}</h3>"
        f'<p>Link: <a href="https://news.example/{i}">https://news.example/{i}</a></p>'
        f"<p>Why it matters: story {i} changes how small towns fund libraries and parks.</p>"
        for i in range(4)
    )
    html = (
        "<html><head><title>Link Digest 2025-12-11</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/archive">Archive</a></nav>'
        f"<h1>Link Digest 2025-12-11</h1>{items}{SIDEBAR}</body></html>"
    )
    doc = _one(html)
    assert [e.title for e in doc.entries] == [f"Story number {i}" for i in range(4)]
    assert [e.link for e in doc.entries] == [f"https://news.example/{i}" for i in range(4)]
    assert doc.digest_date == "2025-12-11"


def test_ingest_names_the_source_after_the_site_and_reports_the_index(
    tmp_path: Path, reader: str
) -> None:
    from store.storage.library import Library
    from store.sync.ingest import ingest_paths

    folder = tmp_path / "saved-pages"
    folder.mkdir()
    (folder / "night-train.html").write_text(ARTICLE, encoding="utf-8")
    (folder / "home.html").write_text(HOME, encoding="utf-8")
    lib = Library.open(tmp_path / "lib")
    report = ingest_paths(lib, [folder], topics={})
    rows = lib.rows()
    assert [(r.title, r.source) for r in rows] == [("Why the Night Train Came Back", "Rail Notes")]
    assert [(Path(p).name, why) for p, why in report.skipped] == [("home.html", INDEX_NOTE)]
    again = ingest_paths(lib, [folder], topics={})
    assert (again.entries_new, again.entries_updated, again.entries_known) == (0, 0, 1)


def test_a_page_reads_the_same_every_time(reader: str) -> None:
    """The extractor keeps no state between documents: a re-parse is identical."""
    first = parse_document(ARTICLE.encode(), name="a.html")
    for _ in range(4):
        assert parse_document(ARTICLE.encode(), name="a.html") == first


def test_cdata_json_ld_and_a_masthead_h1(reader: str) -> None:
    html = """<html><head><title>Harbour Log: The Quay Reopens</title>
    <script type="application/ld+json">
    <![CDATA[
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "The Quay Reopens",
     "datePublished": "2021-06-01T08:00:00Z", "author": {"@type": "Person", "name": "Kai Moana"},
     "publisher": {"@type": "Organization", "name": "Harbour Log"}}
    ]]>
    </script></head><body><h1>Harbour Log</h1><div class="post">
    <p>The quay reopened on Tuesday after two winters of repairs, and the first boats tied up
    before the ribbon had even been cut by the mayor and the harbour master.</p>
    <p>Fishermen said the new bollards are higher than the old ones, which takes some getting
    used to at low tide.</p></div></body></html>"""
    doc = _one(html)
    (e,) = doc.entries
    assert e.title == "The Quay Reopens"
    assert (e.published, e.author, doc.source_name) == (
        "2021-06-01T08:00:00+00:00",
        "Kai Moana",
        "Harbour Log",
    )
    assert e.summary.startswith("The quay reopened on Tuesday")


def test_double_escaped_entities_are_letters(reader: str) -> None:
    html = """<html><head><title>Google&amp;#x27;s Caf&amp;eacute; Plan</title></head><body>
    <article><h1>Google&amp;#x27;s Caf&amp;eacute; Plan</h1>
    <p>The company&amp;#8217;s new caf&amp;eacute; opens in March, and the menu was written by a
    chef who used to cook for the harbour workers down the road.</p>
    <p>Prices are &amp;euro;4 for a coffee and &amp;euro;9 for the harbour breakfast plate.</p>
    </article></body></html>"""
    (e,) = _one(html).entries
    assert e.title == "Google's Café Plan"
    assert e.summary.startswith("The company’s new café opens in March")
    assert "€4 for a coffee" in e.body
    assert not re.search(r"&#\\d+;|&#x[0-9a-f]+;|&eacute;", e.title + e.summary + e.body)
