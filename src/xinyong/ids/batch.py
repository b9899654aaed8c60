"""Classifying many codes at once: the columnar fast path of bulk screening.

``plain_codes`` checks a batch of codes with array arithmetic instead of one ``classify``
call each. It only ever *accepts*: a code it is sure ``classify`` takes as a valid USCC or
resident identity number is marked valid, normalised, with its kind; every other code (spaces,
full-width or non-ASCII characters, a wrong check character that a mode or the exception
list may still accept, a region that is not in the table, a pseudonym, anything invalid)
is left to the caller to classify one by one. So a batch is never judged
differently from the same codes sent singly: the fast path decides nothing ``classify``
would decide otherwise, and a test holds the two equal on generated codes.

What is checked, as ``classify`` checks it:

- resident identity number (GB 11643-1999): 17 digits and a digit or ``X``, a region in the
  GB/T 2260 table (or its province, with a warning), a real birth date neither after today
  nor implying an age over ``resident.MAX_AGE_YEARS``, the ISO 7064 MOD 11-2 check;
- USCC (GB 32100-2015): the 31-character alphabet, a digit division code in the table (or
  its province), the GB 11714 organisation-code check at 17 and the check at 18 (a code
  failing either goes to ``classify``, which applies the mode and the exception list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
from numpy.typing import NDArray

from . import resident, uscc
from .divisions import divisions

WIDTH = 18
_RESIDENT_WEIGHTS = np.array(resident.WEIGHTS, dtype=np.int64)
_USCC_WEIGHTS = np.array(uscc.WEIGHTS, dtype=np.int64)
_ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _table(pairs: dict[str, int]) -> NDArray[np.int64]:
    """A byte → value look-up, -1 for a byte outside ``pairs``."""
    table = np.full(256, -1, dtype=np.int64)
    for char, value in pairs.items():
        table[ord(char)] = value
    return table


_USCC_VALUE = _table({c: i for i, c in enumerate(uscc.ALPHABET)})
_ORG_VALUE = _table({c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
_RESIDENT_CHECK = np.frombuffer(resident.CHECK_CHARACTERS.encode(), dtype=np.uint8)
_USCC_CHECK = np.frombuffer(uscc.ALPHABET.encode(), dtype=np.uint8)


@cache
def _known_regions() -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The six-digit codes of the GB/T 2260 table (sorted) and which two-digit prefixes are
    provinces (a code outside the table is valid, with a warning, if its province is)."""
    table = divisions()
    codes = np.array(sorted(int(c) for c in table.codes() if c.isdigit()), dtype=np.int64)
    provinces = np.zeros(100, dtype=np.bool_)
    provinces[[int(p) for p in table.provinces]] = True
    return codes, provinces


def _number(digits: NDArray[np.int64]) -> NDArray[np.int64]:
    """The decimal number each row of digit values spells."""
    powers = 10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64)
    return np.asarray(digits @ powers, dtype=np.int64)


def _region_known(region: NDArray[np.int64]) -> NDArray[np.bool_]:
    codes, provinces = _known_regions()
    at = np.searchsorted(codes, region).clip(0, len(codes) - 1)
    return np.asarray((codes[at] == region) | provinces[region // 10_000], dtype=np.bool_)


def _digits(b: NDArray[np.uint8]) -> NDArray[np.bool_]:
    return (b >= ord("0")) & (b <= ord("9"))


def _looks_resident(b: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """17 digits and a digit or ``X`` (``classify`` tries these as resident numbers first)."""
    digit = _digits(b)
    return np.asarray(digit[:, :17].all(axis=1) & (digit[:, 17] | (b[:, 17] == ord("X"))))


def _residents(b: NDArray[np.uint8], today: date) -> NDArray[np.bool_]:
    """Which rows of ``b`` (upper-cased bytes) are valid resident identity numbers."""
    d = np.where(_digits(b), b.astype(np.int64) - ord("0"), 0)
    shape = _looks_resident(b)
    year, month, day = _number(d[:, 6:10]), _number(d[:, 10:12]), _number(d[:, 12:14])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _DAYS[month.clip(0, 12)] - ((month == 2) & ~leap)
    real = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    oldest = today - timedelta(days=int(resident.MAX_AGE_YEARS * 365.25))
    ymd = year * 10_000 + month * 100 + day
    plausible = (ymd <= _ymd(today)) & (ymd >= _ymd(oldest))
    check = _RESIDENT_CHECK[(d[:, :17] @ _RESIDENT_WEIGHTS) % 11] == b[:, 17]
    return np.asarray(shape & real & plausible & check & _region_known(_number(d[:, :6])))


def _ymd(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _usccs(b: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Which rows of ``b`` are valid USCCs whatever the mode: both checks pass (a division
    outside the table but in a known province, or an authority the table lacks, is valid
    with a warning, which a subject key does not keep)."""
    value = _USCC_VALUE[b]
    digit = _digits(b)
    shape = (value >= 0).all(axis=1) & digit[:, 2:8].all(axis=1)
    org = 11 - (_ORG_VALUE[b[:, 8:16]] @ _ORG_WEIGHTS) % 11
    org_char = np.where(org == 10, ord("X"), np.where(org == 11, ord("0"), ord("0") + org))
    total = np.where(value[:, :17] >= 0, value[:, :17], 0) @ _USCC_WEIGHTS
    check = _USCC_CHECK[(31 - total % 31) % 31] == b[:, 17]
    division = _number(np.where(digit[:, 2:8], b[:, 2:8].astype(np.int64) - ord("0"), 0))
    return np.asarray(shape & (org_char == b[:, 16]) & check & _region_known(division))


@dataclass(frozen=True)
class Plain:
    """The codes of a batch the fast path took: ``codes[n]`` (normalised) is at position
    ``at[n]`` of the batch; ``valid[n]`` says it passed, ``person[n]`` that it is a resident
    identity number (else a USCC). A code not taken, or not valid, goes to ``classify``."""

    at: Sequence[int]
    codes: list[str]
    valid: list[bool]
    person: list[bool]


def plain_codes(codes: Sequence[str], *, today: date) -> Plain:
    """The codes of ``codes`` that are certainly valid resident identity numbers or USCCs as
    ``classify`` would find them (``today`` as there), checked together."""
    joined = "".join(codes)
    same_width = all(len(c) == WIDTH for c in codes)  # not only their sum: 17 + 19 is 36
    if same_width and joined.isascii() and joined.isalnum():
        at: Sequence[int] = range(len(codes))  # the usual batch: every code plain
        chosen = joined.upper()
    else:
        at = [i for i, c in enumerate(codes) if len(c) == WIDTH and c.isascii() and c.isalnum()]
        chosen = "".join(codes[i] for i in at).upper()
    if not at:
        return Plain(at, [], [], [])
    b = np.frombuffer(chosen.encode("ascii"), dtype=np.uint8).reshape(-1, WIDTH)
    # a valid resident number is one, even if it is also a valid all-digit USCC; a code of
    # 17 digits and a digit or X that is no resident number may still be a USCC (``classify``)
    person = _residents(b, today)
    valid = person | _usccs(b)
    split = [chosen[n : n + WIDTH] for n in range(0, len(chosen), WIDTH)]
    return Plain(at, split, valid.tolist(), person.tolist())
