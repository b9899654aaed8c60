"""Deterministic synthetic populations, written as source-agency deliveries."""

from .delivery import write_delivery
from .generate import DEFAULT_AS_OF, Population, SynthConfig

__all__ = ["DEFAULT_AS_OF", "Population", "SynthConfig", "write_delivery"]
