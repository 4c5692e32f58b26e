"""How a tag the user types becomes a stored tag (CLI `tag` and the UI's `t`)."""

from __future__ import annotations

from store.index.tagids import normalize_tag


def user_tag(typed: str) -> str:
    """The canonical spelling, so "Open Source" is the automatic "open-source".

    ``normalize_tag`` refuses chrome and generic words as *automatic* tags; the
    user may still want one ("post", "todo"), so those fall back to trimmed,
    lower-case, single-spaced text. Returns "" only for nothing at all.
    """
    typed = " ".join(typed.replace("\n", " ").split()).strip().lstrip("#").strip()
    if not typed:
        return ""
    return normalize_tag(typed) or typed.lower()[:80]
