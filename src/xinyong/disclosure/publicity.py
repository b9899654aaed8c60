"""Publicity windows: whether a record is shown on the public portal on a date, and why.

Administrative penalty information follows the publicity regime in force on the day it was
disclosed (``published_on``, else ``decided_on``): shown or not (individuals' and simplified
penalties are not shown under the 2023 and later regimes), repairable from the end of the
minimum period, and no longer shown from the end of the maximum period (``stops_on`` is the
first day it is not shown). Other public items are shown until their retention ends. A
revoked or repaired record is not shown; neither is an item the catalogue does not make public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import RuleError
from ..ledger import Record, RecordStatus
from ..schemes import Pack
from ..schemes.publicity import PublicityRegime
from ..types import PublicAttribute, SubjectKind
from ..workdays import add_months

#: instrument types whose records are administrative penalty information (§7.1)
PENALTY_INSTRUMENTS = frozenset({"penalty_decision", "tax_penalty_decision"})


@dataclass(frozen=True)
class PublicityWindow:
    regime: str
    displayed: bool
    #: why the record is (not) displayed, in words
    reason: str
    public_from: date
    #: first day repair may be sought; ``None`` when not displayed
    repair_from: date | None
    #: first day the record is no longer shown; ``None``: no automatic stop
    stops_on: date | None


def regime_for(pack: Pack, source_agency: str, disclosed_on: date) -> PublicityRegime:
    """The regime governing information disclosed on ``disclosed_on`` by ``source_agency``."""

    def latest(regimes: list[PublicityRegime]) -> PublicityRegime | None:
        in_force = [
            r for r in regimes if r.effective_from is None or r.effective_from <= disclosed_on
        ]
        return max(in_force, key=lambda r: r.effective_from or date.min, default=None)

    own = latest([r for r in pack.publicity if source_agency in r.providers])
    regime = own or latest([r for r in pack.publicity if not r.providers])
    if regime is None:
        raise RuleError(
            f"pack {pack.id} has no publicity regime in force on {disclosed_on}",
            code="no-publicity-regime",
        )
    return regime


def publicity_window(
    pack: Pack, record: Record, subject_kind: SubjectKind
) -> PublicityWindow | None:
    """The window of a penalty record; ``None`` for records that are not penalty information."""
    if record.instrument.type not in PENALTY_INSTRUMENTS:
        return None
    disclosed = record.published_on or record.decided_on
    regime = regime_for(pack, record.source_agency, disclosed)
    rule = regime.severities.get(record.severity)
    hidden = None
    if rule is None or not rule.displayed:
        hidden = f"{record.severity} penalties are not displayed under {regime.name}"
    elif subject_kind.is_person and not regime.individuals_displayed:
        hidden = f"penalties on individuals are not displayed under {regime.name}"
    elif record.attributes.get("procedure") == "simplified" and not regime.simplified_displayed:
        hidden = f"simplified-procedure penalties are not displayed under {regime.name}"
    if hidden is not None or rule is None:
        return PublicityWindow(regime.id, False, hidden or "", disclosed, None, None)
    repair_from = (
        add_months(disclosed, rule.min_months) if rule.min_months is not None else disclosed
    )
    stops_on = add_months(disclosed, rule.max_months) if rule.max_months else None
    reason = f"{record.severity} penalty under {regime.name}"
    return PublicityWindow(regime.id, True, reason, disclosed, repair_from, stops_on)


def is_public(
    pack: Pack, record: Record, subject_kind: SubjectKind, status: RecordStatus, as_of: date
) -> tuple[bool, str]:
    """Whether ``record`` is shown on the public portal on ``as_of``, and why (not)."""
    item = pack.catalogue.get(record.item_code)
    if item.public is not PublicAttribute.PUBLIC:
        return False, f"{item.code} is {item.public}, not public"
    if status is not RecordStatus.ACTIVE:
        return False, f"the record is {status}"
    window = publicity_window(pack, record, subject_kind)
    disclosed = record.published_on or record.decided_on
    if window is None:
        ends = add_months(disclosed, 12 * item.retention_years)
        if disclosed <= as_of < ends:
            return True, f"public until {ends} (retention {item.retention_years} years)"
        return False, f"outside its retention ({disclosed} to {ends})"
    if not window.displayed:
        return False, window.reason
    if as_of < window.public_from:
        return False, f"not disclosed until {window.public_from}"
    if window.stops_on is not None and as_of >= window.stops_on:
        return False, f"publicity stopped on {window.stops_on} ({window.reason})"
    return True, window.reason + (f", until {window.stops_on}" if window.stops_on else "")


def visible_to_others(adverse: bool, served_on: date | None, today: date) -> bool:
    """A grade is visible to others at once, or, if adverse, from the day after its written
    notice was served (Shenzhen Art 39)."""
    return not adverse or (served_on is not None and served_on < today)
