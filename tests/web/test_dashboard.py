"""The dashboard in a real headless Chromium (Debian's), against the app served on 127.0.0.1.

The map shows the seeded events, a filter changes map, timeline and table together, the URL carries
the state, clicking an event shows its evidence highlighted, an article's markup runs nothing, and no
request goes anywhere but the local server.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser import Browser, require_browser
from web_seed import ARTICLES, LOCATED, XSS_TEXT, XSS_TITLE, seed

from eventscope.store import open_store
from eventscope.web import Settings, create_app
from eventscope.web.server import BackgroundServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    path = tmp_path_factory.mktemp("dashboard") / "store.db"
    with open_store(str(path)) as store:
        seed(store)
        ids = {e["location"]: e["event_id"] for e in store.iter_events()}
        with BackgroundServer(create_app(store, Settings(cache_seconds=0))) as url:
            yield url, ids


@pytest.fixture(scope="module")
def browser(server):
    opened = Browser()
    yield opened
    opened.quit()


def open_dashboard(browser, url):
    browser.driver.get(url)
    browser.wait(lambda: browser.js("return document.body.dataset.ready === '1'"), what="the dashboard to start")


def counts(browser) -> tuple | None:
    """(events on the map, events on the timeline, table rows, events in the totals), once the map is drawn."""
    if browser.data("#map", "state") != "ready":
        return None
    return (browser.data("#map", "events"), browser.data("#timeline", "total"), browser.data("#events", "rows"),
            browser.data("#totals", "events"))  # fmt: skip


def test_the_map_shows_the_seeded_events(server, browser):
    url, ids = server
    open_dashboard(browser, url + "/")
    browser.wait(lambda: counts(browser) == ("6", "6", "7", "7"), what="map, timeline and table to fill")
    points = browser.driver.find_elements("css selector", "#map circle.point")
    assert {p.get_attribute("data-event-id") for p in points} == {ids[place] for place in LOCATED}
    assert len(browser.driver.find_elements("css selector", "#map path.country")) > 200  # the offline basemap
    colours = {p.get_attribute("data-event-id"): p.get_attribute("fill") for p in points}
    assert colours[ids["Kunduz"]] != colours[ids["Kharkiv"]]  # coloured by type
    radius = {p.get_attribute("data-event-id"): float(p.get_attribute("r")) for p in points}
    assert radius[ids["Kunduz"]] > radius[ids["Kharkiv"]] > radius[ids["Nairobi"]]  # sized by fatalities


def test_a_filter_changes_map_timeline_and_table(server, browser):
    from selenium.webdriver.support.ui import Select

    url, _ids = server
    open_dashboard(browser, url + "/")
    browser.wait(lambda: counts(browser) == ("6", "6", "7", "7"), what="everything")
    Select(browser.driver.find_element("css selector", "select[name=event_type]")).select_by_value("Battles")
    # Kunduz and a clash in Yemen without coordinates: one on the map, two on the timeline and in the table.
    browser.wait(lambda: counts(browser) == ("1", "2", "2", "2"), what="the Battles filter to apply")
    shared = browser.driver.current_url
    assert parse_qs(urlsplit(shared).query)["event_type"] == ["Battles"]

    open_dashboard(browser, shared)  # a shared link shows the same
    browser.wait(lambda: counts(browser) == ("1", "2", "2", "2"), what="the shared link's state")
    assert browser.driver.find_element("css selector", "select[name=event_type]").get_attribute("value") == "Battles"

    actor = browser.driver.find_element("css selector", "input[name=actor]")
    actor.send_keys("nobody at all")
    browser.wait(lambda: counts(browser) == ("0", "0", "0", "0"), what="the actor filter to apply")
    browser.driver.find_element("css selector", "button[type=reset]").click()
    browser.wait(lambda: counts(browser) == ("6", "6", "7", "7"), what="clearing the filters")


def test_clicking_an_event_shows_its_evidence(server, browser):
    url, ids = server
    open_dashboard(browser, url + "/")
    browser.wait(lambda: counts(browser) == ("6", "6", "7", "7"), what="the map")
    browser.driver.find_element("css selector", f'#map circle[data-event-id="{ids["Kunduz"]}"]').click()
    browser.wait(lambda: browser.data("#event", "eventId") == ids["Kunduz"], what="the event view")
    assert parse_qs(urlsplit(browser.driver.current_url).query)["event"] == [ids["Kunduz"]]

    for article_id in ("kunduz-a", "kunduz-b"):
        text = browser.driver.find_element("css selector", f'.article-text[data-article-id="{article_id}"]')
        assert text.get_attribute("textContent") == ARTICLES[article_id][0]
        starts = [e.get_attribute("data-starts") for e in text.find_elements("css selector", "mark[data-label]")]
        words = ARTICLES[article_id][4]
        assert {field for fields in starts for field in fields.split()} == set(words)
        marked = {}
        for mark in text.find_elements("css selector", "mark.ev"):
            marked.setdefault(mark.get_attribute("data-fields"), []).append(mark.get_attribute("textContent"))
        assert {field: "".join(parts) for field, parts in marked.items()} == words
        colour = text.find_element("css selector", "mark.ev").value_of_css_property("background-color")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    sources = browser.driver.find_elements("css selector", "#event .sources li")
    assert len(sources) == 2
    links = [a.get_attribute("href") for a in browser.driver.find_elements("css selector", "#event a[href]")]
    assert links and all(link.startswith("https://") for link in links)  # the javascript: url is no link

    browser.driver.find_element("css selector", "#event .ev-chip[data-field=fatalities]").click()
    browser.wait(lambda: browser.driver.find_elements("css selector", "mark.flash"), what="the jump to evidence")
    browser.driver.find_element("css selector", "#event button.close").click()
    browser.wait(lambda: browser.js("return document.getElementById('event').hidden"), what="the event view to close")
    assert "event" not in parse_qs(urlsplit(browser.driver.current_url).query)


def test_article_markup_runs_nothing(server, browser):
    url, ids = server
    open_dashboard(browser, f"{url}/?event={ids['Culiacan']}")
    browser.wait(lambda: browser.data("#event", "eventId") == ids["Culiacan"], what="the event view")
    text = browser.driver.find_element("css selector", '.article-text[data-article-id="culiacan"]')
    assert text.get_attribute("textContent") == XSS_TEXT
    panel = browser.driver.find_element("css selector", "#event")
    assert XSS_TITLE in panel.text and "onerror" in panel.text  # the title and notes shown as text
    assert panel.find_elements("css selector", "script, img, iframe, b") == []
    browser.wait(lambda: browser.js("return document.readyState === 'complete'"))
    assert browser.js("return window.__pwned") is None
    assert browser.js("return window.__violations") == []  # nothing even tried to run
    assert len(browser.driver.find_elements("css selector", "script")) == 1  # our main.js, nothing else


def test_the_api_reference_works_offline(server, browser):
    url, _ids = server
    browser.driver.get(url + "/docs")
    blocks = browser.wait(lambda: browser.driver.find_elements("css selector", "#paths .endpoint"), what="the docs")
    assert len(blocks) >= 8
    assert "GET /api/events" in browser.driver.find_element("css selector", "#toc").text
    assert browser.js("return window.__violations") == []


def test_no_request_leaves_the_machine(server, browser):
    url, ids = server
    open_dashboard(browser, f"{url}/?event={ids['Kunduz']}")
    browser.wait(lambda: browser.data("#event", "eventId") == ids["Kunduz"], what="the event view")
    requested = browser.requested()
    local = [u for u in requested if u.startswith(url + "/")]
    assert any("/static/world.json" in u for u in local) and any("/api/map" in u for u in local)
    # Chrome's own pages (chrome://) and inline data: URLs never touch the network.
    elsewhere = [u for u in requested if not u.startswith((url + "/", "data:", "chrome://", "about:"))]
    assert elsewhere == []


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """1,000 generated events, with the map allowed 100 single events: it must count them per cell."""
    from event_factory import make_article, synthetic_records

    require_browser()
    records, _ = synthetic_records(1000, seed=5)
    firsts = [r for r in records if r["event_id"].endswith("-0:0")]
    path = tmp_path_factory.mktemp("crowded") / "store.db"
    with open_store(str(path)) as store:
        store.add_articles_and_mentions((make_article(r["article_id"]), [r]) for r in firsts)
        total = store.count_events()
        with BackgroundServer(create_app(store, Settings(cache_seconds=0, map_max_points=100))) as url:
            yield url, total


def test_many_events_are_clustered_and_a_cluster_zooms_in(crowded, browser):
    url, total = crowded
    open_dashboard(browser, url + "/")
    browser.wait(lambda: counts(browser) == (str(total), str(total), "50", str(total)), what="the crowded dashboard")
    assert browser.data("#map", "mode") == "grid"
    clusters = browser.driver.find_elements("css selector", "#map g.cluster")
    assert 1 < len(clusters) <= 200 and not browser.driver.find_elements("css selector", "#map circle.point")
    rings = browser.driver.find_elements("css selector", "#map g.cluster path[data-type]")
    assert len({r.get_attribute("data-type") for r in rings}) == 6  # each ring split by event type
    biggest = max(clusters, key=lambda c: int(c.find_element("css selector", "text").get_attribute("textContent")
                                             .replace("k", "000").replace(".", "")))  # fmt: skip
    biggest.click()
    browser.wait(lambda: "view=" in browser.driver.current_url, what="the map view in the URL")
    browser.wait(lambda: (counts(browser) or ("",))[0] not in ("", str(total)), what="the zoomed map")
