"""Parse throughput on generated digests: ``python bench/bench_parse.py``.

Generates Digestly-style, Markdown and post digests of growing size in memory
(nothing is written) and prints files/s and MB/s per kind.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.parse import parse_document  # noqa: E402


def digestly(episodes: int) -> bytes:
    parts = ["Digestly", "", "Mar 3, 2025", "", "Bench Digest 🎙️", "", "Top Podcast"]
    parts += [f"Show {i}: one-liner about compute and energy." for i in range(episodes)]
    for i in range(episodes):
        parts += [
            "",
            f"Show {i} - “Episode {i} on Open Source”",
            "",
            "Summary sentence. " * 20,
            "",
            "Key Points:",
            "",
        ]
        parts += [f"  • Key point {k} about chips." for k in range(5)]
        parts += ["", "Details:", ""]
        for s in range(1, 9):
            parts += (
                [f"{s}. 🌍 Section {s}", ""]
                + [f"  • Bullet {b} with some text." for b in range(5)]
                + [""]
            )
    return "\n".join(parts).encode()


def markdown(episodes: int) -> bytes:
    parts = ["# Bench Markdown Digest 2025-03-03"]
    for i in range(episodes):
        parts += [
            f"## Show {i} — Title {i}",
            "",
            "Summary. " * 20,
            "",
            "### Key Points",
            "- a",
            "- b",
            "### Details",
        ]
        for s in range(1, 6):
            parts += [f"#### {s}. 💡 Section {s}", "- bullet one", "- bullet two"]
    return "\n".join(parts).encode()


def post(replies: int) -> bytes:
    parts = [
        "Sign Up",
        "someone",
        "posted an update 2 days ago",
        "Post",
        "12",
        "Intro sentence. More text:",
        "",
    ]
    parts += [
        "1️⃣ First:",
        "- a",
        "- b",
        "",
        "2️⃣ Second:",
        "- c",
        "",
        "Read it: https://example.org/x",
        "",
    ]
    parts += [f"Reply number {i} with an opinion." for i in range(replies)]
    return "\n\n".join(parts).encode()


def main() -> None:
    for label, make, sizes in (
        ("digestly", digestly, (2, 20, 200)),
        ("markdown", markdown, (2, 20, 200)),
        ("post", post, (10, 100, 1000)),
    ):
        for n in sizes:
            data = make(n)
            reps = max(1, 2_000_000 // max(len(data), 1))
            reps = min(reps, 200)
            t0 = time.perf_counter()
            for _ in range(reps):
                parse_document(data, name=f"bench.{'md' if label == 'markdown' else 'txt'}")
            dt = time.perf_counter() - t0
            print(
                f"{label:9s} n={n:5d} size={len(data) / 1024:8.1f} kB  "
                f"{reps / dt:8.1f} files/s  {len(data) * reps / dt / 1e6:6.2f} MB/s"
            )


if __name__ == "__main__":
    main()
