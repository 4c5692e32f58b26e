"""Conformance: each seed in ../shared/seeds yields what EXPECTED.md lists."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.parse import parse_document
from tests.support.shared import SHARED

SEEDS = SHARED / "seeds"
GARBAGE = re.compile("πŸ|β€|Ã©|ï¸|\ufffd")


def _seed(prefix: str) -> Path:
    return next(SEEDS.glob(prefix + "_*.txt"))


def _all_text(doc) -> str:
    parts = [doc.digest_title or "", *doc.overview]
    for e in doc.entries:
        parts += [e.title, e.show or "", e.summary, e.body, *e.key_points, *e.replies]
        stack = list(e.sections)
        while stack:
            s = stack.pop()
            parts += [s.title, s.icon or "", s.text, *s.bullets]
            stack.extend(s.sections)
    return "\n".join(parts)


def test_seed_002_digestly() -> None:
    doc = parse_document(_seed("002").read_bytes(), name="002.txt")
    assert doc.kind == "digestly"
    assert doc.source_name == "Digestly"
    assert doc.digest_date == "2025-02-03"
    assert (doc.digest_title or "").startswith("AI's Global Impact & Gender Talks")
    assert [o.split(":")[0] for o in doc.overview] == ["All-In Podcast", "Chris Williamson"]
    assert len(doc.entries) == 2
    e1, e2 = doc.entries
    assert e1.show == "All-In Podcast"
    assert e1.title == "AI Czar David Sacks Explains the DeepSeek Freak Out"
    assert e1.summary.startswith("The release of a Chinese open-source AI model")
    assert len(e1.key_points) == 5
    assert [s.number for s in e1.sections] == [str(i) for i in range(1, 11)]
    by_no = {s.number: s for s in e1.sections}
    assert by_no["1"].title == "Engaging with AI Experts" and len(by_no["1"].bullets) == 5
    assert by_no["3"].title == "China vs. US: AI and Open Source" and by_no["3"].icon == "🌍"
    assert by_no["5"].icon == "🧠"
    assert by_no["7"].title == "The $6 Million Myth Debunked" and by_no["7"].icon == "💰"
    assert by_no["7"].bullets == ()
    assert [(s.number, s.title) for s in by_no["7"].sections] == [
        ("7.1", "Funding and Training Costs"),
        ("7.2", "AI Development Timelines"),
    ]
    assert by_no["8"].title == "Unveiling Compute Investments" and len(by_no["8"].bullets) == 7
    assert by_no["10"].title == "Innovation Through Constraints"
    assert e2.show == "Chris Williamson"
    assert (
        e2.title.replace("’", "'") == "Men Aren't Seen As Having Problems, But As Being The Problem"
    )
    assert len(e2.key_points) == 5 and len(e2.sections) == 8
    assert e2.sections[1].title == "Rising Male Suicide Rates" and len(e2.sections[1].bullets) == 3
    text = _all_text(doc)
    assert "Previous Digests" not in text
    assert not GARBAGE.search(text)


def test_seed_000_post() -> None:
    mtime = datetime(2025, 5, 1, 12, 0, tzinfo=UTC).timestamp()
    doc = parse_document(_seed("000").read_bytes(), name="000.txt", mtime=mtime)
    assert doc.kind == "post"
    (e,) = doc.entries
    assert e.author == "fdaudens"
    assert datetime.fromisoformat(e.published or "") == datetime(
        2025, 5, 1, 12, 0, tzinfo=UTC
    ) - timedelta(days=21)
    assert e.title == "I read the 456-page AI Index report so you don't have to (kidding)."
    assert [s.title for s in e.sections] == [
        "The democratization of AI capabilities is accelerating rapidly",
        "But we're seeing concerning divides deepening",
    ]
    assert [len(s.bullets) for s in e.sections] == [3, 3]
    assert e.key_points and e.key_points_derived
    assert set(e.key_points) <= {b for s in e.sections for b in s.bullets}
    assert "https://hai-production.s3.amazonaws.com/files/hai_ai_index_report_2025.pdf" in e.body
    assert e.replies and "280x in 2 years" in e.replies[0]
    assert "This is insane" in e.replies[0]
    assert not any("This is insane" in x for x in (e.summary, e.body, *e.key_points))
    text = _all_text(doc).split("\n")
    for chrome in (
        "Join the conversation",
        "Sign Up",
        "Post",
        "3631",
        "posted an update 21 days ago",
    ):
        assert chrome not in text
    assert not any(x.startswith("Join the community") for x in text)


def test_seed_001_article() -> None:
    doc = parse_document(_seed("001").read_bytes(), name="001.txt")
    assert doc.kind == "article"
    (e,) = doc.entries
    assert e.title == "The Uneven Landscape of AI Advancement"
    assert e.summary.startswith("The current AI boom")
    assert [s.title for s in e.sections] == [
        "Drivers of the Divide",
        "Consequences and Potential Solutions",
        "Industry Analysis and Future Outlook",
        "Conclusion",
    ]
    drivers = e.sections[0]
    assert [(s.number, s.title) for s in drivers.sections] == [
        ("1", "Computational Resources and Costs"),
        ("2", "Access to Talent and Knowledge"),
        ("3", "Data Availability and Quality"),
    ]
    assert all(s.text for s in drivers.sections)
    cons = e.sections[1]
    assert len(cons.bullets) == 3
    assert cons.bullets[0].startswith("Open-Source Initiatives: ")
    assert "**" not in _all_text(doc)
    assert e.key_points and e.key_points_derived
    assert "No Comments" not in _all_text(doc)


def test_seed_003_chapter() -> None:
    doc = parse_document(_seed("003").read_bytes(), name="003.txt")
    assert doc.kind == "chapter"
    (e,) = doc.entries
    extra = dict(e.extra)
    assert extra["site"] == "Think Forward."
    assert extra["series"] == "AI"
    assert extra["chapters"] == "11" and extra["chapter"] == "11"
    assert e.reading_minutes == 15.2
    assert e.title == "AI development has reached a limit and it is not hardware"
    assert e.body.startswith("There is a shortage of GPUs")
    assert "This series compiles" not in e.body
    assert e.key_points[0].startswith("There is a shortage of GPUs")
    assert e.key_points_derived
    assert "94525" not in _all_text(doc) and "339" not in e.title
