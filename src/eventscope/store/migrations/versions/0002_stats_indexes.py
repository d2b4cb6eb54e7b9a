"""Covering indexes for stats: by day and type, and by country, over the filterable columns.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ["event_date", "event_type", "sub_event_type", "iso3", "country", "admin1", "fatalities", "latitude",
           "longitude"]  # fmt: skip


def upgrade() -> None:
    op.create_index("ix_events_stats_day", "events", COLUMNS)
    by_country = ["iso3", "country", "event_date", "event_type", "sub_event_type", "admin1", "fatalities", "latitude",
                  "longitude"]  # fmt: skip
    op.create_index("ix_events_stats_country", "events", by_country)


def downgrade() -> None:
    op.drop_index("ix_events_stats_country", table_name="events")
    op.drop_index("ix_events_stats_day", table_name="events")
