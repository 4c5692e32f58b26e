"""Digests of the seed kinds but never seen by the parser author: other shows,
emoji, episode counts, sub-sections in other places, other headings, replies."""

from __future__ import annotations

from store.parse import parse_document

DIGESTLY = """Digestly

April 7, 2025

Robots, Rates & Rivers 🤖

Top Podcast
Lex Fridman: A roboticist on humanoid hands.
Odd Lots: Why rate cuts stall.
Huberman Lab: Cold water and sleep.

Lex Fridman Podcast - “Hands Are the Hard Part”

A roboticist explains why dexterous hands remain the hardest problem in humanoid robots.

Key Points:

  • Tactile sensing lags vision by a decade.
  • Simulation helps but does not transfer fully.

Details:

1. 🦾 Why Hands

  • Hands have more degrees of freedom than legs.

1.1. Tendons vs Motors

  • Tendons save weight.

2. 🔬 Sensing

  • Skin sensors are fragile.

Odd Lots - Why Rate Cuts Stall

Two economists debate why central banks hesitate.

Key Points:

  • Inflation expectations remain sticky.

Details:

1. 📈 Expectations

  • Surveys show households expect higher prices.

2. 🏦 Bank Balance Sheets

2.1. Duration Risk

2.2. Deposit Flight

Huberman Lab — Cold Water and Sleep

Cold exposure timing matters for sleep quality.

Key Points:

  • Morning exposure raises alertness.
  • Evening exposure can delay sleep.

Details:

1. 🧊 Timing

  • Morning is best.

Previous Digests
"""


def test_three_episode_digestly() -> None:
    doc = parse_document(DIGESTLY.encode(), name="d.txt")
    assert doc.kind == "digestly"
    assert doc.source_name == "Digestly" and doc.digest_date == "2025-04-07"
    assert (doc.digest_title or "").startswith("Robots, Rates & Rivers")
    assert len(doc.overview) == 3
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Lex Fridman Podcast", "Hands Are the Hard Part"),
        ("Odd Lots", "Why Rate Cuts Stall"),
        ("Huberman Lab", "Cold Water and Sleep"),
    ]
    e1, e2, e3 = doc.entries
    assert e1.key_points == (
        "Tactile sensing lags vision by a decade.",
        "Simulation helps but does not transfer fully.",
    )
    assert [(s.number, s.icon, s.title) for s in e1.sections] == [
        ("1", "🦾", "Why Hands"),
        ("2", "🔬", "Sensing"),
    ]
    assert e1.sections[0].bullets == ("Hands have more degrees of freedom than legs.",)
    assert [(s.number, s.title, s.bullets) for s in e1.sections[0].sections] == [
        ("1.1", "Tendons vs Motors", ("Tendons save weight.",))
    ]
    assert [s.number for s in e2.sections[1].sections] == ["2.1", "2.2"]
    assert e2.sections[1].title == "Bank Balance Sheets"
    assert len(e3.key_points) == 2 and e3.sections[0].icon == "🧊"
    assert all("Previous Digests" not in (s.title for s in e.sections) for e in doc.entries)


MARKDOWN = """# Morning Briefing — 2025-05-02

## Hard Fork - The Chip Shortage Returns

Demand for accelerators is outpacing supply again.

### Key Points

- Lead times doubled.
- Prices rose for older parts.

### Details

#### 1. 🏭 Fabs

- New fabs come online in 2026.

#### 2. 💸 Prices

- Spot prices jumped.

##### 2.1 Secondary Market

## Acquired — Open Source Databases

How open-source databases became businesses.

### Key Points

- Licences changed.

### Details

#### 1. 📜 Licences

- Source-available licences spread.
"""


def test_markdown_digest() -> None:
    doc = parse_document(MARKDOWN.encode(), name="brief.md")
    assert doc.kind == "markdown" and doc.digest_date == "2025-05-02"
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Hard Fork", "The Chip Shortage Returns"),
        ("Acquired", "Open Source Databases"),
    ]
    e1 = doc.entries[0]
    assert e1.summary == "Demand for accelerators is outpacing supply again."
    assert e1.key_points == ("Lead times doubled.", "Prices rose for older parts.")
    assert [(s.number, s.icon, s.title) for s in e1.sections] == [
        ("1", "🏭", "Fabs"),
        ("2", "💸", "Prices"),
    ]
    assert [s.title for s in e1.sections[1].sections] == ["Secondary Market"]


POST = """Sign Up
ana_dev
posted an update 2 hours ago
Post
57
We moved our clinic scheduling to an open model and cut costs by half. Here is what we learned.

1️⃣ What worked:
- Local inference kept patient data on site
- Fine-tuning on 2,000 notes was enough

2️⃣ What did not:
- Latency spiked at peak hours

Details and config: https://example.com/clinic-llm

Local inference kept patient data on site

Which model did you use?

Nice, we are trying the same in radiology.
"""


def test_post_with_other_replies() -> None:
    doc = parse_document(POST.encode(), name="post.txt", mtime=1_700_000_000.0)
    assert doc.kind == "post"
    (e,) = doc.entries
    assert e.author == "ana_dev"
    assert e.published == "2023-11-14T20:13:20+00:00"
    assert e.title == "We moved our clinic scheduling to an open model and cut costs by half."
    assert [(s.number, s.title, len(s.bullets)) for s in e.sections] == [
        ("1", "What worked", 2),
        ("2", "What did not", 1),
    ]
    assert e.link == "https://example.com/clinic-llm"
    assert len(e.replies) == 2
    assert e.replies[0].startswith("> Local inference") and "Which model" in e.replies[0]
    assert "radiology" in e.replies[1]
    assert "radiology" not in e.body


ARTICLE = """The Quiet Rise of Small Models
Small language models are becoming the default choice for many companies, because they are cheaper to run and easier to control than their giant cousins.
Why Smaller Wins
1. Cost of Serving
Serving a small model costs a fraction of a large one, which matters when millions of requests arrive every day.
2. Privacy and Control
A small model can run on premises, so sensitive data never leaves the building.
Trade-offs to Consider
Small models are not free of problems. Teams should weigh:
- **Accuracy**: They still trail large models on hard reasoning tasks.
- **Maintenance**: Fine-tuned models need retraining as data drifts.
Looking Ahead
Expect a mix: small models for routine work, large ones for the hardest questions.
3 Comments
"""


def test_article_with_other_headings() -> None:
    doc = parse_document(ARTICLE.encode(), name="a.txt")
    assert doc.kind == "article"
    (e,) = doc.entries
    assert e.title == "The Quiet Rise of Small Models"
    assert [s.title for s in e.sections] == [
        "Why Smaller Wins",
        "Trade-offs to Consider",
        "Looking Ahead",
    ]
    assert [(s.number, s.title) for s in e.sections[0].sections] == [
        ("1", "Cost of Serving"),
        ("2", "Privacy and Control"),
    ]
    assert e.sections[1].bullets == (
        "Accuracy: They still trail large models on hard reasoning tasks.",
        "Maintenance: Fine-tuned models need retraining as data drifts.",
    )
    assert "3 Comments" not in e.body


def test_html_digest_fragment() -> None:
    from store.parse.html import html_to_parts

    html = (
        "<p>Episode about <a href='/grid'>grids</a>.</p><h3>Key Points:</h3><ul><li>One</li><li>Two</li></ul>"
        "<h3>Details:</h3><h4>1. ⚡ Load</h4><ul><li>a</li></ul><h4>2. 🔋 Storage</h4><h5>2.1 Batteries</h5>"
        "<script>evil()</script><iframe src='x'>no</iframe>"
    )
    p = html_to_parts(html, "https://ex.org/feed/")
    assert p.summary == "Episode about grids (https://ex.org/grid)."
    assert p.key_points == ("One", "Two") and not p.key_points_derived
    assert [(s.number, s.icon, s.title) for s in p.sections] == [
        ("1", "⚡", "Load"),
        ("2", "🔋", "Storage"),
    ]
    assert [s.number for s in p.sections[1].sections] == ["2.1"]
    assert "evil" not in p.body


def test_html_plain_fragment() -> None:
    from store.parse.html import html_to_parts

    p = html_to_parts(
        "<p>First para.</p><ul><li>x</li><li>y</li></ul><p><a href='javascript:alert(1)'>z</a></p>"
    )
    assert p.summary == "First para."
    assert p.key_points == ("x", "y") and p.key_points_derived
    assert "javascript" not in p.body and "- x" in p.body


def test_html_deep_nesting_is_iterative() -> None:
    from store.parse.html import html_to_parts

    html = "<div>" * 20000 + "deep" + "</div>" * 20000
    assert "deep" in html_to_parts(html).body


def test_article_heading_that_introduces_a_list() -> None:
    """A heading followed by a short 'Three stand out:' line and bullets is a heading."""
    from store.parse import parse_document

    text = (
        "Why Small Models Are Winning the Edge\n"
        "Running language models on phones has moved from demo to product in two years, "
        "and this shift changes who controls AI and what it costs to run.\n"
        "The Hardware Story\n"
        "Neural processing units now ship in most flagship phones and in many laptops today.\n"
        "1. Memory Bandwidth\n"
        "Token generation speed is bound by memory bandwidth rather than by raw compute.\n"
        "What Developers Should Do\n"
        "Three practices stand out:\n"
        "- **Quantise early**: Test 4-bit variants from day one.\n"
        "- **Measure on device**: Emulators lie about latency.\n"
        "Outlook\n"
        "Expect the split between device and cloud to become a routine design decision.\n"
        "Share this article\n"
    )
    (e,) = parse_document(text.encode(), name="a.txt").entries
    assert [s.title for s in e.sections] == [
        "The Hardware Story",
        "What Developers Should Do",
        "Outlook",
    ]
    assert e.sections[0].sections[0].title == "Memory Bandwidth"
    assert e.sections[1].bullets == (
        "Quantise early: Test 4-bit variants from day one.",
        "Measure on device: Emulators lie about latency.",
    )
    assert "**" not in " ".join(e.sections[1].bullets)
