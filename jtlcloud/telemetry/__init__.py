"""Channels, readings, events, ingest formats, rollups, queries and retention."""
