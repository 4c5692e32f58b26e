"""Identity keys, spelled out: the exact parts each key is the hash of.

Why: a key is stored in every index row, so its recipe is a file format. A
key built from another prefix ("L" for "l"), another kind tag, without the
summary or with one more character folded would still find the item within
one run (tests that ingest twice pass) and would no longer match the keys of
an existing library: every entry there would arrive again as new. So each
key is compared with ``short_hash`` of the parts it is documented to hold
(the module docstring of ``store/storage/identity.py``), and a few with
their hex, in case the hash itself changes.
"""

from __future__ import annotations

from typing import Literal

from store.models import DigestInfo, Entry, Section, Source, short_hash
from store.storage.identity import (
    FOLD_CHARS,
    LEGACY,
    MAX_KEYS,
    channel_parts,
    damage,
    digest_key,
    feed_keys,
    fold_text,
    is_url,
    legacy_key,
    merge_keys,
    norm_link,
    similar,
    source_rank,
    stored_keys,
)

CHANNEL = [("l", "example.com/feed"), ("t", "the show")]


def _keys(item: tuple[str, ...], channels: list[tuple[str, str]] = CHANNEL) -> list[str]:
    return [short_hash("feed", *ch, *item) for ch in channels]


def test_a_channel_is_named_by_its_link_and_title_and_only_else_by_where_it_came_from() -> None:
    assert channel_parts("https://www.Example.com/feed/", "  The  Show ", "/tmp/x.xml") == CHANNEL
    assert channel_parts(None, "The Show", "/x") == [("t", "the show")]
    assert channel_parts("https://e.com/", "", "/x") == [("l", "e.com")]
    assert channel_parts(None, " ", "/tmp/x.xml") == [("s", "/tmp/x.xml")]
    assert channel_parts("ftp://e.com/f", None, "s") == [("s", "s")]


def test_a_guid_key_is_the_channel_and_the_guid() -> None:
    keys = feed_keys(
        CHANNEL, guid=" abc-1 ", link="https://e.com/a", title="T", summary="S", body="B"
    )
    assert keys == _keys(("g", "abc-1"))
    assert keys == ["1e014157f67e", "be6043c352e2"]  # the hash itself: libraries hold these


def test_without_a_real_guid_the_link_is_the_key() -> None:
    by_link = _keys(("u", "e.com/a"))
    for guid in (None, "", "  ", "h:made-up-from-content"):
        keys = feed_keys(
            CHANNEL, guid=guid, link="https://www.e.com/a/", title="T", summary="S", body="B"
        )
        assert keys == by_link, guid


def test_without_guid_or_usable_link_the_content_is_the_key() -> None:
    for link in (None, "", "mailto:x@e.com"):
        keys = feed_keys(
            CHANNEL, guid=None, link=link, title="Title One", summary="A summary", body="Body"
        )
        assert keys == _keys(("c", "titleone", "asummary")), link
    # no summary: the body names it; the title is always folded in
    keys = feed_keys(CHANNEL, guid=None, link=None, title="T 1", summary="", body="Body text")
    assert keys == _keys(("c", "t1", "bodytext"))


def test_content_keys_fold_a_prefix_of_the_text() -> None:
    long = "word " * 1000
    keys = feed_keys(CHANNEL, guid=None, link=None, title="T", summary=long, body="other")
    assert keys == _keys(("c", "t", ("word" * 1000)[:FOLD_CHARS]))
    # what lies past the folded prefix does not change the key
    later = feed_keys(CHANNEL, guid=None, link=None, title="T", summary=long + "tail", body="x")
    assert later == keys
    # 6 raw characters are read per folded one (damage may triple each
    # character), so a text of one letter in six still fills the prefix
    damaged = "".join(c + "-- ~~" for c in "abcdefghij" * 30)
    keys = feed_keys(CHANNEL, guid=None, link=None, title="T", summary=damaged, body="")
    assert keys == _keys(("c", "t", ("abcdefghij" * 30)[:FOLD_CHARS]))


def test_a_guid_under_the_feeds_url_is_keyed_as_it_is_and_relative() -> None:
    one = [("l", "e.com")]
    base = "https://e.com/pod/feed.xml"
    under_folder = feed_keys(
        one, guid="https://e.com/pod/ep/1", link=None, title="T", summary="", body="", base=base
    )
    assert under_folder == _keys(("g", "https://e.com/pod/ep/1"), one) + _keys(("g", "ep/1"), one)
    under_host = feed_keys(
        one, guid="https://e.com/ep/1", link=None, title="T", summary="", body="", base=base
    )
    assert under_host == _keys(("g", "https://e.com/ep/1"), one) + _keys(("g", "/ep/1"), one)
    elsewhere = feed_keys(
        one, guid="https://other.org/ep/1", link=None, title="T", summary="", body="", base=base
    )
    assert elsewhere == _keys(("g", "https://other.org/ep/1"), one)
    bare_host = feed_keys(
        one, guid="https://e.com/a", link=None, title="T", summary="", body="", base="https://e.com"
    )
    assert bare_host == _keys(("g", "https://e.com/a"), one) + _keys(("g", "/a"), one)
    not_a_url = feed_keys(
        one, guid="https://e.com/a", link=None, title="T", summary="", body="", base="/tmp/f.xml"
    )
    assert not_a_url == _keys(("g", "https://e.com/a"), one)
    # a relative link is keyed the same way, its relative form as written
    by_link = feed_keys(
        one, guid=None, link="https://e.com/pod/ep/2", title="T", summary="", body="", base=base
    )
    assert by_link == _keys(("u", "e.com/pod/ep/2"), one) + _keys(("u", "ep/2"), one)


def test_an_item_keeps_at_most_max_keys() -> None:
    channels = [("l", "a.com"), ("t", "a"), ("l", "b.com"), ("t", "b")]
    keys = feed_keys(
        channels,
        guid="https://e.com/p/1",
        link=None,
        title="",
        summary="",
        body="",
        base="https://e.com/p/f",
    )
    assert len(keys) == MAX_KEYS == 4
    assert keys == [short_hash("feed", *ch, "g", "https://e.com/p/1") for ch in channels]


def test_a_documents_key_is_its_folded_content() -> None:
    key = digest_key(
        show="The Show",
        title="Ep 1!",
        digest_title="Daily Digest",
        digest_date="2025-01-02",
        summary="Sum up",
        body="Body",
    )
    assert key == short_hash("doc", "theshow", "ep1", "dailydigest", "2025-01-02", "sumup")
    assert key == digest_key(
        show="THE SHOW",
        title="ep 1",
        digest_title="daily-digest",
        digest_date="2025-01-02",
        summary="sum up!",
        body="other",
    )
    bare = digest_key(
        show=None, title="Title", digest_title=None, digest_date=None, summary="", body="Body"
    )
    assert bare == short_hash("doc", "", "title", "", "", "body") == "3563f44d38b4"


def test_legacy_keys_are_marked_and_built_from_link_and_title_else_content() -> None:
    assert legacy_key("https://www.e.com/a/", "The Title", "S", "B") == LEGACY + short_hash(
        "legacy", "e.com/a", "thetitle"
    )
    assert legacy_key(None, "Title", "Sum", "B") == LEGACY + short_hash("legacy", "title", "sum")
    assert legacy_key("mailto:x", "Title", "", "Body") == LEGACY + short_hash(
        "legacy", "title", "body"
    )
    assert LEGACY == "~"


def _entry(kind: Literal["file", "feed"], **kw: object) -> Entry:
    base: dict[str, object] = dict(
        id="e1", source=Source(kind, "Src", "/x"), title="Title", summary="Sum", body="Body"
    )
    base.update(kw)
    return Entry(**base)  # type: ignore[arg-type]


def test_stored_keys_of_the_previous_release() -> None:
    feed = _entry("feed", link="https://e.com/a")
    assert stored_keys(feed) == legacy_key("https://e.com/a", "Title", "Sum", "Body")
    doc = _entry("file", show="Show", digest=DigestInfo("d1", "Digest", "2025-01-02"))
    expected = digest_key(
        show="Show",
        title="Title",
        digest_title="Digest",
        digest_date="2025-01-02",
        summary="Sum",
        body="Body",
    )
    assert stored_keys(doc) == expected
    assert stored_keys(_entry("file")) == digest_key(
        show=None, title="Title", digest_title=None, digest_date=None, summary="Sum", body="Body"
    )


def test_merge_keys_keeps_order_drops_repeats_and_stops_at_max() -> None:
    assert merge_keys("a b", "b c", "", "d e f") == "a b c d"
    assert merge_keys("a") == "a"
    assert merge_keys() == ""


def test_a_subscription_is_a_url_and_wins_over_a_file() -> None:
    assert is_url("https://e.com/f") and is_url("http://e.com")
    assert not is_url("file:///tmp/f.xml") and not is_url("/tmp/f.xml")
    url, path = Source("feed", "F", "https://e.com/f"), Source("feed", "F", "/tmp/f.xml")
    assert source_rank(url) < source_rank(path)
    assert min([path, url], key=source_rank) is url
    assert source_rank(Source("file", "a", "/a")) < source_rank(Source("file", "b", "/b"))


def test_links_keep_ports_and_queries_and_refuse_what_is_not_http() -> None:
    assert norm_link("https://e.com:8443/a") == "e.com:8443/a"
    assert norm_link("http://e.com:80/a") == norm_link("https://e.com:443/a") == "e.com/a"
    assert norm_link("  https://E.com/a?x=1  ") == "e.com/a?x=1"
    assert norm_link("https://www.e.com") == "e.com"
    assert norm_link("http://[::1") == norm_link("http://e.com:99999/") == ""
    assert norm_link("https:///nohost") == norm_link(None) == norm_link("") == ""


def test_folding_keeps_ascii_unless_another_script_dominates() -> None:
    assert fold_text("Hello, World 42!") == "helloworld42"
    assert fold_text("Ünïcödé Words") == "ncdwords"  # mostly ASCII: the ASCII skeleton
    assert fold_text("Привет мир") == "приветмир"  # no ASCII: every letter
    assert fold_text("AB Привет") == "abпривет"  # too little ASCII: every letter
    # the 60 % line: 6 ASCII of 10 letters keeps the skeleton, 5 of 10 does not
    assert fold_text("abcdef жзий") == "abcdef"
    assert fold_text("abcde жзийк") == "abcdeжзийк"


def _rich(**kw: object) -> Entry:
    sec = Section(
        "Sec", "1", "🧠", ("naïve bullet",), sections=(Section("Sub", "1.1", None, ("b",)),)
    )
    return _entry("file", key_points=("point one", "point two"), sections=(sec,), **kw)


def test_damage_ranks_mojibake_then_icons_sections_points_and_accents() -> None:
    clean = _rich(title="Café naïve")
    assert damage(clean) == (0, -1, -2, -2, -3)  # é ï ï: the icon is not text
    assert damage(_rich(title="Caf\ufffd na\ufffdve"))[0] >= 2
    assert damage(_rich(title="CafÃ© naÃ¯ve"))[0] > 0
    assert damage(_entry("file", title="Plain"))[1:] == (0, 0, 0, 0)
    worse = [
        _rich(title="CafÃ© naÃ¯ve"),
        _entry(
            "file",
            title="Café naïve",
            key_points=("a", "b"),
            sections=(Section("S", "1", None, ()),),
        ),
        _entry("file", title="Café naïve", key_points=("a",)),
        _entry("file", title="Cafe naive"),
    ]
    assert sorted([*worse, clean], key=damage)[0] is clean


def test_similar_copies_are_the_same_text_nearly() -> None:
    text = " ".join(f"sentence number {i} about open models" for i in range(30))
    a = _entry("file", summary=text, key_points=("kp one", "kp two"))
    assert similar(a, _entry("file", summary=text, key_points=("kp one", "kp two")))
    assert similar(
        a, _entry("file", summary=text.replace(" ", "  "), key_points=("kp one", "kp two"))
    )
    assert similar(a, _entry("file", summary=text, key_points=("kp one",)))  # a lost point
    assert not similar(a, _entry("file", summary=text[: len(text) // 2]))  # half the text
    other = " ".join(f"entirely different words {i} on chips" for i in range(30))
    assert not similar(a, _entry("file", summary=other, key_points=("kp one", "kp two")))
    assert similar(
        _entry("file", title="", summary="", body=""), _entry("file", title="", summary="", body="")
    )


def test_only_slashes_end_a_link_and_a_nested_url_in_the_feeds_query_is_no_host() -> None:
    assert norm_link("https://e.com/PageX") == "e.com/PageX"
    assert norm_link("https://e.com/a//") == "e.com/a"
    base = "https://e.com/pod/feed.xml?from=https://x.org/a"
    one = [("l", "e.com")]
    keys = feed_keys(
        one, guid="https://e.com/ep/1", link=None, title="", summary="", body="", base=base
    )
    assert keys == _keys(("g", "https://e.com/ep/1"), one) + _keys(("g", "/ep/1"), one)
    # a file: URL has an empty host: its origin ends at the third slash
    files = feed_keys(
        one, guid="file:///y/1", link=None, title="", summary="", body="", base="file:///x/f.xml"
    )
    assert files == _keys(("g", "file:///y/1"), one) + _keys(("g", "/y/1"), one)


def test_the_content_read_for_a_key_stops_at_six_times_fold_chars() -> None:
    # nothing foldable in the prefix read: the body names the item, not what follows
    summary = "-" * (6 * FOLD_CHARS) + "later words"
    keys = feed_keys(CHANNEL, guid=None, link=None, title="T", summary=summary, body="The body")
    assert keys == _keys(("c", "t", "thebody"))


def test_stored_keys_without_a_link_or_summary_read_the_content() -> None:
    feed = _entry("feed", summary="Sum", body="Body")
    assert stored_keys(feed) == LEGACY + short_hash("legacy", "title", "sum")
    assert stored_keys(_entry("feed", summary="", body="Body")) == LEGACY + short_hash(
        "legacy", "title", "body"
    )
    doc = _entry("file", summary="", body="Body")
    assert stored_keys(doc) == short_hash("doc", "", "title", "", "", "body")


def test_non_ascii_starts_at_u0080() -> None:
    assert damage(_entry("file", title="a\x80", summary="", body=""))[4] == -1
    assert damage(_entry("file", title="a\x7f", summary="", body=""))[4] == 0


def test_similarity_reads_all_the_text_as_one_and_a_show_counts() -> None:
    moved = _entry("file", title="Open models", show="Weekly", summary="", body="")
    joined = _entry("file", title="Open models Weekly", summary="", body="")
    assert similar(moved, joined)
    assert not similar(
        _entry("file", title="T", summary="", body=""),
        _entry("file", title="T", show="XXXX", summary="", body=""),
    )


def test_similarity_limits_are_inclusive_and_need_both_length_and_shingles() -> None:
    def e(text: str) -> Entry:
        return _entry("file", title=text, summary="", body="")

    # the same shingles, lengths 80 : 100 (exactly 0.8): similar; 20 : 100: not
    assert similar(e("ab" * 50), e("ab" * 40)) and similar(e("ab" * 40), e("ab" * 50))
    assert not similar(e("ab" * 50), e("ab" * 10)) and not similar(e("ab" * 10), e("ab" * 50))
    # 12 letters against their first 11: 4 of 5 shingles of 8 shared, exactly 0.8
    assert similar(e("abcdefghijkl"), e("abcdefghijk"))
    assert not similar(e("abcdefghijkl"), e("abcdefghij"))  # 3 of 5
