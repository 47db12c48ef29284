"""Persistence: SQLAlchemy models, repositories and migrations. No domain logic lives here."""
