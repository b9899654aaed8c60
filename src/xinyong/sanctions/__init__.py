"""Joint rewards and penalties: lawful decisions, screening, dispatch to responders."""

from .decide import Decision, Ground, Standing, decide
from .index import ScreeningIndex

__all__ = ["Decision", "Ground", "ScreeningIndex", "Standing", "decide"]
