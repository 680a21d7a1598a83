"""Files a user already has: CSV, JSON Lines or Parquet, with a column mapping."""

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
# Posting field -> column name when the user maps nothing.
DEFAULT_COLUMNS = {
    "source_id": "id",
    "title": "title",
    "company": "company",
    "description": "description",
    "url": "url",
    "location": "location",
    "remote": "remote",
    "posted_at": "posted_at",
}
TRUE = {"true", "yes", "1", "y", "remote"}
FALSE = {"false", "no", "0", "n", "onsite", "on-site"}
