"""The default index build: cache location, names for areas, and concurrent first use."""

from __future__ import annotations

import threading
import time

from eventscope.geocode import build
from eventscope.geocode.normalize import load_toponym_rules


def test_cache_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path))
    assert build.cache_dir() == tmp_path
    assert build.default_index_path().parent == tmp_path
    assert build.data_version() in build.default_index_path().name


def test_concurrent_first_use_builds_once(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTSCOPE_CACHE", str(tmp_path))
    calls = []

    def fake_build(path):
        calls.append(path)
        time.sleep(0.2)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("index")
        tmp.replace(path)

    monkeypatch.setattr(build, "build_default_index", fake_build)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(build.ensure_default_index())) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(set(results)) == 1 and results[0].read_text() == "index"


def test_area_short_name_prefers_english_names():
    rules = load_toponym_rules()
    assert build.area_short_name("Ḩimş", ["Homs", "Homs Governorate", "حمص"], rules) == "Homs"
    assert (
        build.area_short_name("Jubbada Hoose", ["Gobolka Jubbada Hoose", "Lower Juba"], rules) == "Lower Juba"
    )
    assert (
        build.area_short_name("Zaporizka oblast", ["Zaporizhzhia", "Zaporizhzhia Oblast"], rules)
        == "Zaporizhzhia"
    )
    assert build.area_short_name("Krung Thep Maha Nakhon", ["Bangkok"], rules, capital="Bangkok") == "Bangkok"
    assert build.area_short_name("Belgorodskaya oblast'", [], rules, capital="Belgorod") == "Belgorod"
    assert build.area_short_name("Kandahār", ["Qandahor viloyati"], rules) == "Kandahar"
    assert build.area_short_name("Bagmati", ["Bagmati Province", "Province 3"], rules) == "Bagmati"
    assert build.area_short_name("Sachsen", ["Free State of Saxony", "Saxe"], rules) == "Saxony"
