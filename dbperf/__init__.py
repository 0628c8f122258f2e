"""Database performance helpers: the few places that go round the ORM, kept in one place.

``sql`` runs hand-written SELECTs with the ORM's value conversion; ``timestamps`` reads
PostgreSQL's timestamps with Python's C parser. Each leans on Django or psycopg internals, and
``tests/dbperf`` holds tests that fail when those internals change.
"""
