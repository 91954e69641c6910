"""Index build engines beside the local one (see ingest/engines)."""
