"""Take docs/dashboard.png: the dashboard over the sample articles, one merged event open with its evidence.

    python scripts/screenshot_dashboard.py [--output docs/dashboard.png]

The sample articles (samples/) and the short merge test articles (tests/data/merge_articles.jsonl) go
through the real extraction into a temporary store, served on 127.0.0.1; Debian's headless Chromium
(the browser tests' tooling, tests/web/browser.py) opens the event reported by most articles.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "web"), str(ROOT / "tests")]

from browser import Browser, missing_browser  # noqa: E402

from eventscope.ingest import ingest  # noqa: E402
from eventscope.store import open_store  # noqa: E402
from eventscope.web import Settings, create_app  # noqa: E402
from eventscope.web.server import BackgroundServer  # noqa: E402

INPUTS = [ROOT / "samples" / "articles.jsonl", ROOT / "tests" / "data" / "merge_articles.jsonl"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "dashboard.png")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        sys.exit(f"screenshot_dashboard: {reason}")
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "demo.db")) as store:
        ingest([str(p) for p in INPUTS], store)
        events = list(store.iter_events())
        shown = max(events, key=lambda e: (e["n_articles"], e["fatalities"]))
        with BackgroundServer(create_app(store, Settings())) as url:
            browser = Browser(width=1440, height=1050)
            try:
                browser.driver.get(f"{url}/?event={shown['event_id']}")
                browser.wait(lambda: browser.js("return document.body.dataset.ready === '1'"), what="the dashboard")
                browser.wait(lambda: browser.data("#map", "state") == "ready", what="the map")
                browser.wait(lambda: browser.data("#event", "eventId") == shown["event_id"], what="the event")
                browser.driver.save_screenshot(str(args.output))
            finally:
                browser.quit()
    print(f"{args.output}: {len(events)} events, showing {shown['event_id']} ({shown['n_articles']} articles)")


if __name__ == "__main__":
    main()
