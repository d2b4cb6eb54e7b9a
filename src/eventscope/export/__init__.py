"""Writers for event records: ACLED CSV, JSONL, GeoJSON, Parquet."""
