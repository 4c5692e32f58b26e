"""Key points a reader would keep: the sentence splitter and the chrome rules, one by one.

Every sample is written here for the rule it tests (no corpus text); the
realworld corpus is measured in test_realworld.py.
"""

from __future__ import annotations

import pytest

from store.parse.chrome import is_junk_sentence, is_link_line, strip_timestamp
from store.parse.gist import pick_points
from store.parse.html import html_to_parts
from store.parse.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We met Dr. Okafor at noon. She was late.",
            ["We met Dr. Okafor at noon.", "She was late."],
        ),
        (
            "Mr. and Mrs. Ito came. Ms. Ruiz did not.",
            ["Mr. and Mrs. Ito came.", "Ms. Ruiz did not."],
        ),
        ("It is on St. Mark's Place. Go there.", ["It is on St. Mark's Place.", "Go there."]),
        ("Fruit, e.g. Plums and pears, i.e. Soft ones. Fine.", None),
        ("Team A vs. Team B tonight. Be there.", ["Team A vs. Team B tonight.", "Be there."]),
        ("Acme Inc. Shipped it. Done!", ["Acme Inc. Shipped it.", "Done!"]),
        ("Made in the U.S. By hand. Nice.", ["Made in the U.S. By hand.", "Nice."]),
        ("Track nr. 1. Then nr. 2 follows. End.", ["Track nr. 1.", "Then nr. 2 follows.", "End."]),
        ("Das ist z.B. Ein Test. Gut.", ["Das ist z.B. Ein Test.", "Gut."]),
        (
            "Wir sehen uns am 1. Mai in Wien. Bis dann.",
            ["Wir sehen uns am 1. Mai in Wien.", "Bis dann."],
        ),
        ("A book by J. R. R. Tolkien. Read it.", ["A book by J. R. R. Tolkien.", "Read it."]),
        (
            "We discuss Robert C. Martin today. Enjoy.",
            ["We discuss Robert C. Martin today.", "Enjoy."],
        ),
        ("Version 3.5 is out. Update now.", ["Version 3.5 is out.", "Update now."]),
        ("See https://ex.org/a.b.c for more. Then stop.", None),
        ("Listen to Ep. 12 first. It helps.", ["Listen to Ep. 12 first.", "It helps."]),
        ("She said “It is over.” Then she left.", ["She said “It is over.”", "Then she left."]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ("lower case after a dot. stays together", ["lower case after a dot. stays together"]),
        ("第一句。第二句！第三句", ["第一句。", "第二句！", "第三句"]),
        ("Η πρώτη πρόταση. Η δεύτερη.", ["Η πρώτη πρόταση.", "Η δεύτερη."]),
        ("Это т.е. Пример. Конец.", ["Это т.е. Пример.", "Конец."]),
        ("Nous avons vu M. Dupont. Il va bien.", ["Nous avons vu M. Dupont.", "Il va bien."]),
        ("La Sra. Gómez llegó. Bien.", ["La Sra. Gómez llegó.", "Bien."]),
        ("Je to napr. Praha. Dobre.", ["Je to napr. Praha.", "Dobre."]),
        ("Apples, pears etc. The rest is gone.", ["Apples, pears etc.", "The rest is gone."]),
    ],
)
def test_sentence_splitter(text: str, expected: list[str] | None) -> None:
    got = split_sentences(text)
    if expected is None:  # only: no piece ends in the middle of the abbreviation or URL
        assert len(got) == 2, got
    else:
        assert got == expected


def test_splitter_limit_and_whitespace() -> None:
    assert split_sentences("  One.\n\n Two.  Three. ", 2) == ["One.", "Two."]
    assert split_sentences("   ") == []


@pytest.mark.parametrize(
    "line",
    [
        "Hi all!",
        "Hello everyone,",
        "Welcome back!",
        "more…",
        "Read more",
        "Reader comments",
        "[link] [431 comments]",
        "Follow-up:",
        "Tags:",
        "Links:",
        "Share this on Facebook",
        "Subscribe to the show on your favourite app.",
        "This episode is brought to you by Widgets Co.",
        "Use promo code SAVE20 for 20% off your first order.",
        "Support the show on Patreon and get bonus episodes.",
        "Host: Sam Lee",
        "Guests: A. One and B. Two",
        "Website (https://example.org/)",
        "https://example.org/one https://example.org/two",
        "Find us on Mastodon: https://example.social/@show",
        "The post How we built it appeared first on Example Blog.",
        "submitted by /u/someone to /r/something",
        "Continue reading on Medium »",
        "Learn more about your ad choices. Visit example.com/adchoices",
    ],
)
def test_junk_lines(line: str) -> None:
    assert is_junk_sentence(line)


@pytest.mark.parametrize(
    "line",
    [
        "The committee voted to delay the bridge repairs until spring.",
        "We talk about memory safety in systems languages.",
        "Our guest explains how tides shape coastal towns.",
        "Stories brought to you by you, the listeners, every week.",
        "The study links sleep and memory (https://example.org/paper) in older adults.",
    ],
)
def test_kept_lines(line: str) -> None:
    assert not is_junk_sentence(line)


def test_link_line_shapes() -> None:
    assert is_link_line("Blog (http://ex.org)")
    assert not is_link_line("A long sentence that mentions http://ex.org in passing for context.")
    assert not is_link_line("No links here at all")


def test_timestamps_are_stripped_from_outline_lines() -> None:
    assert strip_timestamp("00:12:30 – The budget vote") == "The budget vote"
    assert strip_timestamp("(04:05) Weather") == "Weather"
    assert strip_timestamp("[1:02:03] Closing words") == "Closing words"
    assert strip_timestamp("A line without a time") == "A line without a time"


def test_points_dedupe_case_and_punctuation_insensitive() -> None:
    pts = pick_points(["Rates rise again", "rates rise again!", "Markets fall"], [])
    assert pts == ("Rates rise again", "Markets fall")


def test_points_from_timestamped_outline_keep_topics() -> None:
    outline = ["00:00 – Intro and news", "05:10 – The interview", "41:00 – Listener mail"]
    assert pick_points(outline, []) == ("Intro and news", "The interview", "Listener mail")


def test_a_list_of_bare_links_gives_no_points() -> None:
    links = ["https://ex.org/a", "Site (https://ex.org/b)", "https://ex.org/c"]
    paras = ["A real sentence about the episode topic. Another real one."]
    assert pick_points(links, paras) == (
        "A real sentence about the episode topic.",
        "Another real one.",
    )


def test_points_never_repeat_the_title_or_keep_fragments() -> None:
    pts = pick_points([], ["Big Week. Hi all! Ep. The council met on Monday to vote."], "Big week")
    assert pts == ("The council met on Monday to vote.",)


def test_html_item_points_skip_greetings_sponsors_and_chrome() -> None:
    html = (
        "<p>Hi all! Welcome back.</p>"
        "<p>We dig into how Dr. Mehta mapped the reef. The maps changed fishing rules.</p>"
        "<p>This episode is sponsored by Acme. Use code REEF for 10% off.</p>"
        "<p>Read more</p>"
    )
    p = html_to_parts(html, "https://ex.org/", "Reef maps")
    assert p.summary == (
        "We dig into how Dr. Mehta mapped the reef. The maps changed fishing rules."
    )
    assert p.key_points == (
        "We dig into how Dr. Mehta mapped the reef.",
        "The maps changed fishing rules.",
    )


def test_html_item_bullets_without_sponsor_list() -> None:
    html = (
        "<p>Show notes:</p><ul><li>Promo code FISH at example.com</li>"
        "<li>Why coral bleaches</li><li>What divers can do</li>"
        "<li>Link (https://ex.org/x)</li></ul>"
    )
    p = html_to_parts(html, None, "Coral")
    assert p.key_points == ("Why coral bleaches", "What divers can do")
    assert p.summary == ""  # a label and a list: no paragraph to summarise
