"""Developer aid: show, sentence by sentence, what the assembler saw (cues, realis, roles, rule)."""

import json
import sys

from eventscope.api import Pipeline
from eventscope.assemble import role_class
from eventscope.read import article_from_record


def main() -> None:
    path, wanted = sys.argv[1], set(sys.argv[2:])
    pipe = Pipeline.load()
    for line in open(path):
        record = json.loads(line)
        if wanted and record["id"] not in wanted:
            continue
        fields = {k: record.get(k) for k in ("id", "text", "title", "published", "source", "url")}
        article = article_from_record(fields, record["id"])
        analysed = pipe.analyser.analyse(article)
        asm = pipe.assembler
        print(f"===== {record['id']} ref={analysed.clean.reference_date} dateline={analysed.clean.dateline}")
        finder = asm.actors
        for s in analysed.sentences:
            if s.block.kind != "body":
                continue
            metaphors = asm._metaphor_spans(s)
            anchors = asm._anchors(s, metaphors)
            cues = [(c.label, c.term) for c in s.cues]
            if not cues:
                continue
            actors = [a for a in finder.find(s.span.doc) if s.span.start <= a.head < s.span.end]
            print(f"[{s.index}] {s.text[:150]}")
            print(f"     cues={cues}")
            print(f"     anchors={[a.label for a in anchors]} actors={[(a.text, a.role, a.as_modifier) for a in actors]}")
            m = asm._mention(s, actors, [])
            if m:
                print(f"     -> {m.rule.sub_event_type} agent={m.agent and m.agent.text}({m.agent_class}) "
                      f"patient={m.patient and m.patient.text}({m.patient_class}) places={[(p.text, p.qualifier, p.strength) for p in m.places]} "
                      f"date={m.date and (m.date.text, str(m.date.date))} toll={m.toll and m.toll.value} anaph={m.anaphoric}")
        for _, events in pipe.extract_articles([article]):
            for e in events:
                r = e.to_record()
                print("  EVENT", r["sub_event_type"], "|", r["actor1"], "|", r["actor2"], "|", r["location"], r["admin1"],
                      r["country"], r["geo_precision"], "|", r["event_date"], r["time_precision"], "|", r["fatalities"])
        for g in record.get("events", []):
            print("  GOLD ", g["sub_event_type"], "|", g["actor1"], "|", g["actor2"], "|", g["location"], g["admin1"],
                  g["country"], g["geo_precision"], "|", g["date"], g["time_precision"], "|", g["fatalities"])


if __name__ == "__main__":
    main()
