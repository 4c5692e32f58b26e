"""Text written to the terminal by the CLI goes through here.

Stored text is cleaned at ingest, but output is the last line of defence: an
ESC or C1 control from an old library or an error message quoting a hostile
file must never reach the terminal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
_SPACE = re.compile(r"\s+")


def safe_text(s: str) -> str:
    """Remove control, bidi and tag characters; keep newlines and tabs."""
    return _CONTROL.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def safe_line(s: str) -> str:
    """One line: controls removed, whitespace (newlines included) collapsed."""
    return _SPACE.sub(" ", _CONTROL.sub("", s)).strip()
