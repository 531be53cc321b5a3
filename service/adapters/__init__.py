"""Adapters: storage (SQLite and PostgreSQL settings, side tables), the personal-data vault, transcodings."""
