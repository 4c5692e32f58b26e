"""One entry's record read out of its content shard without parsing the shard.

Why: opening an entry needs one record of a shard of up to 256 (~0.8 MB at
the bench's 500k library); parsing the whole shard took 8-9 ms of an open's
20 ms budget, and opens land on a different shard each time. Our shards are
written compactly by one writer (``store.storage.atomic.json_text`` through
TinyDB): ``{"entries":{"1":{"id":"<id>",...},...}}``, each record starting
with its id. A JSON string cannot hold an unescaped quote, so the bytes
``"1":{"id":"<id>",`` only occur where a record starts; ``raw_decode`` reads
that one record. Anything else (a shard another writer formatted, an id
not found this way, a file that does not end as a whole table) answers None
and the caller parses the shard as before, so every damage check still
applies to what the fast path cannot vouch for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

_HEAD = '{"entries":{'
_DECODER = json.JSONDecoder()
#: what precedes a record's ``{"id":``: the start of the table or a comma, then its doc number
_DOC_KEY = re.compile(r'[{,]"[0-9]+":$')


def peek_records(path: Path, ids: Collection[str]) -> dict[str, dict[str, Any]] | None:
    """The records of ``ids`` in shard ``path`` (the first of an id), or None: parse it instead."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(_HEAD) or not text.rstrip().endswith("}}"):
        return None
    found: dict[str, dict[str, Any]] = {}
    for eid in ids:
        at = text.find('{"id":' + json.dumps(eid, ensure_ascii=False) + ",")
        if at < 0 or not _DOC_KEY.search(text, max(0, at - 24), at):
            return None
        try:
            rec, _end = _DECODER.raw_decode(text, at)
        except ValueError:
            return None
        if not isinstance(rec, dict) or rec.get("id") != eid:
            return None
        found[eid] = rec
    return found
