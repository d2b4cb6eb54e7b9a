"""Developer aid: code sentences given on the command line (published 2023-06-13) and show the result."""

import sys

from eventscope.api import Pipeline, extract

pipe = Pipeline.load()
for text in sys.argv[1:]:
    print(">>", text)
    for e in extract(text, "2023-06-13", pipeline=pipe):
        r = e.to_record()
        print(
            "  ",
            r["sub_event_type"],
            "|",
            r["actor1"],
            "|",
            r["actor2"],
            "|",
            r["location"],
            r["admin1"],
            r["country"],
            r["geo_precision"],
            "|",
            r["event_date"],
            r["time_precision"],
            "|",
            r["fatalities"],
        )
