"""The first schema: articles and their other ids, mentions, merged events, store settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(200), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("url_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("origin", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("n_mentions", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "article_aliases",
        sa.Column("alias_id", sa.String(200), primary_key=True),
        sa.Column("article_pk", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("url", sa.Text, nullable=True),
    )
    op.create_index("ix_article_aliases_article_pk", "article_aliases", ["article_pk"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False, unique=True),
        sa.Column("event_date", sa.Date, nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("time_precision", sa.Integer, nullable=True),
        sa.Column("disorder_type", sa.String(64), nullable=True),
        sa.Column("event_type", sa.String(64), nullable=True),
        sa.Column("sub_event_type", sa.String(64), nullable=True),
        sa.Column("actor1", sa.Text, nullable=True),
        sa.Column("assoc_actor_1", sa.Text, nullable=True),
        sa.Column("inter1", sa.String(32), nullable=True),
        sa.Column("actor2", sa.Text, nullable=True),
        sa.Column("assoc_actor_2", sa.Text, nullable=True),
        sa.Column("inter2", sa.String(32), nullable=True),
        sa.Column("interaction", sa.Integer, nullable=True),
        sa.Column("civilian_targeting", sa.String(32), nullable=True),
        sa.Column("iso3", sa.String(3), nullable=True),
        sa.Column("country", sa.Text, nullable=True),
        sa.Column("region", sa.Text, nullable=True),
        sa.Column("admin1", sa.Text, nullable=True),
        sa.Column("admin2", sa.Text, nullable=True),
        sa.Column("location", sa.Text, nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("geo_precision", sa.Integer, nullable=True),
        sa.Column("fatalities", sa.Integer, nullable=False),
        sa.Column("fatalities_low", sa.Integer, nullable=True),
        sa.Column("fatalities_high", sa.Integer, nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("n_articles", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_date", "events", ["event_date"])
    op.create_index("ix_events_country_date", "events", ["iso3", "event_date"])
    op.create_index("ix_events_type_date", "events", ["event_type", "event_date"])
    op.create_index("ix_events_fatalities", "events", ["fatalities"])
    op.create_index("ix_events_point", "events", ["latitude", "longitude"])
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_pk", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("mention_id", sa.String(200), nullable=False, unique=True),
        sa.Column("event_pk", sa.Integer, sa.ForeignKey("events.id", ondelete="SET NULL"), nullable=True),
        sa.Column("iso3", sa.String(3), nullable=False),
        sa.Column("event_date", sa.Date, nullable=True),
        sa.Column("time_precision", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("sub_event_type", sa.String(64), nullable=False),
        sa.Column("actor1", sa.Text, nullable=True),
        sa.Column("inter1", sa.String(32), nullable=True),
        sa.Column("actor2", sa.Text, nullable=True),
        sa.Column("inter2", sa.String(32), nullable=True),
        sa.Column("location", sa.Text, nullable=True),
        sa.Column("location_key", sa.String(200), nullable=False),
        sa.Column("admin1", sa.Text, nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("geo_precision", sa.Integer, nullable=False),
        sa.Column("fatalities", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("article_pk", "ordinal", name="uq_mentions_article_ordinal"),
    )
    op.create_index("ix_mentions_block", "mentions", ["iso3", "event_date"])
    op.create_index("ix_mentions_place", "mentions", ["iso3", "location_key"])
    op.create_index("ix_mentions_event", "mentions", ["event_pk"])
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_meta")
    op.drop_table("mentions")
    op.drop_table("events")
    op.drop_table("article_aliases")
    op.drop_table("articles")
