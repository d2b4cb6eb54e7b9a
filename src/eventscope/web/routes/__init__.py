"""One router per resource: events, stats, map, export, articles, meta, and the pages."""
