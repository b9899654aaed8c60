"""Alembic environment: runs against the engine ``xinyong.ledger.db`` passes in."""

from __future__ import annotations

from alembic import context

import xinyong.evaluate.tables  # noqa: F401  (registers the evaluation tables)
import xinyong.ingest.tables  # noqa: F401  (registers the ingest tables on the metadata)
import xinyong.rights.tables  # noqa: F401  (consents)
import xinyong.web.tables  # noqa: F401  (accounts and API tokens)
from xinyong.ledger.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
