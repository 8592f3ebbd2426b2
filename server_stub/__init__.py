"""The exam server: sessions, candidates, invigilation, key release, record intake and results.

FastAPI over SQLAlchemy Core (SQLite in a data directory by default, PostgreSQL by configuration).
It imports the engine to verify and replay records, never the kiosk.
"""
