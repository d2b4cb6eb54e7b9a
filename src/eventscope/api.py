"""The Python API: what the CLI, the web app and the Dask workers call.

    from eventscope import extract
    events = extract(text, published="2015-09-28")      # list of ResolvedEvent; .to_record() for JSON

A `Pipeline` holds the loaded parts (spaCy model, rules, actor dictionary, gazetteer) and is built
once; `extract_articles` streams articles through batched spaCy and yields each with its events.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eventscope.assemble import Assembler
from eventscope.errors import GazetteerError
from eventscope.geocode.gazetteer import Gazetteer, load_gazetteer
from eventscope.models import Article, ResolvedEvent
from eventscope.nlp.actors import ActorFinder
from eventscope.nlp.analyse import Analyser, load_nlp
from eventscope.read import article_from_text, parse_published
from eventscope.resolve import EventBuilder

log = logging.getLogger(__name__)

PIPELINE_VERSION = "eventscope.extract.v1"


@dataclass
class Pipeline:
    """Every loaded part of extraction, built once and reused for any number of articles."""

    analyser: Analyser
    assembler: Assembler
    builder: EventBuilder
    gazetteer: Gazetteer

    @classmethod
    def load(cls, gazetteer: str | Gazetteer | None = None, batch_size: int = 64) -> Pipeline:
        """Load the spaCy model, rules and gazetteer (path, env EVENTSCOPE_GAZETTEER, or the default)."""
        gaz = gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(gazetteer)
        nlp = load_nlp()
        analyser = Analyser(nlp, batch_size=batch_size)
        finder = ActorFinder(nlp, country_lookup=gaz.country)
        return cls(analyser, Assembler(finder), EventBuilder(gaz, actors=finder), gaz)

    def extract_article(self, article: Article) -> list[ResolvedEvent]:
        return next(self.extract_articles([article]))[1]

    def extract_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        """Each article with its events, in input order, spaCy batched across articles."""
        for analysed in self.analyser.analyse_many(articles):
            mentions = self.assembler.mentions(analysed)
            yield analysed.article, self.builder.build(analysed, mentions)


_DEFAULT: dict[str, Pipeline] = {}


def default_pipeline() -> Pipeline:
    """A process-wide pipeline with the default model and gazetteer (loaded on first use)."""
    if "pipeline" not in _DEFAULT:
        _DEFAULT["pipeline"] = Pipeline.load()
    return _DEFAULT["pipeline"]


def extract(
    text: str,
    published: str | dt.date | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    article_id: str | None = None,
    pipeline: Pipeline | None = None,
) -> list[ResolvedEvent]:
    """ACLED-coded events of one article's text.  Without a publication date relative dates stay null."""
    article = article_from_text(
        text, "<text>", article_id=article_id, title=title, published=parse_published(published, "<text>"),
        source=source, url=url,
    )
    return (pipeline or default_pipeline()).extract_article(article)


__all__ = ["GazetteerError", "Pipeline", "PIPELINE_VERSION", "default_pipeline", "extract"]
