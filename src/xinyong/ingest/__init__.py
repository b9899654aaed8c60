"""Ingest: source-agency deliveries into the ledger."""
