"""The schema of the whole platform: Alembic scripts and the way they are applied.

``versions/`` holds one script per revision. A released script is never edited again: a
schema change is a new revision. :func:`upgrade` applies what is pending under a lock, so
concurrent starts are safe; :func:`status` reports the revision, what is pending and any drift
of the live schema from the declared tables; :func:`upgrade_sql` renders the pending scripts
as SQL without changing the database. The scripts ship inside the package, so ``xinyong
init`` works from an installed wheel as well as from a checkout.
"""

from .drift import Difference
from .runner import (
    MIGRATION_LOCK_KEY,
    Status,
    alembic_config,
    current_revision,
    head_revision,
    migrate,
    pending_revisions,
    require_current,
    status,
    upgrade,
    upgrade_sql,
)

__all__ = [
    "Difference",
    "MIGRATION_LOCK_KEY",
    "Status",
    "alembic_config",
    "current_revision",
    "head_revision",
    "migrate",
    "pending_revisions",
    "require_current",
    "status",
    "upgrade",
    "upgrade_sql",
]
