"""Identifiers: USCC (GB 32100), organisation code (GB 11714), resident ID (GB 11643),
pseudonyms and masking, administrative divisions (GB/T 2260)."""

from .classify import Classified, Kind, classify
from .divisions import Division, DivisionTable, divisions
from .errors import IdentifierError
from .orgcode import orgcode_check_character, orgcode_is_valid
from .resident import (
    PseudonymKey,
    ResidentId,
    generate_resident_id,
    is_pseudonym,
    mask_resident_id,
    parse_resident_id,
    pseudonymise,
    rekey,
    resident_check_character,
)
from .uscc import (
    Mode,
    Uscc,
    check_character,
    generate_uscc,
    is_valid_uscc,
    parse_uscc,
    uscc_exceptions,
)

__all__ = [
    "Classified",
    "Division",
    "DivisionTable",
    "IdentifierError",
    "Kind",
    "Mode",
    "PseudonymKey",
    "ResidentId",
    "Uscc",
    "check_character",
    "classify",
    "divisions",
    "generate_resident_id",
    "generate_uscc",
    "is_pseudonym",
    "is_valid_uscc",
    "mask_resident_id",
    "orgcode_check_character",
    "orgcode_is_valid",
    "parse_resident_id",
    "parse_uscc",
    "pseudonymise",
    "rekey",
    "resident_check_character",
    "uscc_exceptions",
]
