"""What the workers keep beside Temporal, in one database shared by every worker host and
CLI (`database.url`, SQLite in the state folder by default, PostgreSQL for several hosts):
the expert roster, the outbox of notices, and the documents. Schema by Alembic migrations
(`store/migrations`). Imports only the glossary and config."""
