"""Developer aid: show, sentence by sentence, what the assembler saw in articles of a JSONL file.

    python scripts/trace.py ARTICLES.jsonl [ID ...]
"""

import json
import sys

from eventscope.api import Pipeline
from eventscope.read import article_from_record

FIELDS = ("sub_event_type", "actor1", "actor2", "location", "admin1", "country", "geo_precision",
          "event_date", "time_precision", "fatalities")


def show_mentions(pipe: Pipeline, analysed) -> None:
    asm = pipe.assembler
    for s in analysed.sentences:
        if s.block.kind != "body" or not s.cues:
            continue
        actors = [a for a in asm.actors.find(s.span.doc) if s.span.start <= a.head < s.span.end]
        anchors = asm._anchors(s, asm._metaphor_spans(s))
        print(f"[{s.index}] {s.text[:150]}")
        print(f"     cues={[(c.label, c.term) for c in s.cues]}")
        print(f"     anchors={[a.label for a in anchors]} actors={[(a.text, a.role) for a in actors]}")
        for m in asm._mentions(s, actors, []):
            places = [(p.text, p.qualifier, p.strength) for p in m.places]
            date = m.date and (m.date.text, str(m.date.date))
            print(f"     -> {m.rule.sub_event_type} agent={m.agent and m.agent.text}({m.agent_class})"
                  f" patient={m.patient and m.patient.text}({m.patient_class}) places={places}")
            print(f"        date={date} toll={m.toll and m.toll.value} anaphoric={m.anaphoric}")


def main() -> None:
    path, wanted = sys.argv[1], set(sys.argv[2:])
    pipe = Pipeline.load()
    with open(path) as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for record in records:
        if wanted and record["id"] not in wanted:
            continue
        fields = {k: record.get(k) for k in ("id", "text", "title", "published", "source", "url")}
        article = article_from_record(fields, record["id"])
        analysed = pipe.analyser.analyse(article)
        print(f"===== {record['id']} ref={analysed.clean.reference_date} dateline={analysed.clean.dateline}")
        show_mentions(pipe, analysed)
        for _, events in pipe.extract_articles([article]):
            for e in events:
                r = e.to_record()
                print("  EVENT", " | ".join(str(r[k]) for k in FIELDS))
        for g in record.get("events", []):
            print("  GOLD ", " | ".join(str(g.get("date" if k == "event_date" else k)) for k in FIELDS))


if __name__ == "__main__":
    main()
