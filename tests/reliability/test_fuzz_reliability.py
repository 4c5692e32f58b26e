"""Hypothesis on every parser (bytes and text), the filter language and the library files.

Each is *total*: any input either works or raises the one error type it
documents (ParseError, the query's error, LibraryError), never anything else,
and nothing it returns holds a control character. The budget is set for CI
(``DIGEST_TUI_FUZZ_EXAMPLES``, default 60 per property).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import DigestError, LibraryError
from tests.support.reliability import FIELD_UNSAFE

N = int(os.environ.get("DIGEST_TUI_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Bytes that look a little like the documents we read, so the parsers go deep.
FEEDISH = st.lists(
    st.sampled_from(
        [
            b"<?xml version='1.0'?>",
            b"<rss>",
            b"<channel>",
            b"<item>",
            b"<title>",
            b"</title>",
            b"<![CDATA[",
            b"]]>",
            b"&amp;",
            b"&#27;",
            b"&#x9b;",
            b"\x1b[31m",
            b"<!DOCTYPE x [",
            b"<!ENTITY a 'aaaa'>",
            b"&a;",
            b"]>",
            b"</item>",
            b"<feed xmlns='http://www.w3.org/2005/Atom'>",
            b"<entry>",
            b"<link href='javascript:x'/>",
            b"\x00",
            b"\xff\xfe",
            b"\xef\xbb\xbf",
            b"\xe2\x80",
            b"# Digest",
            b"## Show \xe2\x80\x94 Title",
            b"- point",
            b"### Key Points",
            b"\n",
            b"[bold]",
        ]
    )
    | st.binary(max_size=40),
    max_size=40,
).map(b"".join)


def _clean(doc: object) -> None:
    for e in getattr(doc, "entries", ()):
        for v in (e.title, e.summary, e.body, e.link or "", e.show or "", *e.key_points):
            assert FIELD_UNSAFE.search(v) is None, repr(v[:80])


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), FEEDISH))
def test_parse_document_is_total(data: bytes) -> None:
    from store.parse import ParseError, parse_document

    try:
        doc = parse_document(data, name="fuzz.txt")
    except ParseError:
        return
    _clean(doc)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), FEEDISH))
def test_parse_feed_bytes_is_total(data: bytes) -> None:
    from store.parse import ParseError
    from store.parse.feed import parse_feed_bytes

    try:
        doc = parse_feed_bytes(data, base_url="http://127.0.0.1/feed.xml")
    except ParseError:
        return
    _clean(doc)


@FUZZ
@given(text=st.text(max_size=2000))
def test_text_hygiene_is_total(text: str) -> None:
    from store.text import clean_line, clean_text, decode_bytes, safe_url

    assert FIELD_UNSAFE.search(clean_line(text)) is None
    clean_text(text)
    decode_bytes(text.encode("utf-8", "surrogatepass"))
    safe_url(text)


@FUZZ
@given(text=st.text(max_size=2000))
def test_parse_document_text_is_total(text: str) -> None:
    from store.parse import ParseError, parse_document

    with contextlib.suppress(ParseError):
        _clean(parse_document(text.encode("utf-8", "surrogatepass"), name="fuzz.md"))


QUERYISH = st.lists(
    st.sampled_from(
        [
            "+",
            "-",
            "@",
            '"',
            "is:",
            "source:",
            "show:",
            "..",
            "7-days-ago",
            "2025-02-01",
            "ai",
            "bookmarked",
            "unread",
            " ",
            "(",
            ")",
            "\\",
            "\x1b",
        ]
    )
    | st.text(max_size=8),
    max_size=12,
).map("".join)


@pytest.fixture(scope="module")
def small_lib(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from store.storage.library import Library
    from tests.support.reliability import synthetic_entries

    d = tmp_path_factory.mktemp("q") / "lib"
    lib = Library.open(d)
    lib.save_entries(synthetic_entries(30))
    lib.add_tags([r.id for r in lib.rows()[:5]], ["ai"])
    return lib


@FUZZ
@given(q=st.one_of(QUERYISH, st.text(max_size=60)))
def test_filter_language_is_total(small_lib, q: str) -> None:  # noqa: ANN001
    from store.index.select import select_rows

    try:
        select_rows(small_lib, q)
    except (DigestError, ValueError) as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        FEEDISH,
        st.sampled_from(
            [
                b'{"schema":1,"rows":[["a"]]}',
                b'{"schema":1,"rows":[[1,2,3,4,5,6,7,8,9,10,11]]}',
                b'{"schema":1,"rows":{}}',
                b'{"schema":null,"rows":[]}',
                b'{"schema":1e400,"rows":[]}',
            ]
        ),
    )
)
def test_any_library_json_gives_library_error_and_doctor_survives(
    raw: bytes, tmp_path_factory
) -> None:  # noqa: ANN001
    """Whatever library.json holds: LibraryError (one line) or a library; doctor never raises."""
    from store.storage.checks import diagnose
    from store.storage.library import Library

    d: Path = tmp_path_factory.mktemp("lj")
    (d / "library.json").write_bytes(raw)
    try:
        lib = Library.open(d)
        lib.rows()
    except LibraryError as exc:  # anything else (TypeError...) is the crash this exists to catch
        assert "\n" not in str(exc)
    diagnose(d)
    assert (d / "library.json").read_bytes() == raw
