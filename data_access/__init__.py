"""The system of record: SQLAlchemy models, the session factory, and one module per feature.

Feature functions are keyword-only, take a session, and return plain dataclasses; the caller owns
the transaction.
"""
