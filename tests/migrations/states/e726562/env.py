"""Alembic environment: runs on the connection ``xinyong.migrations.runner`` passes in.

Online the runner holds the migration lock in that connection's transaction and commits
after the last script. Offline (``xinyong db upgrade --sql``) the scripts render SQL for the
dialect of the runner's ``url``.
"""

from __future__ import annotations

from alembic import context

from xinyong.migrations.drift import declared_metadata

config = context.config
if context.is_offline_mode():
    url = config.attributes["url"]
    context.configure(
        url=url,
        target_metadata=declared_metadata(),
        literal_binds=True,
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=declared_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
