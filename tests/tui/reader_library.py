"""A library where one event is told by eight sources: enough related entries to walk.

Why generated: the bundled samples and the shared corpus have at most five
related entries per entry, and the reader's keyboard path must reach a sixth
(issue 17.1). Each source words the story its own way around the same
specific facts (the Marrowfield dam, Lake Corven, 14,000 evacuated), so the
related index links them; two podcasts carry an enclosure with a duration and
a size (issue 18.8).
"""

from __future__ import annotations

from pathlib import Path

from store.storage.library import Library
from store.sync.ingest import ingest_paths

SOURCES = [
    "Riverside Radio",
    "The Flood Desk",
    "Valley Morning",
    "Dam Watch",
    "County Wire",
    "Engineering Hour",
    "Weather Notes",
    "Civic Ledger",
]
ANGLES = [
    "engineers inspect the cracked spillway",
    "families wait in school gyms",
    "what the inspection reports warned",
    "how the reservoir level rose so fast",
    "the county's evacuation order explained",
    "can the Marrowfield dam be repaired",
    "rain totals over Lake Corven",
    "who pays for the Marrowfield spillway",
]
# (seconds, bytes): podcasts among them carry their audio's length and size
AUDIO = {0: (4320, 48_300_000), 5: (2520, 30_100_000)}


def _item(i: int, source: str, angle: str) -> str:
    audio = ""
    if i in AUDIO:
        secs, size = AUDIO[i]
        audio = (
            f'<enclosure url="https://example.org/{i}/episode.mp3" type="audio/mpeg"'
            f' length="{size}"/><itunes:duration>{secs}</itunes:duration>'
        )
    return f"""
  <item>
    <title>{source}: Marrowfield Dam Spillway Cracks, {angle}</title>
    <link>https://example.org/{i}/marrowfield</link>
    <guid isPermaLink="false">marrowfield-{i}</guid>
    <pubDate>Mon, 0{1 + i % 8} Sep 2025 0{i % 10}:00:00 +0000</pubDate>
    {audio}
    <content:encoded><![CDATA[
<p>The Marrowfield dam above Lake Corven developed a crack in its concrete spillway
after a week of record rain; {angle}. About 14,000 residents of Corven Valley were
evacuated while engineers from the reservoir authority lowered the lake.</p>
<h3>Key Points:</h3>
<ul>
<li>Some 14,000 Corven Valley residents were evacuated below the Marrowfield dam.</li>
<li>The spillway crack at Marrowfield appeared after record rain over Lake Corven.</li>
<li>{source} notes: {angle}.</li>
</ul>
]]></content:encoded>
  </item>"""


def write_feeds(folder: Path) -> list[Path]:
    """One RSS file per source, each with its take on the Marrowfield story."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (source, angle) in enumerate(zip(SOURCES, ANGLES, strict=True)):
        path = folder / f"feed-{i}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">\n<channel>\n'
            f"  <title>{source}</title>\n  <link>https://example.org/{i}</link>\n"
            f"  <description>{source} feed</description>\n"
            f"{_item(i, source, angle)}\n</channel>\n</rss>\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def build(directory: Path, folder: Path) -> Library:
    """Ingest the eight feeds into a library at ``directory``."""
    lib = Library.open(directory)
    ingest_paths(lib, write_feeds(folder))
    return lib


if __name__ == "__main__":  # a library to look at in tmux: python -m tests.tui.reader_library DIR
    import sys

    out = Path(sys.argv[1])
    build(out, out.parent / (out.name + "-feeds"))
