"""import-opml touches only the feeds list (issue 17.9: adding 2 feeds gave a 132-line diff,
re-wrapping the whole `topics:` block and splitting quoted phrases)."""

from __future__ import annotations

import difflib
from pathlib import Path

from store.config import load_config
from store.opml import import_opml

REPO = Path(__file__).resolve().parents[2]

OPML = """<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Harbour Radio" xmlUrl="https://harbour.example/feed.xml"/>
<outline text="Lantern" xmlUrl="https://lantern.example/rss" category="news,tech"/>
</body></opml>
"""


def test_import_adds_feed_lines_and_changes_nothing_else(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    before = (REPO / "feeds.yaml").read_text(encoding="utf-8")
    config.write_text(before, encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert import_opml(opml, config) == (2, 0)
    after = config.read_text(encoding="utf-8")
    diff = [
        d
        for d in difflib.ndiff(before.splitlines(), after.splitlines())
        if d.startswith(("+ ", "- "))
    ]
    assert all(d.startswith("+ ") for d in diff), diff  # nothing removed or rewritten
    assert len(diff) == 5, diff  # two feeds: url + name, url + name + tags
    old, new = load_config(config), load_config(REPO / "feeds.yaml")
    assert old.topics == new.topics
    assert [f.url for f in old.feeds][-2:] == [
        "https://harbour.example/feed.xml",
        "https://lantern.example/rss",
    ]


def test_long_quoted_phrases_survive_an_import(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    phrases = ", ".join(f'"a rather long quoted phrase number {i}"' for i in range(12))
    config.write_text(f"feeds: []\ntopics:\n  long: [{phrases}]\n", encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    import_opml(opml, config)
    text = config.read_text(encoding="utf-8")
    assert f"  long: [{phrases}]\n" in text
    assert len(load_config(config).topics["long"]) == 12
