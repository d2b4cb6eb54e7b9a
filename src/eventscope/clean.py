"""Article -> CleanText: prose blocks apart from page furniture, the dateline and the reference date.

Offsets are never changed: every block is a span of Article.text, so evidence found in a block points
at the article as the user gave it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace

from eventscope.models import Article, Block, CleanText, Evidence
from eventscope.nlp.dates import DateRules
from eventscope.rules import packaged_yaml

# How far into the article a printed date still reads as the article's own date (header, dateline,
# timestamp, first caption) rather than a date inside the story.
HEADER_CHARS = 600
HEADER_BLOCKS = 4

# "NARATHIWAT — ", "MEXICO CITY (AP) — ", "Kabul, (APP - ...) :", "TEHRAN, Dec. 4 (Reuters) - ",
# "Gaza city, Palestinian Territories:"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z'.\- ]{1,40}?)"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z'.\- ]{1,40}?))?"
    r"(?:,?\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}\.?))?"
    r"\s*,?\s*(?:\((?P<agency>[^)]{1,80})\))?\s*(?P<sep>—|–|-{1,2}|:)\s*"
)
URL_DATE = re.compile(r"/(20\d\d|19\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|\b)")


@dataclass(frozen=True)
class BoilerplateRules:
    skip_line: tuple[re.Pattern[str], ...]
    caption_marker: tuple[re.Pattern[str], ...]
    trailer_start: tuple[re.Pattern[str], ...]


@functools.cache
def boilerplate_rules() -> BoilerplateRules:
    data = packaged_yaml("rules/boilerplate.yaml")

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rf"(?:{p})\s*[.:,]?", re.IGNORECASE) for p in data[key])

    return BoilerplateRules(compile_all("skip_line"), compile_all("caption_marker"), compile_all("trailer_start"))


def _matches(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return any(p.fullmatch(line) for p in patterns)


def split_blocks(text: str, rules: BoilerplateRules | None = None) -> list[Block]:
    """Every non-empty line of text as a block, labelled body, headline, caption or boilerplate."""
    rules = rules or boilerplate_rules()
    blocks: list[Block] = []
    caption_next = False
    in_trailer = False
    for match in re.finditer(r"[^\n\r]+", text):
        raw = match.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        if in_trailer or _matches(rules.trailer_start, stripped):
            in_trailer = True
            kind = "boilerplate"
        elif _matches(rules.caption_marker, stripped):
            caption_next = True
            kind = "boilerplate"
        elif _matches(rules.skip_line, stripped):
            kind = "boilerplate"
        elif caption_next:
            caption_next = False
            kind = "caption"
        else:
            kind = "body"
        blocks.append(_drop_leading_stamp(text, Block(start, end, kind)))
    return _label_headline(text, blocks)


# A time stamp pasted before the first words of a page ("date 2021-05-12 The Taliban have..."):
# not prose, and it misleads the parser.
LEADING_STAMP = re.compile(
    r"^(?:(?:date|published|updated|posted|last updated)\s*:?\s*)?"
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*[-–|:]?\s+(?=\S)",
    re.IGNORECASE,
)


def _drop_leading_stamp(text: str, block: Block) -> Block:
    match = LEADING_STAMP.match(text[block.start : block.end])
    if match and match.end() < block.end - block.start:
        return replace(block, start=block.start + match.end())
    return block


def _label_headline(text: str, blocks: list[Block]) -> list[Block]:
    """The first body line is a headline when it is short and does not end like a sentence."""
    for i, block in enumerate(blocks):
        if block.kind != "body":
            continue
        line = text[block.start : block.end]
        if len(line.split()) <= 20 and not line.rstrip().endswith((".", '"', "”", "’")):
            blocks[i] = replace(block, kind="headline")
        break
    return blocks


def find_dateline(text: str, blocks: list[Block]) -> tuple[Evidence | None, int | None]:
    """The place a wire dateline names at the start of the first prose paragraph, and where the
    dateline (place, date, agency, dash) ends."""
    for block in blocks[:HEADER_BLOCKS + 2]:
        if block.kind not in ("body", "headline"):
            continue
        line = text[block.start : block.end]
        match = DATELINE.match(line)
        if not match:
            continue
        place = match.group("place").strip()
        words = place.split()
        # A dateline is a place, in capitals, or followed by an agency or a colon/dash right away.
        upper = place.isupper() and len(place) > 2
        tagged = any(match.group(g) is not None for g in ("agency", "region", "when"))
        if not (upper or tagged) or len(words) > 4:
            continue
        offset = block.start + match.start("place")
        return Evidence("dateline", place, offset, offset + len(place)), block.start + match.end()
    return None, None


def find_reference_date(
    article: Article, blocks: list[Block], rules: DateRules
) -> tuple[dt.date | None, Evidence | None]:
    """The publication date; else a date in the URL; else a full date printed in the article header."""
    if article.published:
        return article.published, None
    if article.url:
        match = URL_DATE.search(article.url)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3])), None
            except ValueError:
                pass
    for block in blocks[:HEADER_BLOCKS + 3]:
        if block.start > HEADER_CHARS and block.kind != "caption":
            break
        line = article.text[block.start : block.end]
        for expression in rules.find(line, None):
            if expression.date is not None and expression.kind in ("iso", "slash", "mdy", "dmy"):
                start = block.start + expression.start
                return expression.date, Evidence("reference_date", expression.text, start, start + len(expression.text))
    return None, None


def clean(article: Article, date_rules: DateRules | None = None) -> CleanText:
    """Split an article into labelled blocks and find the date its relative expressions refer to."""
    date_rules = date_rules or DateRules()
    blocks = split_blocks(article.text)
    reference, evidence = find_reference_date(article, blocks, date_rules)
    dateline, dateline_end = find_dateline(article.text, blocks)
    if dateline_end is not None:
        blocks = _split_dateline(article.text, blocks, dateline_end)
    return CleanText(article, tuple(blocks), reference, evidence, dateline, dateline_end)


def _split_dateline(text: str, blocks: list[Block], dateline_end: int) -> list[Block]:
    """'BAMAKO (AFP) - Three soldiers were killed ...': the dateline becomes a block of its own, so the
    parser reads the sentence as written and the dateline's date is not taken for the event's."""
    out = []
    for block in blocks:
        if block.kind == "body" and block.start < dateline_end < block.end:
            rest = dateline_end + len(text[dateline_end : block.end]) - len(text[dateline_end : block.end].lstrip())
            out.append(Block(block.start, dateline_end, "dateline"))
            if rest < block.end:
                out.append(Block(rest, block.end, "body"))
        else:
            out.append(block)
    return out
