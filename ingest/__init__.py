"""The ingest worker: Redis streams → validated, enriched rows in the system of record."""
