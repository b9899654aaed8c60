"""The application layer: one command per action, shared by the CLI, the API and the portal.
Each owns its transaction, its clock, its audit entry and its follow-up."""
