"""What the API refuses and how: tokens, sizes, hostile parameters, hosts, origins; one error shape throughout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import TOKEN

from event_factory import make_record
from eventscope.web import Settings, create_app
from eventscope.web.deps import get_pipeline
from eventscope.web.security import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).resolve().parents[2] / "src" / "eventscope" / "web" / "static"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "1) OR (1=1",
    "%' OR 1=1 --",
    "%",
    "%unduz",  # LIKE wildcards are literal: these must not match Kunduz
    "K_nduz",
    "\\",
    "Kunduz' UNION SELECT record FROM articles --",
    "AFG' --",
    "1; SELECT pg_sleep(5)",
    "$$; DROP TABLE events; $$",
]
TEXT_PARAMS = ["country", "event_type", "sub_event_type", "admin1", "actor", "text"]
TYPED_PARAMS = ["since", "until", "min_fatalities", "bbox", "limit", "sort"]


class StubPipeline:
    """Extraction stand-in: one armed clash in Kunduz per article, its evidence the first word."""

    def __init__(self):
        self.seen = []

    def extract_articles(self, articles):
        for article in articles:
            self.seen.append(article.id)
            word = article.text.split()[0]
            evidence = [{"field": "actor1", "text": word, "start": 0, "end": len(word)}]
            place = ("Baghlan", "Baghlan", 36.13, 68.7, 1)
            record = make_record(f"{article.id}:0", date="2016-01-02", place=place, evidence=evidence)
            yield article, [record]


@pytest.fixture
def pipeline(app):
    stub = StubPipeline()
    app.dependency_overrides[get_pipeline] = lambda: (lambda: stub)
    yield stub
    app.dependency_overrides.clear()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# -------------------------------------------------------------------------------------------- writes


def test_writes_need_the_token(client, pipeline):
    article = {"id": "new-1", "text": "Taliban attacked Baghlan.", "published": "2016-01-02"}
    missing = client.post("/api/articles", json=article)
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_error(client.post("/api/articles", json=article, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(client.post("/api/articles", json=article, headers={"Authorization": TOKEN}), 401)
    assert pipeline.seen == []
    assert client.get("/api/stats").json()["events"] == 7


def test_without_a_token_configured_the_api_is_read_only(seeded_store):
    with TestClient(create_app(seeded_store, Settings()), base_url="http://127.0.0.1") as client:
        error = assert_error(client.post("/api/articles", json={"text": "x"}, headers=AUTH), 403, "read_only")
        assert "read-only" in error["message"]
        assert client.get("/api/meta").json()["writable"] is False


def test_post_ingests_extracts_and_merges(client, pipeline):
    batch = {"articles": [
        {"id": "new-1", "text": "Taliban attacked Baghlan.", "published": "2016-01-02", "source": "Wire A"},
        {"id": "new-2", "text": "Taliban fighters attacked Baghlan, officials said.", "source": "Wire B"},
    ]}  # fmt: skip
    first = client.post("/api/articles", json=batch, headers=AUTH)
    assert first.status_code == 201, first.text
    assert first.json() == {"articles_added": 2, "articles_duplicate": 0, "mentions_added": 2, "events_changed": 1,
                            "problems": []}  # fmt: skip
    events = client.get("/api/events", params={"admin1": "Baghlan"}).json()["items"]
    assert len(events) == 1 and events[0]["n_articles"] == 2
    again = client.post("/api/articles", json=batch["articles"][0], headers=AUTH)
    assert again.status_code == 200 and again.json()["articles_duplicate"] == 1
    assert pipeline.seen == ["new-1", "new-2"]  # a stored article is never extracted again


def test_post_reports_unreadable_articles(client, pipeline):
    assert_error(client.post("/api/articles", json={"id": "empty", "text": "  "}, headers=AUTH), 422)
    assert_error(client.post("/api/articles", json={"text": "x", "evil": 1}, headers=AUTH), 422)
    assert_error(client.post("/api/articles", json={"articles": []}, headers=AUTH), 422)
    not_json = {**AUTH, "Content-Type": "application/json"}
    assert_error(client.post("/api/articles", content=b"{not json", headers=not_json), 422)
    mixed = client.post("/api/articles", json={"articles": [{"id": "ok", "text": "Taliban attacked."},
                                                            {"id": "bad", "text": ""}]}, headers=AUTH)  # fmt: skip
    assert mixed.status_code == 201
    assert [p["origin"] for p in mixed.json()["problems"]] == ["articles[1] (bad)"]


def test_oversize_bodies_get_413(seeded_store, pipeline):
    app = create_app(seeded_store, Settings(api_token=TOKEN, max_request_bytes=1000, cache_seconds=0))
    app.dependency_overrides[get_pipeline] = lambda: (lambda: pipeline)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        big = {"id": "big", "text": "Taliban attacked Baghlan. " * 100}
        declared = client.post("/api/articles", json=big, headers=AUTH)
        assert_error(declared, 413, "request_too_large")

        def chunks():  # no Content-Length: counted as it arrives
            yield b'{"id": "big", "text": "'
            for _ in range(100):
                yield b"Taliban attacked Baghlan. "
            yield b'"}'

        streamed = client.post("/api/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
        assert_error(streamed, 413, "request_too_large")
        assert pipeline.seen == []
        small = client.post("/api/articles", json={"id": "small", "text": "Taliban attacked Baghlan."}, headers=AUTH)
        assert small.status_code == 201


# ------------------------------------------------------------------------------------ hostile input


@pytest.mark.parametrize("param", TEXT_PARAMS)
def test_sql_injection_in_text_filters_matches_nothing(client, param):
    for value in INJECTIONS:
        for path in ("/api/events", "/api/stats", "/api/map"):
            response = client.get(path, params={param: value})
            assert response.status_code == 200, (path, value, response.text)
            body = response.json()
            assert body.get("items", []) == [] and body.get("points", []) == [] and body.get("events", 0) == 0
        export = client.get("/api/export", params={param: value, "format": "jsonl"})
        assert export.status_code == 200 and export.text == ""
    assert client.get("/api/stats").json()["events"] == 7  # nothing was dropped or changed


@pytest.mark.parametrize("param", TYPED_PARAMS)
def test_sql_injection_in_typed_parameters_is_refused(client, param):
    for value in INJECTIONS:
        assert_error(client.get("/api/events", params={param: value}), 422, "invalid_parameter")


def test_sql_injection_elsewhere(client):
    for value in INJECTIONS:
        assert_error(client.get("/api/events", params={"cursor": value}), 400)
        assert_error(client.get(f"/api/events/{value}"), 404, "not_found")
        assert_error(client.get("/api/export", params={"format": value}), 422)
        assert_error(client.get("/api/map", params={"view": value}), 422)
        assert_error(client.get("/api/map", params={"cell": value}), 422)
    assert client.get("/api/stats").json()["events"] == 7


def test_nul_characters_are_refused(client):
    assert_error(client.get("/api/events", params={"actor": "Tali\x00ban"}), 400)


# ----------------------------------------------------------------------------------- error shape


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/nothing", 404, "not_found"),
        ("get", "/static/nothing.js", 404, "not_found"),
        ("delete", "/api/events", 405, "method_not_allowed"),
        ("post", "/api/stats", 405, "method_not_allowed"),
        ("get", "/api/events?limit=x", 422, "invalid_parameter"),
        ("post", "/api/articles", 401, "unauthorized"),
    ],
)
def test_one_error_shape(client, method, path, status, code):
    assert_error(getattr(client, method)(path), status, code)


def test_unexpected_errors_are_500_in_the_same_shape(seeded_store, monkeypatch):
    app = create_app(seeded_store, Settings(cache_seconds=0))
    monkeypatch.setattr(seeded_store, "stats", lambda _filters: 1 / 0)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        error = assert_error(client.get("/api/stats"), 500, "internal_error")
        assert "ZeroDivision" not in error["message"]


# -------------------------------------------------------------------------------- headers, hosts


@pytest.mark.parametrize("path", ["/", "/docs", "/api/events", "/static/js/main.js", "/api/nothing"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp and "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    if path.startswith("/api/"):
        assert headers["cache-control"] == "no-store"


def test_cors_is_off_by_default(client):
    response = client.get("/api/events", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/articles", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_for_configured_origins_only(seeded_store):
    app = create_app(seeded_store, Settings(cors_origins=("http://localhost:3000",)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        ok = client.get("/api/events", headers={"Origin": "http://localhost:3000"})
        assert ok.headers["access-control-allow-origin"] == "http://localhost:3000"
        other = client.get("/api/events", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_unknown_host_names_are_refused(client):
    assert_error(client.get("/api/events", headers={"Host": "evil.example"}), 400, "invalid_host")
    assert_error(client.get("/", headers={"Host": "127.0.0.1.evil.example:8000"}), 400, "invalid_host")
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/api/meta", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (dict(api_token="short"), "too short"),
        (dict(cors_origins=("*",)), "CORS origin"),
        (dict(allowed_hosts=()), "allowed host"),
    ],
)
def test_unsafe_settings_are_refused(settings, message):
    from eventscope.errors import InputError

    with pytest.raises(InputError, match=message):
        Settings(**settings).checked()


def test_settings_from_the_environment():
    env = {"EVENTSCOPE_API_TOKEN": TOKEN, "EVENTSCOPE_MAX_REQUEST_BYTES": "5000", "EVENTSCOPE_CACHE_SECONDS": "0",
           "EVENTSCOPE_CORS_ORIGINS": "http://a.example, http://b.example"}  # fmt: skip
    settings = Settings.from_env(env, map_max_points=10)
    assert (settings.api_token, settings.max_request_bytes, settings.cache_seconds) == (TOKEN, 5000, 0)
    assert settings.cors_origins == ("http://a.example", "http://b.example") and settings.map_max_points == 10
    from eventscope.errors import InputError

    with pytest.raises(InputError, match="EVENTSCOPE_MAX_REQUEST_BYTES"):
        Settings.from_env({"EVENTSCOPE_MAX_REQUEST_BYTES": "lots"})


# ------------------------------------------------------------------------------ the static files


def test_pages_load_nothing_from_elsewhere_and_run_no_inline_script():
    for page in STATIC.rglob("*"):
        if page.suffix not in (".html", ".js", ".css", ".svg"):
            continue
        text = page.read_text()
        urls = set(re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"')]*", text, re.I))
        assert urls <= {"http://www.w3.org/2000/svg"}, (page.name, urls)
        if page.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page.name  # every script is a file
            assert not re.search(r"\son[a-z]+\s*=", text, re.I), page.name  # no inline handlers
            assert not re.search(r"\sstyle\s*=", text, re.I), page.name
        if page.suffix == ".js":
            for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                          "setAttribute(\"style\"", "setTimeout(\""):  # fmt: skip
                assert risky not in text, (page.name, risky)


def test_openapi_and_the_offline_reference(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/stats", "/api/export", "/api/articles", "/api/map",
            "/api/meta"} <= set(spec["paths"])  # fmt: skip
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert params >= {"country", "since", "until", "event_type", "sub_event_type", "admin1", "actor", "min_fatalities",
                      "bbox", "text", "sort", "cursor", "limit"}  # fmt: skip
    page = client.get("/docs")
    assert page.status_code == 200 and "/static/js/docs.js" in page.text and "cdn" not in page.text.lower()
    assert client.get("/redoc").status_code == 404
