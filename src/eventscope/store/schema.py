"""The store's tables (SQLAlchemy Core), one definition for SQLite and PostgreSQL.

Migrations in store/migrations/ create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# The event columns stats group by and filter on (all EventFilter fields but actor and text).
STATS_COLUMNS = ("event_date", "event_type", "sub_event_type", "iso3", "country", "admin1", "fatalities", "latitude",
                 "longitude")  # fmt: skip

# One row per article, text kept so evidence offsets can be shown.  An article is the same article when
# its id, its url or its text (content_hash) is the same: each is unique.
articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(200), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    # A hash of the normalised url, since urls can outgrow an index entry.
    Column("url_hash", String(64), nullable=True, unique=True),
    Column("url", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("source", Text, nullable=True),
    Column("published", Date, nullable=True),
    Column("origin", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("n_mentions", Integer, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

# Another id under which an already stored article arrived again (the same text or url): a syndicated
# copy or a re-published record.  It adds no text and no events, but the events list it as a source.
article_aliases = Table(
    "article_aliases",
    metadata,
    Column("alias_id", String(200), primary_key=True),
    Column("article_pk", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", Text, nullable=True),
    Column("url", Text, nullable=True),
)

# One row per event an article reports (a ResolvedEvent), with the full record and its evidence.
# event_pk is the merged event it belongs to; NULL until the next merge has placed it.
mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("mention_id", String(200), nullable=False, unique=True),
    Column("event_pk", Integer, ForeignKey("events.id", ondelete="SET NULL"), nullable=True),
    Column("iso3", String(3), nullable=False),
    Column("event_date", Date, nullable=True),
    Column("time_precision", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("actor1", Text, nullable=True),
    Column("inter1", String(32), nullable=True),
    Column("actor2", Text, nullable=True),
    Column("inter2", String(32), nullable=True),
    Column("location", Text, nullable=True),
    Column("location_key", String(200), nullable=False),
    Column("admin1", Text, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("geo_precision", Integer, nullable=False),
    Column("fatalities", Integer, nullable=False),
    Column("record", JSON, nullable=False),
    UniqueConstraint("article_pk", "ordinal", name="uq_mentions_article_ordinal"),
    Index("ix_mentions_block", "iso3", "event_date"),
    Index("ix_mentions_place", "iso3", "location_key"),
    Index("ix_mentions_event", "event_pk"),
)

# One row per real event: the merge of its mentions, with the flat ACLED fields for filtering and
# sorting in SQL, and the full merged record (sources, article ids, evidence) for output.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, unique=True),
    Column("event_date", Date, nullable=True),
    Column("year", Integer, nullable=True),
    Column("time_precision", Integer, nullable=True),
    Column("disorder_type", String(64), nullable=True),
    Column("event_type", String(64), nullable=True),
    Column("sub_event_type", String(64), nullable=True),
    Column("actor1", Text, nullable=True),
    Column("assoc_actor_1", Text, nullable=True),
    Column("inter1", String(32), nullable=True),
    Column("actor2", Text, nullable=True),
    Column("assoc_actor_2", Text, nullable=True),
    Column("inter2", String(32), nullable=True),
    Column("interaction", Integer, nullable=True),
    Column("civilian_targeting", String(32), nullable=True),
    Column("iso3", String(3), nullable=True),
    Column("country", Text, nullable=True),
    Column("region", Text, nullable=True),
    Column("admin1", Text, nullable=True),
    Column("admin2", Text, nullable=True),
    Column("location", Text, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("geo_precision", Integer, nullable=True),
    Column("fatalities", Integer, nullable=False),
    Column("fatalities_low", Integer, nullable=True),
    Column("fatalities_high", Integer, nullable=True),
    Column("notes", Text, nullable=True),
    Column("confidence", Float, nullable=True),
    Column("n_articles", Integer, nullable=False),
    Column("record", JSON, nullable=False),
    Index("ix_events_date", "event_date"),
    Index("ix_events_country_date", "iso3", "event_date"),
    Index("ix_events_type_date", "event_type", "event_date"),
    Index("ix_events_fatalities", "fatalities"),
    Index("ix_events_point", "latitude", "longitude"),
    # Covering indexes for stats (by day and type; by country) under any filter but actor and text:
    # scanned alone, without the rows, whose records make them many times larger.
    Index("ix_events_stats_day", *STATS_COLUMNS),
    Index("ix_events_stats_country", "iso3", "country", *(c for c in STATS_COLUMNS if c not in ("iso3", "country"))),
)

# The events counted per day, country, event type and sub-event type, with their fatalities: stats read
# this instead of the events when their filters name only these columns (the store keeps it in step with
# the events, in the same transactions).  Rows are unique per key; writes to it are serialised like merges.
ROLLUP_KEY = ("event_date", "iso3", "country", "event_type", "sub_event_type")
event_rollup = Table(
    "event_rollup",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_date", Date, nullable=True),
    Column("iso3", String(3), nullable=True),
    Column("country", Text, nullable=True),
    Column("event_type", String(64), nullable=True),
    Column("sub_event_type", String(64), nullable=True),
    Column("events", Integer, nullable=False),
    Column("fatalities", Integer, nullable=False),
    # Covering, like the events' stats indexes: one grouped by day and type, one by country.
    Index("ix_event_rollup_day", "event_date", "event_type", "sub_event_type", "iso3", "country", "events",
          "fatalities"),  # fmt: skip
    Index("ix_event_rollup_country", "iso3", "country", "event_date", "event_type", "sub_event_type", "events",
          "fatalities"),  # fmt: skip
)

# Store-wide settings: the merge rules version the events were merged with.
meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
