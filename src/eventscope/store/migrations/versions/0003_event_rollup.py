"""The events counted per day, country, event type and sub-event type (what stats read), built from the events.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY = ["event_date", "iso3", "country", "event_type", "sub_event_type"]


def upgrade() -> None:
    rollup = op.create_table(
        "event_rollup",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_date", sa.Date, nullable=True),
        sa.Column("iso3", sa.String(3), nullable=True),
        sa.Column("country", sa.Text, nullable=True),
        sa.Column("event_type", sa.String(64), nullable=True),
        sa.Column("sub_event_type", sa.String(64), nullable=True),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("fatalities", sa.Integer, nullable=False),
    )
    op.create_index("ix_event_rollup_day", "event_rollup", ["event_date", "event_type", "sub_event_type", "iso3",
                                                           "country", "events", "fatalities"])  # fmt: skip
    op.create_index("ix_event_rollup_country", "event_rollup", ["iso3", "country", "event_date", "event_type",
                                                               "sub_event_type", "events", "fatalities"])  # fmt: skip
    events = sa.table("events", *(sa.column(name) for name in [*KEY, "fatalities"]))
    keys = [events.c[name] for name in KEY]
    counted = sa.select(*keys, sa.func.count(), sa.func.coalesce(sa.func.sum(events.c.fatalities), 0)).group_by(*keys)
    op.execute(sa.insert(rollup).from_select([*KEY, "events", "fatalities"], counted))


def downgrade() -> None:
    op.drop_index("ix_event_rollup_country", table_name="event_rollup")
    op.drop_index("ix_event_rollup_day", table_name="event_rollup")
    op.drop_table("event_rollup")
