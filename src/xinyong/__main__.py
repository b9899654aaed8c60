"""``python -m xinyong`` runs the CLI."""

from .cli import main

main()
