"""A small corpus for the scale tests: the merge articles and the samples, in numbered copies.

Each copy has its own id, url and a closing line of its own, so a store takes every copy as a new article.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASES = (ROOT / "tests" / "data" / "merge_articles.jsonl", ROOT / "samples" / "articles.jsonl")


def base_records() -> list[dict]:
    records = []
    for path in BASES:
        with path.open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    return records


def corpus_lines(copies: int) -> list[str]:
    """`copies` numbered copies of every base article, as JSONL lines."""
    lines = []
    for copy in range(copies):
        for record in base_records():
            lines.append(json.dumps({
                "id": f"{record['id']}-{copy}",
                "title": record.get("title"),
                "published": record.get("published"),
                "source": record.get("source"),
                "url": f"{record['url']}?copy={copy}" if record.get("url") else None,
                "text": f"{record['text']}\n\nFiled by desk {copy}.",
            }))
    return lines


PAGE = (
    "<html><head><title>Clashes in Goma</title></head><body><nav>Home | World</nav><article><h1>Clashes in Goma"
    "</h1><p>GOMA, Congo — M23 rebels clashed with Congolese soldiers near Goma on Tuesday, killing at least "
    "12 soldiers, the army said.</p><p>Thousands of residents fled the fighting towards the city centre.</p>"
    "</article><footer>All rights reserved.</footer></body></html>"
)


def write_corpus(path: Path, copies: int, bad_lines: bool = True) -> Path:
    """The corpus as a JSONL file, with an HTML page; with `bad_lines`, two unreadable lines too."""
    lines = corpus_lines(copies)
    lines.insert(5, json.dumps({"id": "goma-page", "html": PAGE, "published": "2024-02-06", "source": "Page"}))
    if bad_lines:
        lines.insert(3, "{not json")
        lines.insert(len(lines) // 2, json.dumps({"id": "no-text"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
