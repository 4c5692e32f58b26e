"""A small, fixed library: entries with fixed ids, dates and text.

Anything rendered from them is deterministic, which the UI snapshot tests depend on.
"""

from __future__ import annotations

from pathlib import Path

from store.models import DigestInfo, Enclosure, Entry, Section, Source, short_hash
from store.storage.library import Library

DIGEST = DigestInfo("dg0203", "AI's Global Impact & Gender Talks", "2025-02-03")
DIGESTLY = Source("file", "Digestly", "/samples/002_digest.txt")

DEEPSEEK_SECTIONS = (
    Section("Engaging with AI Experts", "1", "🗣", bullets=("a", "b", "c", "d", "e")),
    Section("The Explosive Model Release", "2", "🌟", bullets=("DeepSeek R1 shipped.",)),
    Section("China vs. US: AI and Open Source", "3", "🌍", bullets=("Open weights.",)),
    Section("Unpacking the AI Narrative", "4", None, text="Narratives move markets."),
    Section("Evolution of AI Models", "5", "🧠", bullets=("Reasoning models.",)),
    Section("China's Leap in AI Development", "6", "🚀", bullets=("Closing the gap.",)),
    Section(
        "The $6 Million Myth Debunked",
        "7",
        "💰",
        sections=(
            Section("Funding and Training Costs", "7.1", text="Only the final run."),
            Section("AI Development Timelines", "7.2", text="Years of work before."),
        ),
    ),
    Section("Unveiling Compute Investments", "8", "💻", bullets=tuple("1234567")),
    Section("Deep Dive into DeepSeek's Strategy", "9", None, bullets=("Algorithms.",)),
    Section("Innovation Through Constraints", "10", "💡", bullets=("Necessity.",)),
)


def sample_entries() -> list[Entry]:
    """Five entries from four sources: a two-episode digest, a post, a podcast feed, an article."""
    deepseek = Entry(
        id=short_hash("deepseek"),
        source=DIGESTLY,
        title="AI Czar David Sacks Explains the DeepSeek Freak Out",
        digest=DIGEST,
        show="All-In Podcast",
        summary="The release of a Chinese open-source AI model, DeepSeek, sparked discussion.",
        key_points=(
            "DeepSeek's open-source model challenges US dominance in AI.",
            "The $6 million cost claim is misleading.",
            "Constraints drove innovative approaches.",
            "China is closing the gap.",
            "Scarcity can lead to innovation.",
        ),
        sections=DEEPSEEK_SECTIONS,
        reading_minutes=5.0,
        auto_tags=("china", "open source", "compute", "cost"),
    )
    williamson = Entry(
        id=short_hash("williamson"),
        source=DIGESTLY,
        title="Men Aren't Seen As Having Problems, But As Being The Problem",
        digest=DIGEST,
        show="Chris Williamson",
        summary="Richard Reeves on the challenges men and boys face.",
        key_points=("One", "Two", "Three", "Four", "Five"),
        sections=tuple(Section(f"Section {i}", str(i), None, bullets=("x",)) for i in range(1, 9)),
        reading_minutes=4.0,
        auto_tags=("gender",),
    )
    post = Entry(
        id=short_hash("post"),
        source=Source("file", "fdaudens", "/samples/000_post.txt"),
        title="I read the 456-page AI Index report so you don't have to (kidding).",
        author="fdaudens",
        published="2025-01-13",
        summary="The AI Index in a few bullets.",
        key_points=("Costs fell 280x.",),
        key_points_derived=True,
        replies=("The cost to run GPT-3.5-level performance dropped 280x in 2 years", "Thanks!"),
        auto_tags=("china", "open source", "gender", "cost"),
    )
    podcast = Entry(
        id=short_hash("podcast"),
        source=Source("feed", "Test Podcast", "https://podcast.example/feed.xml"),
        title="Episode 12: Compute is the new oil",
        show="Test Podcast",
        link="https://podcast.example/ep12",
        published="2025-02-10T08:00:00+00:00",
        summary="Why compute budgets decide who wins.",
        body="Full show notes.",
        enclosure=Enclosure("https://podcast.example/ep12.mp3", "audio/mpeg", 1000, 3725),
        auto_tags=("compute",),
    )
    article = Entry(
        id=short_hash("article"),
        source=Source("file", "essays", "/samples/001_article.txt"),
        title="The Uneven Landscape of AI Advancement",
        summary="AI progress is unevenly distributed.",
        body="Compute, talent and data decide.",
        reading_minutes=3.0,
        auto_tags=("compute",),
    )
    return [deepseek, williamson, post, podcast, article]


def numbered_entries(
    n: int, source: str = "Src", prefix: str = "", auto_tags: tuple[str, ...] = ()
) -> list[Entry]:
    """``n`` small entries with ids, titles and dates from their number (store tests)."""
    src = Source("file", source, f"/tmp/{source}")
    return [
        Entry(
            id=f"{prefix}{i:04x}".rjust(12, "a"),
            source=src,
            title=f"Title {i}",
            summary=f"Summary {i}",
            key_points=(f"point {i}",),
            sections=(Section("Sec", "1", None, ("b1", "b2")),),
            published=f"2025-01-{1 + i % 28:02d}",
            auto_tags=auto_tags,
        )
        for i in range(n)
    ]


def build_library(directory: Path, entries: list[Entry] | None = None) -> Library:
    """A library in ``directory`` holding ``entries`` (default: sample_entries())."""
    lib = Library.open(directory)
    lib.save_entries(entries if entries is not None else sample_entries())
    return lib
