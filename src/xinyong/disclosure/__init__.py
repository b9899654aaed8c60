"""Disclosure: what is public, and for how long."""

from .publicity import PublicityWindow, is_public, publicity_window, regime_for

__all__ = ["PublicityWindow", "is_public", "publicity_window", "regime_for"]
