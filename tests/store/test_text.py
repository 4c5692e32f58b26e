"""Text hygiene: decoding, mojibake repair, control stripping, safe URLs."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st

from store.text import clean_line, clean_text, decode_bytes, safe_url, split_label


def test_decode_boms_and_utf16_without_bom() -> None:
    s = "Café “quoted” 🎙️"
    assert decode_bytes(codecs.BOM_UTF8 + s.encode()) == s
    assert decode_bytes(codecs.BOM_UTF16_LE + s.encode("utf-16-le")) == s
    assert decode_bytes(codecs.BOM_UTF32_BE + s.encode("utf-32-be")) == s
    assert (
        decode_bytes("Title: plain ascii text\n".encode("utf-16-le")) == "Title: plain ascii text\n"
    )
    assert (
        decode_bytes("Привет, как дела? Всё хорошо.".encode("cp1251"))
        == "Привет, как дела? Всё хорошо."
    )
    assert "café" in decode_bytes(b"caf\xe9 au lait and cr\xe8me br\xfbl\xe9e")
    # a UTF-16 BOM before a lone byte: a replacement character, not a guess, never a raise
    assert decode_bytes(b"\xff\xfe\xfd") == "\ufffd"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\ufeff"), min_size=1))
def test_valid_utf8_is_decoded_as_utf8(s: str) -> None:
    assert decode_bytes(s.encode("utf-8")) == s


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_to_text_that_encodes_back(raw: bytes) -> None:
    text = decode_bytes(raw)
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogate: every later write can encode it


def test_mixed_windows_mojibake_is_repaired_or_dropped() -> None:
    assert clean_line("AI's Talks πŸŽ™οΈπŸŒ") == "AI's Talks 🎙️"
    assert clean_line("7. πŸ’° The $6 Million") == "7. 💰 The $6 Million"
    assert clean_line("β€œMen Aren’t The Problemβ€") == "“Men Aren’t The Problem”"
    assert clean_line("4. πŸ” Unpacking") == "4. Unpacking"
    assert clean_line("cafÃ© â€“ ðŸ˜€") == "café – 😀"
    for garbage in ("πŸ", "β€", "Ã©", "ï¸"):
        assert garbage not in clean_text("x πŸ” β€ cafÃ© ï¸ y")


def test_real_greek_and_accents_untouched() -> None:
    for s in ("Καλημέρα κόσμε", "naïve café — «citation»", "Ελλάδα: «ΑΘΗΝΑ»"):
        assert clean_line(s) == s


def test_controls_bidi_tags_removed() -> None:
    s = "a\x1b[31mred\x1b[0m\x07b\x00c\u202egnp.exe\u2066\u200bd\U000e0041\x9b2Je\r\nf\rg\tt"
    out = clean_text(s)
    assert out == "aredbcgnp.exede\nf\ng\tt"
    assert clean_text("\ud800x") == "x"


def test_emoji_sequences_kept() -> None:
    for s in ("👨\u200d👩\u200d👧", "1\ufe0f\u20e3", "🇺🇸", "👍🏽", "❤️"):
        assert clean_text(s) == s


def test_linear_on_huge_single_line() -> None:
    s = "x πŸ" * 60000
    assert len(clean_text(s)) < len(s)
    assert clean_line("a" * 262_144) == "a" * 262_144


def test_clean_line_collapses() -> None:
    assert clean_line("  a \n\t b\u00a0 c  ") == "a b c"


def test_safe_url() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" java\tscript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("file:///etc/passwd") is None
    assert safe_url("/a/b", "https://ex.com/feed/") == "https://ex.com/a/b"
    assert safe_url("b", "javascript:x") is None
    assert safe_url("https://ex.com/\x1b[31mx") == "https://ex.com/[31mx"
    assert safe_url("mailto:a@b.org") == "mailto:a@b.org"
    assert safe_url(None) is None


def test_split_label() -> None:
    assert split_label("Open-Source Initiatives: Projects like X.") == (
        "Open-Source Initiatives",
        "Projects like X.",
    )
    assert split_label("A plain bullet with no label") == (None, "A plain bullet with no label")


def test_reading_time_never_says_zero_minutes() -> None:
    from store.render import reading_time

    assert reading_time(None) == ""
    assert reading_time(0.3) == "< 1 min read"
    assert reading_time(0.5) == "1 min read"  # f"{0.5:.0f}" is "0"
    assert reading_time(0.6) == "1 min read"
    assert reading_time(12.4) == "12 min read"
