"""Markdown and text files with metadata: YAML, TOML and Pelican blocks give a
post's title, date and author and never show up as text; a Markdown digest
stays a digest; files that are no document at all are refused with a reason."""

from __future__ import annotations

import pytest

from store.parse import ParseError, parse_document
from store.parse.frontmatter import read_front_matter

BODY = """
Sleeper trains vanished from most of Europe in the 2000s, undercut by cheap flights.
A decade later they are returning, and the reasons say a lot about how travellers now
weigh time, comfort and carbon.

## The economics

Operators lease old coaches and refurbish them, which keeps the cost of a new route low.

## What riders say

- They value arriving rested.
- They dislike the booking systems.
"""

YAML_POST = (
    """---
layout: post
title: "Why the Night Train Came Back"
date: 2024-05-06 09:30:00 +0200
author:
  name: Ines Varga
tags: [rail, travel]
description: >
  A folded description that is
  two lines long.
---
"""
    + BODY
)

TOML_POST = (
    """+++
title = "Why the Night Train Came Back"
date = 2024-05-06T07:30:00Z
authors = ["Ines Varga"]
tags = ["rail", "travel"]
draft = false
+++
"""
    + BODY
)

PELICAN_POST = (
    """Title: Why the Night Train Came Back
Date: 2024-05-06 07:30
Author: Ines Varga
Tags: rail, travel
Category: essays
"""
    + BODY
)


@pytest.mark.parametrize(
    ("text", "name", "published"),
    [
        (YAML_POST, "night-train.md", "2024-05-06T07:30:00+00:00"),
        (TOML_POST, "night-train.md", "2024-05-06T07:30:00+00:00"),
        (PELICAN_POST, "night-train.md", "2024-05-06"),
        (PELICAN_POST, "night-train.txt", "2024-05-06"),
        (YAML_POST, "night-train.txt", "2024-05-06T07:30:00+00:00"),
    ],
)
def test_front_matter_post_is_one_entry(text: str, name: str, published: str) -> None:
    doc = parse_document(text.encode(), name=name)
    assert doc.kind == "markdown"
    (e,) = doc.entries
    assert e.title == "Why the Night Train Came Back"
    assert e.published == published
    assert e.author == "Ines Varga"
    assert e.summary.startswith("Sleeper trains vanished from most of Europe")
    assert [s.title for s in e.sections] == ["The economics", "What riders say"]
    assert e.sections[1].bullets == (
        "They value arriving rested.",
        "They dislike the booking systems.",
    )
    assert ("tags", "rail, travel") in e.extra or ("tags", "rail, travel, essays") in e.extra
    for text_field in (e.body, e.summary, *e.key_points):
        for leak in ("layout", "Title:", "title =", "+++", "---", "Author:", "draft"):
            assert leak not in text_field


def test_front_matter_names_the_source() -> None:
    doc = parse_document(
        ("---\ntitle: Harbour Notes\nsite: Port Weekly\n---\n" + BODY).encode(), name="h.md"
    )
    assert doc.source_name == "Port Weekly"


def test_markdown_digest_with_front_matter_stays_a_digest() -> None:
    text = """---
title: Morning Briefing
date: 2025-05-02
---

# Morning Briefing — 2025-05-02

## Hard Fork - The Chip Shortage Returns

Demand for accelerators is outpacing supply again.

### Key Points

- Lead times doubled.

## Odd Lots - Why Rate Cuts Stall

Two economists debate why central banks hesitate.

### Key Points

- Expectations are sticky.
"""
    doc = parse_document(text.encode(), name="briefing.md")
    assert [(e.show, e.title) for e in doc.entries] == [
        ("Hard Fork", "The Chip Shortage Returns"),
        ("Odd Lots", "Why Rate Cuts Stall"),
    ]
    assert doc.digest_title == "Morning Briefing" and doc.digest_date == "2025-05-02"


def test_linked_list_with_front_matter_stays_a_list_of_items() -> None:
    items = "".join(
        f"\n## [Story number {i}](https://news.example/{i})\n\n"
        f"Why it matters: story {i} changes how small towns fund their libraries, parks and "
        "bus routes, and what residents are asked to pay for them.\n"
        for i in range(4)
    )
    doc = parse_document(("---\ntitle: Weekly Links\n---\n" + items).encode(), name="w.md")
    assert [e.title for e in doc.entries] == [f"Story number {i}" for i in range(4)]


def test_unclosed_or_foreign_blocks_are_left_as_text() -> None:
    fm = read_front_matter(["---", "title: never closed", "", "Some text."])
    assert fm.style is None and fm.end == 0
    fm = read_front_matter(["Title: A Note", "", "Only one header line is not Pelican."])
    assert fm.style is None
    fm = read_front_matter(["Key Points: none", "Details: none"])
    assert fm.style is None


def test_yaml_is_read_not_evaluated() -> None:
    fm = read_front_matter(
        ["---", "title: !!python/object/apply:os.system ['true']", "tags:", "  - a", "  - b", "---"]
    )
    assert fm.style == "yaml"
    assert fm.text("title") == "!!python/object/apply:os.system ['true']"
    assert fm.items("tags") == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("hostname", "myhost\n"),
        ("config", "[core]\nrepositoryformatversion = 0\nfilemode = true\n[remote]\nurl = x\n"),
        (
            "settings.txt",
            "---\nserver:\n  port: 8080\n  host: localhost\nlogging:\n  level: debug\n",
        ),
        ("data.txt", '{"a": 1, "b": [1, 2]}\n'),
        ("backup", '#!/bin/sh\nset -e\ncd "$HOME"\nfor f in *.txt; do\n  echo "$f"\ndone\n'),
        ("people.txt", "name,age,city\nAda,36,London\nBob,41,Paris\nCy,29,Rome\n"),
        ("words.txt", "apple\nbanana\ncherry\ndamson\nelder\nfig\ngrape\n"),
        ("env", "PATH=/usr/bin\nHOME=/root\nLANG=C.UTF-8\n"),
        ("app.yaml", "title: My App\nversion: 3\n"),
        ("build.sh", "make all\n"),
    ],
)
def test_non_documents_are_refused_with_a_reason(name: str, text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_document(text.encode(), name=name)
    assert "not a document" in err.value.message or "too short" in err.value.message


@pytest.mark.parametrize(
    "text",
    [
        "Remember to water the plants on Friday.\n",
        "Met Dana for coffee. She thinks the grant will come through by June.\n",
        "Ideas for the trip\n\nTake the night train to Vienna, then the boat down the river.\n"
        "Ask Sam whether the bikes can come along.\n",
        "Note: the meeting moved to Thursday because half the team is away on Wednesday.\n",
    ],
)
def test_short_real_notes_are_read(text: str) -> None:
    doc = parse_document(text.encode(), name="note.txt")
    assert len(doc.entries) == 1 and doc.entries[0].body


def test_jekyll_post_dated_by_its_file_name() -> None:
    text = "---\ntitle: Harbour Notes\n---\n" + BODY
    (e,) = parse_document(text.encode(), name="2024-05-06-harbour-notes.md").entries
    assert e.title == "Harbour Notes" and e.published == "2024-05-06"


def test_list_digest_with_link_lines_and_front_matter_stays_a_list() -> None:
    items = "".join(
        f"\n### {i + 1}. Story number {i}\nLink: https://news.example/{i}\n"
        f"Why it matters: story {i} changes how small towns fund their libraries, parks and "
        "bus routes, and what residents are asked to pay for them.\n"
        for i in range(4)
    )
    text = "---\ntitle: Link Digest\ndate: 2025-12-11\n---\n\n# Link Digest\n" + items
    doc = parse_document(text.encode(), name="links.md")
    assert [e.title for e in doc.entries] == [f"Story number {i}" for i in range(4)]
    assert [e.link for e in doc.entries] == [f"https://news.example/{i}" for i in range(4)]


def test_show_title_digest_without_key_points_stays_a_digest() -> None:
    shows = ("Harbour Hour", "Quay Talk", "Tide Tables")
    episodes = "".join(
        f"\n## {show} — Episode about topic {i}\n\nThe hosts spend the hour on topic {i}, from "
        "the history of the quay to what the new ferry timetable means for the town.\n"
        for i, show in enumerate(shows)
    )
    with_fm = parse_document(("---\ntitle: Podcast Picks\n---\n" + episodes).encode(), name="p.md")
    without = parse_document(("# Podcast Picks\n" + episodes).encode(), name="p.md")
    assert len(with_fm.entries) == 3
    assert [e.title for e in with_fm.entries] == [e.title for e in without.entries]
