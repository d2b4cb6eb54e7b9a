"""eventscope serve and eventscope demo: they serve, say where, and fail in one line."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_seed import TOKEN, seed

from eventscope.cli import main
from eventscope.rules import data_path
from eventscope.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """The CLI in another process; returns it and the URL it prints once it serves."""
    command = [sys.executable, "-c", "from eventscope.cli import main; main()", *args]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        if found:
            return process, found.group(1)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("no URL printed: " + "".join(lines))


def get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_serves_a_store(tmp_path, workers):
    db = str(tmp_path / "store.db")
    with open_store(db) as store:
        seed(store)
    process, url = start("serve", "--db", db, "--port", "0", "--workers", workers, env={"EVENTSCOPE_API_TOKEN": TOKEN})
    try:
        for _ in range(4):  # across the processes
            status, meta = get(url + "/api/meta")
            assert status == 200 and meta["writable"] is True
            assert get(url + "/api/stats")[1]["events"] == 7
        status, error = get(url + "/api/events", headers={"Host": "evil.example"})
        assert status == 400 and error["error"]["code"] == "invalid_host"
    finally:
        stop(process)
    host, port = url.removeprefix("http://").split(":")
    with pytest.raises(OSError), socket.create_connection((host, int(port)), timeout=2):
        pass  # every process has stopped listening


def test_serve_errors_are_one_line(tmp_path):
    db = str(tmp_path / "store.db")
    runner = CliRunner()
    short = runner.invoke(main, ["serve", "--db", db, "--token", "short"])
    assert short.exit_code == 1 and short.output.count("\n") == 1 and "too short" in short.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(main, ["serve", "--db", db, "--port", str(port)])
    assert busy.exit_code == 1 and busy.output.startswith(f"eventscope: error: cannot listen on 127.0.0.1:{port}")
    missing = runner.invoke(main, ["serve", "--db", str(tmp_path / "no" / "such.db")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


@pytest.mark.timeout(300)
def test_demo_codes_and_serves_the_samples():
    process, url = start("demo", "--port", "0")
    try:
        status, stats = get(url + "/api/stats")
        assert status == 200 and stats["events"] >= 5
        first = get(url + "/api/events?limit=1")[1]["items"][0]
        detail = get(f"{url}/api/events/{first['event_id']}")[1]
        assert detail["articles"][0]["text"] and detail["mentions"][0]["evidence"]
        assert get(url + "/api/meta")[1]["writable"] is False
    finally:
        stop(process)


def test_the_packaged_samples_are_the_repository_samples():
    assert data_path("samples/articles.jsonl").read_bytes() == (ROOT / "samples" / "articles.jsonl").read_bytes()


def test_commands_and_routes_are_documented(tmp_path):
    from eventscope.web import create_app

    docs = (ROOT / "docs" / "web.md").read_text()
    for command in ("serve", "demo"):
        assert f"eventscope {command} " in docs
        assert command in main.commands
    for option in ("--db", "--port", "--host", "--token", "--cors-origin", "--allow-host", "--workers", "--articles"):
        assert option in docs
    for variable in ("EVENTSCOPE_API_TOKEN", "EVENTSCOPE_MAX_REQUEST_BYTES", "EVENTSCOPE_CORS_ORIGINS",
                     "EVENTSCOPE_ALLOWED_HOSTS", "EVENTSCOPE_CACHE_SECONDS", "EVENTSCOPE_MAP_MAX_POINTS"):  # fmt: skip
        assert variable in docs
    with open_store(str(tmp_path / "store.db")) as store:
        routes = create_app(store).routes
    for route in routes:
        path = getattr(route, "path", "")
        if path.startswith("/api/"):
            for method in sorted(getattr(route, "methods", ()) - {"HEAD"}):
                assert f"`{method} {path}`" in docs, f"{method} {path} is not in docs/web.md"
