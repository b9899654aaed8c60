"""xinyong (信用): an open, rule-of-law-constrained public credit information system."""

__version__ = "0.2.0"
