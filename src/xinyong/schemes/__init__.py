"""Jurisdiction packs: the catalogue, laws and agencies as data, loaded strictly."""

from .checks import CatalogueRefused
from .model import CatalogueItem, FieldSpec, Instrument, Reference
from .pack import Catalogue, Pack, load_pack
from .yamlio import PackFormatError

__all__ = [
    "Catalogue",
    "CatalogueItem",
    "CatalogueRefused",
    "FieldSpec",
    "Instrument",
    "Pack",
    "PackFormatError",
    "Reference",
    "load_pack",
]
