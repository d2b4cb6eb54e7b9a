"""Analyser.analyse_many: input order, every article once, and only spaCy's current batch held."""

import gc

from eventscope.models import Article
from eventscope.nlp.analyse import Analyser


def test_analyse_many_streams_in_order_holding_one_batch():
    analyser = Analyser(batch_size=8)
    consumed = 0

    def articles():
        nonlocal consumed
        for i in range(300):
            consumed += 1
            # Every fifth article is a bare headline: one block; the others two.
            text = f"Police arrested {i} people in Minsk." + ("" if i % 5 == 0 else "\n\nThe protest went on.")
            yield Article(id=f"a{i}", text=text)

    ahead = 0
    count = 0
    for count, doc in enumerate(analyser.analyse_many(articles()), start=1):
        assert doc.article.id == f"a{count - 1}"
        assert doc.sentences and doc.sentences[0].text.startswith(f"Police arrested {count - 1} ")
        ahead = max(ahead, consumed - count)
        if count == 250:  # the articles already yielded are let go
            assert sum(isinstance(o, Article) for o in gc.get_objects()) <= 20
    assert count == 300
    assert ahead <= 16  # a spaCy batch of 8 texts is 4-8 articles: never the whole stream
