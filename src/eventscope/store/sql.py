"""The event store on SQLAlchemy Core: one code path for SQLite and PostgreSQL.

Writes are small transactions: one per article (the article and all its mentions, or nothing), and one
per country for a merge pass.  Unique keys on article id, url and text make a second copy of an article
a no-op, also when two processes race; merges are serialised (SQLite's write lock, a PostgreSQL advisory
lock) and recompute the affected events from the mentions, so an interrupted ingest is completed by the
next one.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from operator import itemgetter
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    URL,
    Connection,
    String,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.sql.elements import ColumnElement

from eventscope.errors import InputError, StoreError
from eventscope.merge import (
    Explanation,
    LinkGraph,
    Mention,
    MergeRules,
    as_date,
    explain_event,
    load_merge_rules,
    mention_from_record,
    merge_records,
)
from eventscope.models import Article, ResolvedEvent, SourceRef
from eventscope.store.base import (
    ALL_EVENTS,
    SORT_FIELDS,
    BBox,
    DayTypeCount,
    EventDetail,
    EventFilter,
    EventLike,
    GridCell,
    GroupCount,
    IngestReport,
    MapPoint,
    MergeReport,
    Page,
    Stats,
)
from eventscope.store.engine import (
    cell_index,
    database_url,
    describe,
    lock_for_merge,
    make_engine,
    store_error,
    write_transaction,
)
from eventscope.store.schema import ROLLUP_KEY, article_aliases, articles, event_rollup, events, mentions, meta

log = logging.getLogger(__name__)

# Rows per IN (...) list and per page when streaming: well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 2000
RULES_KEY = "merge_rules_version"

# The mention columns the merge compares (the full record stays unread until an event is rebuilt).
_BLOCK_COLUMNS = (
    mentions.c.id,
    mentions.c.mention_id,
    mentions.c.article_pk,
    mentions.c.event_pk,
    mentions.c.iso3,
    mentions.c.event_date,
    mentions.c.time_precision,
    mentions.c.event_type,
    mentions.c.sub_event_type,
    mentions.c.actor1,
    mentions.c.inter1,
    mentions.c.actor2,
    mentions.c.inter2,
    mentions.c.location,
    mentions.c.admin1,
    mentions.c.latitude,
    mentions.c.longitude,
    mentions.c.geo_precision,
)
_EVENT_FIELDS = (
    "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso3", "country", "region", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "fatalities_low", "fatalities_high", "notes", "confidence",
)  # fmt: skip


def open_store(target: str | None = None, rules: MergeRules | None = None) -> SqlStore:
    """Open (creating and migrating as needed) the store at a file path or database URL."""
    return SqlStore(database_url(target), rules)


def content_hash(text: str) -> str:
    """The same text, whatever its whitespace, is the same article."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def url_hash(url: str | None) -> str | None:
    """The same url (scheme and host in any case, without a #fragment) is the same article."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SqlStore:
    """A Store on SQLite or PostgreSQL (see store.base.Store for the interface)."""

    def __init__(self, url: URL, rules: MergeRules | None = None):
        self._url = url
        self.url = describe(url)
        self.rules = rules or load_merge_rules()
        self.engine = make_engine(url)
        with self._errors():
            self._migrate()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.IntegrityError:
            raise
        except sa_exc.SQLAlchemyError as error:
            raise store_error(error, self._url) from None

    # ------------------------------------------------------------------------------------ migrations

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(files("eventscope.store") / "migrations"))
        head = ScriptDirectory.from_config(config).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        try:
            with write_transaction(self.engine) as conn:
                lock_for_merge(conn)
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except CommandError as error:
            raise StoreError(
                f"{self.url}: schema revision {current} is unknown to this eventscope ({error}); upgrade eventscope"
            ) from None
        log.info("store %s migrated to schema revision %s", self.url, head)

    # ----------------------------------------------------------------------------------------- writes

    def has_article(self, article: Article) -> bool:
        """Is an article with this id, url or text stored already?"""
        with self._errors(), self.engine.connect() as conn:
            return self._find_article(conn, article) is not None

    def _find_article(self, conn: Connection, article: Article) -> int | None:
        same = [
            articles.c.article_id == article.id,
            articles.c.content_hash == content_hash(article.text),
            articles.c.id.in_(select(article_aliases.c.article_pk).where(article_aliases.c.alias_id == article.id)),
        ]
        uhash = url_hash(article.url)
        if uhash:
            same.append(articles.c.url_hash == uhash)
        return conn.execute(select(articles.c.id).where(or_(*same)).limit(1)).scalar()

    def add_article(self, article: Article, events: Sequence[EventLike]) -> bool:
        """Store one article and its event mentions in one transaction; False if it was there already.

        An article already stored under another id (the same text or url: a syndicated copy) adds no
        text and no mentions, but its id, outlet and url are kept as an alias, so the events of the
        stored article list it among their sources (they are rebuilt at the next merge).  A record whose
        event id another article already uses raises InputError (the article is skipped).
        """
        records = [self._mention_record(article, i, e) for i, e in enumerate(events)]
        row = {
            "article_id": article.id,
            "content_hash": content_hash(article.text),
            "url_hash": url_hash(article.url),
            "url": article.url,
            "title": article.title,
            "source": article.source,
            "published": article.published,
            "origin": article.origin or None,
            "text": article.text,
            "n_mentions": len(records),
            "ingested_at": dt.datetime.now(dt.timezone.utc),
        }
        try:
            with self._errors(), write_transaction(self.engine) as conn:
                existing = self._find_article(conn, article)
                if existing is not None:
                    self._add_alias(conn, existing, article)
                    return False
                article_pk = conn.execute(insert(articles).values(row)).inserted_primary_key[0]
                if records:
                    rows = [self._mention_row(article_pk, i, r) for i, r in enumerate(records)]
                    conn.execute(insert(mentions), rows)
        except sa_exc.IntegrityError:
            # Another process stored the same article between our check and our insert.
            if self.has_article(article):
                return False
            raise InputError(
                f"{article.origin or article.id}: an event id of this article is already stored for another article"
            ) from None
        return True

    @staticmethod
    def _add_alias(conn: Connection, article_pk: int, article: Article) -> None:
        """Keep another id of a stored article, and drop its events so the next merge lists the alias."""
        own_id = conn.execute(select(articles.c.article_id).where(articles.c.id == article_pk)).scalar_one()
        known = conn.execute(select(article_aliases.c.alias_id).where(article_aliases.c.alias_id == article.id))
        if article.id == own_id or known.first() is not None:
            return
        # Events are deleted below, and with them rollup rows changed: serialised with merges.
        lock_for_merge(conn)
        conn.execute(
            insert(article_aliases).values(
                alias_id=article.id, article_pk=article_pk, source=article.source, url=article.url
            )  # fmt: skip
        )
        stale = select(mentions.c.event_pk).where(mentions.c.article_pk == article_pk, mentions.c.event_pk.is_not(None))
        stale_pks = sorted(conn.execute(stale).scalars())
        if stale_pks:
            conn.execute(update(mentions).where(mentions.c.event_pk.in_(stale_pks)).values(event_pk=None))
            _delete_events(conn, stale_pks)

    @staticmethod
    def _mention_record(article: Article, ordinal: int, event: EventLike) -> dict[str, Any]:
        record = event.to_record() if isinstance(event, ResolvedEvent) else dict(event)
        record["article_id"] = article.id
        record["event_id"] = str(record.get("event_id") or f"{article.id}:{ordinal}")
        for key in ("source", "url"):
            if record.get(key) is None:
                record[key] = getattr(article, key)
        return record

    @staticmethod
    def _mention_row(article_pk: int, ordinal: int, record: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "article_pk": article_pk,
            "ordinal": ordinal,
            "mention_id": record["event_id"],
            "iso3": record.get("iso3") or "",
            "event_date": as_date(record.get("event_date")),
            "time_precision": record.get("time_precision") or 3,
            "event_type": record.get("event_type") or "",
            "sub_event_type": record.get("sub_event_type") or "",
            "actor1": record.get("actor1"),
            "inter1": record.get("inter1"),
            "actor2": record.get("actor2"),
            "inter2": record.get("inter2"),
            "location": record.get("location"),
            "location_key": " ".join(str(record.get("location") or "").split()).casefold()[:200],
            "admin1": record.get("admin1"),
            "latitude": record.get("latitude"),
            "longitude": record.get("longitude"),
            "geo_precision": record.get("geo_precision") or 3,
            "fatalities": int(record.get("fatalities") or 0),
            "record": dict(record),
        }

    def add_articles_and_mentions(
        self,
        items: Iterable[tuple[Article, Sequence[EventLike]]],
        merge_every: int = 500,
        report: IngestReport | None = None,
        progress: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Store many articles (each in its own transaction), merging every `merge_every` and at the end.

        An article that cannot be stored is skipped and listed in the report's problems; a database
        failure (unreachable, read-only, disk full) stops the run with a StoreError.  `progress` is
        called with the report after each article.
        """
        report = report if report is not None else IngestReport()
        for article, found in items:
            self.add_to_report(report, article, found)
            if merge_every and report.articles_added and report.articles_added % merge_every == 0:
                report.events_changed += self.merge().events_written
            if progress is not None:
                progress(report)
        report.events_changed += self.merge().events_written
        return report

    def add_to_report(self, report: IngestReport, article: Article, found: Sequence[EventLike]) -> None:
        """add_article, counted into a report (skipped articles become problems)."""
        try:
            added = self.add_article(article, found)
        except InputError as problem:
            origin = article.origin or article.id
            report.problems.append((origin, str(problem).removeprefix(f"{origin}: ")))
            return
        if added:
            report.articles_added += 1
            report.mentions_added += len(found)
        else:
            report.articles_duplicate += 1

    # ----------------------------------------------------------------------------------------- merge

    def merge(self) -> MergeReport:
        """Place every not-yet-merged mention into merged events (re-merging the events it touches)."""
        total = MergeReport()
        with self._errors():
            self._check_rules_version()
            # A rebuilt event frees any old member outside the rebuilt group; the next pass places it.
            for _ in range(100):
                with self.engine.connect() as conn:
                    countries = conn.execute(
                        select(mentions.c.iso3).where(mentions.c.event_pk.is_(None)).distinct()
                    ).scalars()
                    pending = sorted(countries)
                if not pending:
                    break
                for iso3 in pending:
                    with write_transaction(self.engine) as conn:
                        lock_for_merge(conn)
                        done = self._merge_country(conn, iso3)
                    total = MergeReport(
                        total.mentions + done.mentions,
                        total.events_written + done.events_written,
                        total.events_removed + done.events_removed,
                    )
        return total

    def remerge(self) -> MergeReport:
        """Recompute every merged event from the mentions (after a rules change, or to check)."""
        with self._errors(), write_transaction(self.engine) as conn:
            lock_for_merge(conn)
            self._reset_events(conn)
        return self.merge()

    @staticmethod
    def _reset_events(conn: Connection) -> None:
        conn.execute(update(mentions).values(event_pk=None))
        conn.execute(delete(events))
        conn.execute(delete(event_rollup))

    def _check_rules_version(self) -> None:
        version = str(self.rules.version)
        with self.engine.connect() as conn:
            stored = conn.execute(select(meta.c.value).where(meta.c.key == RULES_KEY)).scalar()
        if stored == version:
            return
        with write_transaction(self.engine) as conn:
            lock_for_merge(conn)
            stored = conn.execute(select(meta.c.value).where(meta.c.key == RULES_KEY)).scalar()
            if stored == version:
                return
            if stored is None:
                conn.execute(insert(meta).values(key=RULES_KEY, value=version))
            else:
                log.info("merge rules changed (version %s -> %s): re-merging every event", stored, version)
                self._reset_events(conn)
                conn.execute(update(meta).where(meta.c.key == RULES_KEY).values(value=version))

    def _merge_country(self, conn: Connection, iso3: str) -> MergeReport:
        """Re-cluster the link-graph components of one country that hold unmerged mentions."""
        rows: dict[str, Any] = {}

        def load(*conditions: ColumnElement[bool]) -> None:
            query = select(*_BLOCK_COLUMNS).where(mentions.c.iso3 == iso3, *conditions)
            for row in conn.execute(query):
                rows.setdefault(row.mention_id, row)

        load(mentions.c.event_pk.is_(None))
        dirty = sorted(rows)
        if not dirty:
            return MergeReport()
        # Undated mentions link by place at any date: load all of them, and the dated ones at their places.
        load(mentions.c.event_date.is_(None))
        places = sorted({r.location for r in rows.values() if r.event_date is None and r.location})
        for chunk in _chunks([" ".join(p.split()).casefold()[:200] for p in places]):
            load(mentions.c.location_key.in_(chunk))

        window = self.rules.window_days
        loaded: list[tuple[dt.date, dt.date]] = []
        wanted = [r.event_date for r in rows.values() if r.event_date is not None]
        while True:
            spans = _spans(wanted, window)
            for lo, hi in spans:
                if not _covered(loaded, lo, hi):
                    load(mentions.c.event_date.between(lo, hi))
            loaded = _spans_union(loaded + spans)
            graph = LinkGraph((self._block_mention(r) for r in rows.values()), self.rules)
            groups = graph.components(dirty)
            wanted = [
                rows[m].event_date
                for group in groups
                for m in group
                if rows[m].event_date is not None and not _covered(loaded, *_around(rows[m].event_date, window))
            ]
            if not wanted:
                break

        members = set().union(*groups)
        clusters = [frozenset(c) for group in groups for c in graph.clusters(group)]
        old_pks = sorted({rows[m].event_pk for m in members if rows[m].event_pk is not None})
        old_sets: dict[int, set[str]] = {pk: set() for pk in old_pks}
        for chunk in _chunks(old_pks):
            query = select(mentions.c.mention_id, mentions.c.event_pk).where(mentions.c.event_pk.in_(chunk))
            for mention_id, event_pk in conn.execute(query):
                old_sets[event_pk].add(mention_id)
        unchanged = {frozenset(s) for s in old_sets.values()} & set(clusters)
        removed = [pk for pk, s in old_sets.items() if frozenset(s) not in unchanged]
        for chunk in _chunks(removed):
            conn.execute(update(mentions).where(mentions.c.event_pk.in_(chunk)).values(event_pk=None))
        _delete_events(conn, removed)

        rebuilt = [c for c in clusters if c not in unchanged]
        self._write_events(conn, rebuilt, {m: rows[m].id for c in rebuilt for m in c})
        return MergeReport(len(members), len(rebuilt), len(removed))

    def _block_mention(self, row: Any) -> Mention:
        return mention_from_record(
            {
                "event_id": row.mention_id,
                "article_id": f"#{row.article_pk}",
                "iso3": row.iso3,
                "event_date": row.event_date,
                "time_precision": row.time_precision,
                "event_type": row.event_type,
                "sub_event_type": row.sub_event_type,
                "actor1": row.actor1,
                "inter1": row.inter1,
                "actor2": row.actor2,
                "inter2": row.inter2,
                "location": row.location,
                "admin1": row.admin1,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "geo_precision": row.geo_precision,
            },
            self.rules,
        )

    def _write_events(self, conn: Connection, clusters: list[frozenset[str]], pks: dict[str, int]) -> None:
        """Build and insert one merged event per cluster, and point its mentions at it."""
        records: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(pks.values())):
            query = select(mentions.c.mention_id, mentions.c.record).where(mentions.c.id.in_(chunk))
            records.update((mention_id, record) for mention_id, record in conn.execute(query))
        aliases: dict[str, list[SourceRef]] = {}
        article_ids = sorted({str(r.get("article_id")) for r in records.values()})
        for chunk in _chunks(article_ids):
            query = (
                select(
                    articles.c.article_id, article_aliases.c.alias_id, article_aliases.c.source, article_aliases.c.url
                )
                .join(articles, articles.c.id == article_aliases.c.article_pk)
                .where(articles.c.article_id.in_(chunk))
                .order_by(article_aliases.c.alias_id)
            )
            for article_id, alias_id, source, url in conn.execute(query):
                aliases.setdefault(article_id, []).append(SourceRef(alias_id, source, url))
        event_rows, links = [], []
        counted: dict[tuple[Any, ...], list[int]] = {}
        for cluster in clusters:
            merged = merge_records([records[m] for m in sorted(cluster)], self.rules)
            if aliases:
                extra = [alias for ref in merged.sources for alias in aliases.get(ref.article_id, ())]
                merged = dataclasses.replace(merged, sources=merged.sources + tuple(extra))
            record = merged.to_record()
            record["n_articles"] = len(merged.article_ids)
            row = {name: record.get(name) for name in _EVENT_FIELDS}
            row.update(
                event_id=merged.event_id,
                event_date=as_date(record.get("event_date")),
                fatalities=int(record.get("fatalities") or 0),
                n_articles=record["n_articles"],
                record=record,
            )
            event_rows.append(row)
            links.append(cluster)
            _count(counted, tuple(row[name] for name in ROLLUP_KEY), 1, row["fatalities"])
        for start in range(0, len(event_rows), CHUNK):
            batch = event_rows[start : start + CHUNK]
            created = conn.execute(insert(events).returning(events.c.id, events.c.event_id), batch).all()
            pk_of = dict((event_id, pk) for pk, event_id in created)
            updates = [
                {"m_pk": pks[m], "e_pk": pk_of[row["event_id"]]}
                for row, cluster in zip(batch, links[start : start + CHUNK], strict=True)
                for m in cluster
            ]
            point = update(mentions).where(mentions.c.id == bindparam("m_pk")).values(event_pk=bindparam("e_pk"))
            conn.execute(point, updates)
        _update_rollup(conn, counted)

    # ----------------------------------------------------------------------------------------- reads

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, mentions, events, and mentions not merged yet."""
        with self._errors(), self.engine.connect() as conn:
            count = lambda table, *where: conn.execute(  # noqa: E731
                select(func.count()).select_from(table).where(*where)
            ).scalar_one()
            return {
                "articles": count(articles),
                "mentions": count(mentions),
                "events": count(events),
                "unmerged": count(mentions, mentions.c.event_pk.is_(None)),
            }

    def query_events(
        self,
        filters: EventFilter = ALL_EVENTS,
        sort: str = "-event_date",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page of merged events (without evidence), sorted by one of SORT_FIELDS ("-" for descending)."""
        return self._page(filters, sort, cursor, limit, evidence=False)

    def _page(self, filters: EventFilter, sort: str, cursor: str | None, limit: int, evidence: bool) -> Page:
        descending = sort.startswith("-")
        name = sort.lstrip("-+")
        if name not in SORT_FIELDS:
            raise InputError(f"cannot sort by {name!r}: choose one of {', '.join(SORT_FIELDS)}")
        if limit < 1:
            raise InputError(f"limit must be at least 1, not {limit}")
        column, event_id = events.c[name], events.c.event_id
        # Events without a value sort as the smallest (first ascending, last descending).  They are read
        # as a segment of their own, after or before the others, so that each segment's ORDER BY is the
        # plain column the indexes hold (an expression such as COALESCE would sort the whole table).
        valued = (column.desc(), event_id.desc()) if descending else (column.asc(), event_id.asc())
        segments: list[tuple[bool, list[ColumnElement[bool]], tuple[Any, ...]]] = [
            (False, [column.is_not(None)] if column.nullable else [], valued)
        ]
        if column.nullable:
            segments.append((True, [column.is_(None)], (event_id.desc() if descending else event_id.asc(),)))
        if not descending:
            segments.reverse()
        if cursor:
            value, last_id = _decode_cursor(cursor, name)
            after = event_id < last_id if descending else event_id > last_id
            while segments[0][0] != (value is None):  # the cursor's segment is the first still to read
                segments.pop(0)
            is_null, where, order = segments[0]
            if not is_null:
                value = literal(value, type_=column.type)
                # The plain range first, which an index answers; the tie-break on event_id within it.
                bound = column <= value if descending else column >= value
                beyond = or_(column < value if descending else column > value, and_(column == value, after))
                where = [*where, bound, beyond]
            segments[0] = (is_null, [*where, after] if is_null else where, order)
        conditions = _conditions(filters)
        rows: list[Any] = []
        with self._errors(), self.engine.connect() as conn:
            for _is_null, where, order in segments:
                wanted = limit + 1 - len(rows)
                if wanted <= 0:
                    break
                query = select(events.c.record, column.label("sort_key"), event_id)
                rows += conn.execute(query.where(*conditions, *where).order_by(*order).limit(wanted)).all()
        items = []
        for row in rows[:limit]:
            record = dict(row.record)
            if not evidence:
                record.pop("evidence", None)
            items.append(record)
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = _encode_cursor(name, last.sort_key, last.event_id)
        return Page(items, next_cursor)

    def count_events(self, filters: EventFilter = ALL_EVENTS) -> int:
        with self._errors(), self.engine.connect() as conn:
            query = select(func.count()).select_from(events).where(*_conditions(filters))
            return conn.execute(query).scalar_one()

    def iter_events(
        self, filters: EventFilter = ALL_EVENTS, sort: str = "-event_date", evidence: bool = True
    ) -> Iterator[dict[str, Any]]:
        """Every matching merged event's record, streamed in pages (memory stays flat)."""
        cursor = None
        while True:
            page = self._page(filters, sort, cursor, CHUNK, evidence)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def get_event(self, event_id: str) -> EventDetail | None:
        """One merged event with its mentions (each with evidence) and the full text of its articles."""
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(select(events.c.id, events.c.record).where(events.c.event_id == event_id)).first()
            if row is None:
                return None
            query = (
                select(
                    mentions.c.record,
                    articles.c.article_id,
                    articles.c.title,
                    articles.c.source,
                    articles.c.url,
                    articles.c.published,
                    articles.c.text,
                )
                .join(articles, articles.c.id == mentions.c.article_pk)
                .where(mentions.c.event_pk == row.id)
                .order_by(mentions.c.mention_id)
            )
            members = conn.execute(query).all()
        texts: dict[str, dict[str, Any]] = {}
        for m in members:
            texts.setdefault(
                m.article_id,
                {
                    "article_id": m.article_id,
                    "title": m.title,
                    "source": m.source,
                    "url": m.url,
                    "published": m.published.isoformat() if m.published else None,
                    "text": m.text,
                },
            )
        return EventDetail(dict(row.record), [dict(m.record) for m in members], list(texts.values()))

    def stats(self, filters: EventFilter = ALL_EVENTS) -> Stats:
        """Counts and fatalities overall, by day, by day and type, by type and by country, in SQL.

        Two grouped queries (day and type; country); the totals, days and types are sums of the first.
        Filters on the country, dates and types only are answered from the rollup (events counted per day,
        country and type), others from the events' covering indexes (or the events, for actor and text).
        """
        if _rollup_answers(filters):
            r = event_rollup.c
            where = _conditions(filters, r)
            n, dead = func.sum(r.events).label("n"), func.sum(r.fatalities).label("dead")
            day = self._day_column(r.event_date)
            day_query = select(day, r.event_type, n, dead).where(*where).group_by(r.event_date, r.event_type)
            country_query = select(r.iso3, r.country, n, dead).where(*where).group_by(r.iso3, r.country)
            day_query = day_query.with_hint(event_rollup, "INDEXED BY ix_event_rollup_day", "sqlite")
            country_query = country_query.with_hint(event_rollup, "INDEXED BY ix_event_rollup_country", "sqlite")
            return self._stats(day_query, country_query)
        where = _conditions(filters)
        n, dead = func.count().label("n"), func.coalesce(func.sum(events.c.fatalities), 0).label("dead")
        c = events.c
        day = self._day_column(c.event_date)
        day_query = select(day, c.event_type, n, dead).where(*where).group_by(c.event_date, c.event_type)
        country_query = select(c.iso3, c.country, n, dead).where(*where).group_by(c.iso3, c.country)
        if not (filters.actor or filters.text):
            # SQLite's planner, without statistics, prefers an index that orders the groups and then
            # reads every row; these covering indexes answer the whole query from the index.
            day_query = day_query.with_hint(events, "INDEXED BY ix_events_stats_day", "sqlite")
            country_query = country_query.with_hint(events, "INDEXED BY ix_events_stats_country", "sqlite")
        return self._stats(day_query, country_query)

    def _stats(self, day_query: Any, country_query: Any) -> Stats:
        """Stats from (day, event type, events, fatalities) and (iso3, country, events, fatalities) groups."""
        with self._errors(), self.engine.connect() as conn:
            day_type = conn.execute(day_query).all()
            by_country = conn.execute(country_query).all()
        # Tuples sorted and summed in one pass: a few years of days by type are thousands of groups a request.
        total, fatalities = 0, 0
        types: dict[str, list[int]] = {}
        dated: list[tuple[dt.date, str, int, int]] = []
        for day, event_type, count, deaths in day_type:
            deaths = int(deaths)
            event_type = event_type or ""
            total += count
            fatalities += deaths
            kind = types.get(event_type)
            if kind is None:
                types[event_type] = [count, deaths]
            else:
                kind[0] += count
                kind[1] += deaths
            if day is not None:
                dated.append((dt.date.fromisoformat(day) if isinstance(day, str) else day, event_type, count, deaths))
        dated.sort(key=itemgetter(0, 1))
        by_day: list[GroupCount] = []
        last, day_events, day_deaths = None, 0, 0
        for day, _event_type, count, deaths in dated:
            if day != last:
                if last is not None:
                    by_day.append(GroupCount(last.isoformat(), day_events, day_deaths))
                last, day_events, day_deaths = day, 0, 0
            day_events += count
            day_deaths += deaths
        if last is not None:
            by_day.append(GroupCount(last.isoformat(), day_events, day_deaths))
        return Stats(
            events=total,
            fatalities=fatalities,
            by_day=by_day,
            by_day_type=[DayTypeCount(*row) for row in dated],
            by_type=sorted((GroupCount(t, c, f) for t, (c, f) in types.items()), key=lambda g: (-g.events, g.key)),
            by_country=sorted(
                (GroupCount(i or "", c, int(f), name) for i, name, c, f in by_country),
                key=lambda g: (-g.events, g.key),
            ),
        )

    def _day_column(self, column: Any) -> Any:
        """A date column as read for stats: SQLite's stored YYYY-MM-DD text as it is (parsed faster by us)."""
        return type_coerce(column, String) if self.engine.dialect.name == "sqlite" else column

    def event_points(
        self, filters: EventFilter = ALL_EVENTS, limit: int = 2000, within: BBox | None = None
    ) -> list[MapPoint]:
        """Up to `limit` located events (in no particular order), inside the box `within` when given."""
        c = events.c
        where = [*_conditions(filters), *_located(within)]
        query = select(c.event_id, c.latitude, c.longitude, c.event_type, c.sub_event_type, c.fatalities,
                       c.event_date, c.location).where(*where).limit(limit)  # fmt: skip
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            MapPoint(r.event_id, r.latitude, r.longitude, r.event_type or "", r.sub_event_type or "", r.fatalities,
                     as_date(r.event_date), r.location)  # fmt: skip
            for r in rows
        ]

    def event_grid(
        self, filters: EventFilter = ALL_EVENTS, cell: float = 1.0, within: BBox | None = None
    ) -> list[GridCell]:
        """The located events counted per grid cell of `cell` degrees, inside the box `within` when given."""
        if not cell > 0:
            raise InputError(f"a grid cell must be more than 0 degrees, not {cell}")
        c = events.c
        # Shifted to be non-negative, so that truncation is the floor on every backend.
        row_key = cell_index((c.latitude + 90.0) / cell).label("gy")
        col_key = cell_index((c.longitude + 180.0) / cell).label("gx")
        query = (
            select(row_key, col_key, c.event_type, func.count().label("n"), func.sum(c.fatalities).label("dead"),
                   func.sum(c.latitude).label("lat"), func.sum(c.longitude).label("lon"))  # fmt: skip
            .where(*_conditions(filters), *_located(within))
            .group_by(row_key, col_key, c.event_type)
        )
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        cells: dict[tuple[int, int], list[Any]] = {}
        for r in rows:
            acc = cells.setdefault((r.gy, r.gx), [0, 0, 0.0, 0.0, {}])
            acc[0] += r.n
            acc[1] += int(r.dead or 0)
            acc[2] += float(r.lat)
            acc[3] += float(r.lon)
            acc[4][r.event_type or ""] = r.n
        return [
            GridCell(round(lat / n, 4), round(lon / n, 4), n, dead, dict(sorted(types.items(), key=lambda t: -t[1])))
            for (n, dead, lat, lon, types) in (cells[k] for k in sorted(cells))
        ]

    def explain(self, event_id: str) -> Explanation | None:
        """Why the event's mentions were merged, and why nearby mentions were not."""
        window = self.rules.window_days
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(select(events.c.id, events.c.record).where(events.c.event_id == event_id)).first()
            if row is None:
                return None
            member_rows = conn.execute(
                select(mentions.c.record, mentions.c.iso3, mentions.c.event_date, mentions.c.location_key)
                .where(mentions.c.event_pk == row.id)
                .order_by(mentions.c.mention_id)
            ).all()
            iso3 = member_rows[0].iso3 if member_rows else ""
            days = [m.event_date for m in member_rows if m.event_date]
            near = [mentions.c.location_key.in_({m.location_key for m in member_rows if m.location_key})]
            if days:
                near.append(mentions.c.event_date.between(min(days) - dt.timedelta(window),
                                                          max(days) + dt.timedelta(window)))  # fmt: skip
            query = (
                select(mentions.c.record, events.c.event_id)
                .outerjoin(events, events.c.id == mentions.c.event_pk)
                .where(mentions.c.iso3 == iso3, or_(*near), mentions.c.event_pk.is_distinct_from(row.id))
                .order_by(mentions.c.mention_id)
                .limit(500)
            )
            neighbours = [(r.record, r.event_id) for r in conn.execute(query)]
        return explain_event(row.record, [m.record for m in member_rows], neighbours, self.rules)


# ----------------------------------------------------------------------------------------- helpers


def _count(counts: dict[tuple[Any, ...], list[int]], key: tuple[Any, ...], events_: int, fatalities: int) -> None:
    entry = counts.setdefault(key, [0, 0])
    entry[0] += events_
    entry[1] += fatalities


def _delete_events(conn: Connection, pks: Sequence[int]) -> None:
    """Delete merged events (their mentions already unlinked) and take them out of the rollup."""
    keys = [events.c[name] for name in ROLLUP_KEY]
    counted: dict[tuple[Any, ...], list[int]] = {}
    for chunk in _chunks(pks):
        query = (
            select(*keys, func.count(), func.coalesce(func.sum(events.c.fatalities), 0))
            .where(events.c.id.in_(chunk))
            .group_by(*keys)
        )
        for *key, n, dead in conn.execute(query):
            _count(counted, tuple(key), -n, -int(dead))
        conn.execute(delete(events).where(events.c.id.in_(chunk)))
    _update_rollup(conn, counted)


def _update_rollup(conn: Connection, changes: Mapping[tuple[Any, ...], list[int]]) -> None:
    """Add events and fatalities to the rollup rows of their keys (ROLLUP_KEY values), in the caller's transaction.

    Callers hold the merge lock, so no other writer changes the rows between the read and the writes here.
    """
    changes = {key: change for key, change in changes.items() if change[0] or change[1]}
    if not changes:
        return
    r = event_rollup.c
    isos = {key[1] for key in changes}
    same_iso = or_(r.iso3.in_(sorted(i for i in isos if i is not None)), *([r.iso3.is_(None)] if None in isos else []))
    days = sorted({key[0] for key in changes if key[0] is not None})
    day_sets: list[ColumnElement[bool]] = [r.event_date.in_(chunk) for chunk in _chunks(days)]
    if any(key[0] is None for key in changes):
        day_sets.append(r.event_date.is_(None))
    found: dict[tuple[Any, ...], tuple[int, int]] = {}
    for same_day in day_sets:
        query = select(r.id, r.events, *(r[name] for name in ROLLUP_KEY)).where(same_iso, same_day)
        for row in conn.execute(query):
            key = tuple(row[2:])
            if key in changes:
                found.setdefault(key, (row.id, row.events))
    updates, inserts, emptied = [], [], []
    for key, (n, dead) in changes.items():
        if key in found:
            pk, before = found[key]
            if before + n == 0:
                emptied.append(pk)
            else:
                updates.append({"pk": pk, "n": n, "dead": dead})
        else:
            inserts.append({**dict(zip(ROLLUP_KEY, key, strict=True)), "events": n, "fatalities": dead})
    if updates:
        add = update(event_rollup).where(r.id == bindparam("pk"))
        conn.execute(add.values(events=r.events + bindparam("n"), fatalities=r.fatalities + bindparam("dead")), updates)
    if inserts:
        conn.execute(insert(event_rollup), inserts)
    for chunk in _chunks(emptied):
        conn.execute(delete(event_rollup).where(r.id.in_(chunk)))


def _conditions(f: EventFilter, c: Any = events.c) -> list[ColumnElement[bool]]:
    """SQL conditions for a filter on the events (or the rollup's columns `c`); every value is a bound parameter."""
    out: list[ColumnElement[bool]] = []
    for name in ("country", "event_type", "sub_event_type", "admin1", "actor", "text"):
        if "\x00" in (getattr(f, name) or ""):
            raise InputError(f"the {name} filter contains a NUL character")
    if f.country:
        out.append(or_(c.iso3 == f.country.strip().upper(), func.lower(c.country) == f.country.strip().lower()))
    if f.since:
        out.append(c.event_date >= f.since)
    if f.until:
        out.append(c.event_date <= f.until)
    if f.event_type:
        wanted = f.event_type.strip().lower()
        out.append(or_(func.lower(c.event_type) == wanted, func.lower(c.sub_event_type) == wanted))
    if f.sub_event_type:
        out.append(func.lower(c.sub_event_type) == f.sub_event_type.strip().lower())
    if f.admin1:
        out.append(func.lower(c.admin1) == f.admin1.strip().lower())
    if f.actor:
        out.append(
            or_(
                *(
                    col.icontains(f.actor, autoescape=True)
                    for col in (c.actor1, c.actor2, c.assoc_actor_1, c.assoc_actor_2)
                )
            )
        )
    if f.min_fatalities is not None:
        out.append(c.fatalities >= f.min_fatalities)
    if f.bbox:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        out.append(c.latitude.between(min_lat, max_lat))
        if min_lon <= max_lon:
            out.append(c.longitude.between(min_lon, max_lon))
        else:  # the box crosses the antimeridian
            out.append(or_(c.longitude >= min_lon, c.longitude <= max_lon))
    if f.text:
        columns = (c.notes, c.location, c.admin1, c.country, c.actor1, c.actor2)
        out.append(or_(*(col.icontains(f.text, autoescape=True) for col in columns)))
    return out


def _rollup_answers(f: EventFilter) -> bool:
    """Can the rollup (events per day, country, event type and sub-event type) answer stats of this filter?"""
    return f.admin1 is None and f.actor is None and f.min_fatalities is None and f.bbox is None and f.text is None


def _located(within: BBox | None) -> list[ColumnElement[bool]]:
    """Events with coordinates, inside the box (min_lon, min_lat, max_lon, max_lat) when one is given."""
    located = [events.c.latitude.is_not(None), events.c.longitude.is_not(None)]
    return located + (_conditions(EventFilter(bbox=within)) if within else [])


def _encode_cursor(sort: str, value: Any, event_id: str) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    raw = json.dumps([sort, value, event_id], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, value, event_id = json.loads(raw)
        if name != sort or not isinstance(event_id, str):
            raise ValueError(name)
        if value is None:  # a page that ended among the events without a value
            if sort in ("fatalities", "n_articles"):
                raise ValueError(value)
        elif sort == "event_date":
            value = dt.date.fromisoformat(value)
        elif not isinstance(value, int if sort in ("fatalities", "n_articles") else str):
            raise ValueError(value)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InputError("invalid page cursor: start again without one") from None
    return value, event_id


def _around(day: dt.date, window: int) -> tuple[dt.date, dt.date]:
    return day - dt.timedelta(window), day + dt.timedelta(window)


def _spans(days: Iterable[dt.date], window: int) -> list[tuple[dt.date, dt.date]]:
    """The date ranges within `window` days of the given days, overlapping ones joined."""
    return _spans_union([_around(d, window) for d in days])


def _spans_union(spans: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + dt.timedelta(1):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _covered(spans: Sequence[tuple[dt.date, dt.date]], lo: dt.date, hi: dt.date) -> bool:
    return any(a <= lo and hi <= b for a, b in spans)
