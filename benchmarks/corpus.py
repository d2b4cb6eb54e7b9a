"""The benchmark corpus: real reports and generated variations of them, built at run time.

Bases: samples/articles.jsonl, tests/data/merge_articles.jsonl and, when present beside the repository,
../shared/eval/dev.jsonl and ../shared/seed/*.txt (read here, never copied into the repository).
Each generated article keeps a base's lead lines, drops and reorders some of the rest, sometimes adds a
few lines of another report, changes its numbers and weekdays, and moves its publication date, so no
two texts are the same and every article goes through the whole pipeline.  The same seed gives the
same corpus.

    from corpus import build_corpus
    stats = build_corpus(Path("corpus.jsonl"), articles=10_000)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = ("Wire Desk", "Daily Courier", "Evening Post", "Regional Monitor", "World Report", "Field News")
NUMBER = re.compile(r"(?<![\d.,:/-])\b([1-9]\d{0,2})\b(?![\d.,:/-]\d)")
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    bases: int
    words: int  # whitespace-separated words of the article texts


def base_articles() -> list[dict]:
    """The real reports the corpus is made from."""
    bases: list[dict] = []
    for path in (ROOT / "samples" / "articles.jsonl", ROOT / "tests" / "data" / "merge_articles.jsonl",
                 SHARED / "eval" / "dev.jsonl"):  # fmt: skip
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        record = json.loads(line)
                        bases.append({k: record.get(k) for k in ("id", "title", "published", "source", "text")})
    for path in sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []:
        bases.append({"id": path.stem, "title": None, "published": None, "source": None,
                      "text": path.read_text(encoding="utf-8")})  # fmt: skip
    return [b for b in bases if b.get("text") and b["text"].strip()]


def vary(base: dict, other: dict, rng: random.Random) -> str:
    """A new text from a base report (see the module docstring)."""
    lines = [line for line in base["text"].split("\n") if line.strip()]
    lead, rest = lines[:2], lines[2:]
    if len(rest) > 2:
        rest = rng.sample(rest, k=max(1, int(len(rest) * rng.uniform(0.6, 1.0))))
        if rng.random() < 0.5:
            rest.sort(key=lines.index)  # most variations keep the story's order
    if rng.random() < 0.3:
        extra = [line for line in other["text"].split("\n") if len(line.split()) > 6]
        rest += rng.sample(extra, k=min(len(extra), rng.randint(1, 3)))
    text = "\n\n".join(lead + rest)
    text = NUMBER.sub(lambda m: str(max(1, int(m.group(1)) + rng.randint(-3, 9))), text)
    return WEEKDAY.sub(lambda m: rng.choice(WEEKDAYS) if rng.random() < 0.5 else m.group(1), text)


def build_corpus(path: Path, articles: int = 10_000, seed: int = 6) -> CorpusStats:
    """Write `articles` JSONL records to `path`: the bases first, then variations."""
    rng = random.Random(seed)
    bases = base_articles()
    seen: set[str] = set()
    words = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            base = bases[n % len(bases)]
            text = base["text"]
            if n >= len(bases):
                for _ in range(20):
                    text = vary(base, rng.choice(bases), rng)
                    if hashlib.sha1(text.encode()).hexdigest() not in seen:
                        break
            seen.add(hashlib.sha1(text.encode()).hexdigest())
            published = base.get("published")
            if published and n >= len(bases):
                day = dt.date.fromisoformat(published[:10]) + dt.timedelta(days=rng.randint(-2000, 2000))
                published = day.isoformat()
            record = {"id": f"bench-{n:06d}", "title": base.get("title"), "published": published,
                      "source": rng.choice(OUTLETS), "url": None, "text": text}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            words += len(text.split())
    return CorpusStats(articles, len(bases), words)
