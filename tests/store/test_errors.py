"""Bad database URLs, unreachable servers, read-only files and full disks: one line, nothing half-written."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import create_engine, text

from event_factory import make_article, make_record
from eventscope.errors import StoreError
from eventscope.store import database_url, open_store


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("postgresql://user@host:notaport/db", "bad database URL"),
        ("mysql://root@localhost/events", "unsupported database 'mysql'"),
        ("http://example.test/db", "unsupported database 'http'"),
        ("sqlite://", "needs a file path"),
        ("sqlite:///:memory:", "needs a file path"),
        ("postgresql://user@localhost/", "name a database"),
        ("::://", "bad database URL"),
    ],
)
def test_malformed_urls(target, message):
    with pytest.raises(StoreError, match=message) as info:
        database_url(target)
    assert "\n" not in str(info.value)


def test_file_path_and_environment_default(tmp_path, monkeypatch):
    assert database_url(str(tmp_path / "x.db")).database == str(tmp_path / "x.db")
    monkeypatch.setenv("EVENTSCOPE_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert database_url(None).database == str(tmp_path / "env.db")
    monkeypatch.delenv("EVENTSCOPE_DB")
    assert database_url(None).database == "eventscope.db"
    assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg"


def test_unreachable_server_hides_the_password():
    with pytest.raises(StoreError, match="cannot reach postgresql://u:\\*\\*\\*@127.0.0.1:1/db") as info:
        open_store("postgresql://u:secret@127.0.0.1:1/db")
    assert "secret" not in str(info.value) and "\n" not in str(info.value)


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "no" / "such" / "dir.db"))


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="is not an eventscope \\(SQLite\\) database"):
        open_store(str(path))
    assert path.read_bytes().startswith(b"these are my notes")


@pytest.fixture
def mount_tmpfs(tmp_path):
    """Mount a small tmpfs (root only); yields a function (size, read_only) -> directory."""
    mounted = []

    def mount(size: str):
        target = tmp_path / f"fs{len(mounted)}"
        target.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                              capture_output=True)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _set_read_only(directory, read_only: bool) -> None:
    if os.geteuid() == 0:  # root writes through file modes: make the whole file system read-only
        subprocess.run(["mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(directory)], check=True)
    else:
        for path in [*directory.iterdir(), directory]:
            path.chmod((0o444 if path.is_file() else 0o555) if read_only else 0o755)


def test_read_only_database(tmp_path, mount_tmpfs):
    directory = mount_tmpfs("8m") if os.geteuid() == 0 else tmp_path / "ro"
    directory.mkdir(exist_ok=True)
    db = directory / "store.db"
    with open_store(str(db)) as store:
        store.add_article(make_article("a"), [make_record("a:0")])
        store.merge()
    _set_read_only(directory, True)
    try:
        with pytest.raises(StoreError, match="read-only") as info, open_store(str(db)) as store:
            store.add_article(make_article("b"), [make_record("b:0")])
        assert "\n" not in str(info.value)
    finally:
        _set_read_only(directory, False)
    with open_store(str(db)) as store:
        assert store.counts() == {"articles": 1, "mentions": 1, "events": 1, "unmerged": 0}


def test_full_disk_leaves_whole_articles(mount_tmpfs):
    directory = mount_tmpfs("600k")
    db = directory / "store.db"
    with open_store(str(db)) as store, pytest.raises(StoreError, match="disk is full"):
        for n in range(10_000):
            article = make_article(f"a{n}", text=f"article {n} " + "word " * 2000)
            store.add_article(article, [make_record(f"a{n}:0"), make_record(f"a{n}:1", date="2016-01-01")])
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM articles")).scalar()
        # Every stored article has all of its mentions: a failed one left nothing behind.
        torn = conn.execute(
            text("SELECT count(*) FROM articles a WHERE a.n_mentions != (SELECT count(*) FROM mentions m "
                 "WHERE m.article_pk = a.id)")
        ).scalar()  # fmt: skip
    engine.dispose()
    assert stored > 0 and torn == 0
