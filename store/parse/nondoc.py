"""Files that are no digest and no article: refused with a reason, not stored.

A configuration file, a data file (JSON, YAML, CSV), a script, a host name
or a word list would otherwise become one "entry" made of its own lines. Each
rule looks at the *shape* of the lines (key/value pairs, section headers,
delimiter counts, code punctuation, one word a line) and every rule gives way
to prose: a file with a couple of real sentences outside comments is a note,
and notes are read.
"""

from __future__ import annotations

import json
import re

__all__ = ["not_a_document"]

MAX_LINES = 2000

_SUFFIX_KIND = {
    ".json": "a data file (JSON)",
    ".jsonl": "a data file (JSON lines)",
    ".yaml": "a data file (YAML)",
    ".yml": "a data file (YAML)",
    ".toml": "a configuration file (TOML)",
    ".ini": "a configuration file (INI)",
    ".cfg": "a configuration file",
    ".conf": "a configuration file",
    ".env": "a configuration file",
    ".properties": "a configuration file",
    ".csv": "a table (CSV)",
    ".tsv": "a table (TSV)",
    ".sh": "a script",
    ".bash": "a script",
    ".zsh": "a script",
    ".py": "a program's source",
    ".js": "a program's source",
    ".ts": "a program's source",
    ".rb": "a program's source",
    ".pl": "a program's source",
    ".php": "a program's source",
    ".c": "a program's source",
    ".h": "a program's source",
    ".go": "a program's source",
    ".rs": "a program's source",
    ".java": "a program's source",
    ".css": "a style sheet",
    ".sql": "a program's source",
    ".log": "a log file",
}

_SECTION_RE = re.compile(r"^\[[^\]\n]{1,80}\]$")
_KV_RE = re.compile(r"^[\"']?[\w.\-/@$]{1,80}[\"']?\s*(=|:)\s*(.*)$")
_EXPORT_RE = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]{0,60}=\S*$")
_YAML_ITEM_RE = re.compile(r"^-\s+\S.{0,80}$")
_CODE_END_RE = re.compile(r"[;{}()\[\],\\]$|^[{}()\[\]]+$|^(fi|done|esac|end|else|then)$")
_CODE_WORD_RE = re.compile(
    r"^(?:if|then|else|elif|fi|for|while|do|done|case|esac|function|def|class|return|import|"
    r"from|const|let|var|echo|local|set|export|source|sudo|cd|exit|include|#include|use|"
    r"require|package|public|private|static|void|int|func|fn)\b"
)
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", '."', ".”", ".)")
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")


def _is_prose(line: str) -> bool:
    """A line a person wrote to be read: several words, mostly letters."""
    words = _WORD_RE.findall(line)
    if len(words) < 5:
        # scripts without spaces between words (CJK): long runs of letters
        return len(line) >= 20 and sum(ch.isalpha() for ch in line) >= 0.7 * len(line)
    letters = sum(ch.isalpha() or ch.isspace() for ch in line)
    if letters < 0.75 * len(line):
        return False
    return len(words) >= 8 or line.rstrip().endswith(_SENTENCE_END)


def _comment(line: str) -> bool:
    return line.startswith(("#", ";", "//", "--", "/*", "*/", "<!--", "%", "'"))


def _delimited(lines: list[str]) -> str | None:
    """CSV/TSV: the same number of delimiters (at least one) on nearly every line."""
    if len(lines) < 3:
        return None
    for delim, label in (("\t", "a table (TSV)"), (",", "a table (CSV)"), (";", "a table (CSV)")):
        counts = [ln.count(delim) for ln in lines[:200]]
        common = max(set(counts), key=counts.count)
        if common >= 1 and counts.count(common) >= 0.9 * len(counts):
            if delim == "," and sum(_is_prose(ln) for ln in lines[:200]) > 0.3 * len(counts):
                continue  # sentences with one comma each
            return label
    return None


def not_a_document(text: str, name: str = "", kind: str = "text") -> str | None:
    """Why ``text`` is not a document, or None when it should be read.

    ``kind`` is what ``detect`` made of it: only the formless kinds (plain
    text, an article shape, Markdown without structure) are judged here.
    """
    lower = name.lower()
    suffix = lower[lower.rfind(".") :] if "." in lower else ""
    if suffix in _SUFFIX_KIND:
        return f"{_SUFFIX_KIND[suffix]}, not a document"
    raw = text.split("\n", MAX_LINES)[:MAX_LINES]
    lines = [ln.strip() for ln in raw if ln.strip()]
    if not lines:
        return None
    if lines[0].startswith("#!"):
        return "a script, not a document"
    head = text.lstrip("\ufeff \n")
    if head[:1] in "{[":
        try:
            json.loads(text)
            return "a data file (JSON), not a document"
        except (ValueError, RecursionError):
            pass
    body = [ln for ln in lines if not _comment(ln)]
    prose = sum(_is_prose(ln) for ln in body)
    if not body:
        return "only comments, not a document"
    if prose >= 2 or (prose == 1 and len(body) <= 3):
        return None
    table = _delimited(body)
    if table:
        return f"{table}, not a document"
    kv = sum(
        1
        for ln in body
        if _SECTION_RE.match(ln)
        or _EXPORT_RE.match(ln)
        or _YAML_ITEM_RE.match(ln)
        or ln in ("---", "...")
        or ((m := _KV_RE.match(ln)) and (m.group(1) == "=" or len(m.group(2).split()) <= 6))
    )
    if len(body) >= 2 and kv >= 0.8 * len(body):
        return "a configuration or data file, not a document"
    code = sum(1 for ln in body if _CODE_END_RE.search(ln) or _CODE_WORD_RE.match(ln))
    if len(body) >= 3 and code >= 0.5 * len(body):
        return "a program or script, not a document"
    words = sum(len(ln.split()) for ln in body)
    if words < 4 and not any(ln.endswith(_SENTENCE_END) for ln in body):
        return "too short to be a document (a name or a value)"
    short = sum(1 for ln in body if len(ln.split()) <= 2 and not ln.endswith(_SENTENCE_END))
    if len(body) >= 5 and short >= 0.9 * len(body) and kind != "markdown":
        return "a list of words, not a document"
    return None
