"""Covering indexes for stats: by day and type, and by country, with fatalities.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_day_type_fatalities", "events", ["event_date", "event_type", "fatalities"])
    op.create_index("ix_events_country_fatalities", "events", ["iso3", "country", "fatalities"])


def downgrade() -> None:
    op.drop_index("ix_events_country_fatalities", table_name="events")
    op.drop_index("ix_events_day_type_fatalities", table_name="events")
