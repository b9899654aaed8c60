"""Lawful decisions: may this subject be served for this action on this date, and why not.

A measure applies only if (1) the subject — or an organisation it stands for in a role the
measure's own basis reaches — is on a target list of a memorandum in force, with the entry
active on the date, and the measure is in force; or (2) a court's consumption-restriction
order in force covers the action (measures marked ``applies_to_orders``). Each applying
measure is a :class:`Ground` naming list or order, measure, memorandum, legal basis,
implementing agency, dates, the link it reached through, and the remedy.

Outcome: ``deny`` if any ground denies; else ``advise`` if any advises (market actors'
measures, management within an agency's own duties); else ``allow`` — with any incentives
(``rewards``) the subject's red-list entries earn. A name alone never decides anything: this
module works on subject keys only.

Pure: everything is passed in (the standing of a subject, the pack, the date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

from ..schemes import Pack
from ..schemes.measures import Measure

Outcome = Literal["allow", "deny", "advise"]


@dataclass(frozen=True)
class Listing:
    """A list entry in force on the decision's date (``evaluate.in_force`` chose it)."""

    list_id: str
    subject_id: str
    active_from: date | None
    expires_on: date | None
    source_agency: str
    source_record_id: str


@dataclass(frozen=True)
class Order:
    """A consumption-restriction order (限制消费令) in the ledger."""

    record_id: str
    subject_id: str
    case_number: str
    signed_by: str
    court: str
    issued_on: date
    #: restricted actions (empty: all the consumption actions)
    restricted: frozenset[str]
    valid_to: date | None
    lifted_on: date | None
    #: action → last day an exception permit allows it
    permits: dict[str, date] = field(default_factory=dict, compare=False)

    def in_force(self, day: date) -> bool:
        return (
            self.issued_on <= day
            and (self.lifted_on is None or day < self.lifted_on)
            and (self.valid_to is None or day <= self.valid_to)
        )

    def covers(self, action: str, day: date) -> bool:
        if self.restricted and action not in self.restricted:
            return False
        permit = self.permits.get(action)
        return permit is None or day > permit


@dataclass(frozen=True)
class Link:
    """The subject stands in ``role`` for ``organisation`` (e.g. its legal representative)."""

    organisation: str
    organisation_name: str
    role: str


@dataclass(frozen=True)
class Standing:
    """What decisions about a subject rest on: its own listings and orders, and those of
    the organisations it stands for."""

    subject_id: str
    listings: tuple[Listing, ...] = ()
    orders: tuple[Order, ...] = ()
    #: organisation id → (link, its listings, its orders)
    through: tuple[tuple[Link, tuple[Listing, ...], tuple[Order, ...]], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.listings or self.orders or self.through)


@dataclass(frozen=True)
class Ground:
    kind: Literal["list", "order"]
    effect: str
    measure_id: str
    measure_zh: str
    measure_en: str
    category: str
    implementing_agency: str
    legal_basis: tuple[str, ...]
    #: the list (or the order's case number) and its dates
    list_id: str | None
    memorandum: str | None
    order_case: str | None
    since: date | None
    until: date | None
    #: set when the measure reached the subject through an organisation it stands for
    via_role: str | None
    via_subject: str | None
    via_name: str | None
    remedy: str


@dataclass(frozen=True)
class Decision:
    subject_id: str
    action: str
    as_of: date
    outcome: Outcome
    grounds: tuple[Ground, ...] = ()
    rewards: tuple[Ground, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The decision as plain JSON data (computed once per decision; do not modify)."""
        return self._as_dict

    @cached_property
    def _as_dict(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "action": self.action,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "grounds": [_plain(asdict(g)) for g in self.grounds],
            "rewards": [_plain(asdict(g)) for g in self.rewards],
        }


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v
        for k, v in d.items()
    }


def allow(subject_id: str, action: str, as_of: date) -> Decision:
    return Decision(subject_id, action, as_of, "allow")


def _cite(pack: Pack, measure: Measure, extra: Iterable[Any]) -> tuple[str, ...]:
    refs = [*measure.legal_basis, *extra]
    return tuple(dict.fromkeys(pack.cite(r) for r in refs))


def _ground(
    pack: Pack, measure: Measure, link: Link | None, basis: list[Any], **source: Any
) -> Ground:
    """A ground for ``measure``; ``source`` names the list or order and its dates."""
    return Ground(
        effect=measure.effect,
        measure_id=measure.id,
        measure_zh=measure.content_zh,
        measure_en=measure.content_en,
        category=measure.category,
        legal_basis=_cite(pack, measure, [*basis, *([measure.reach_basis] if link else [])]),
        via_role=link.role if link else None,
        via_subject=link.organisation if link else None,
        via_name=link.organisation_name if link else None,
        **source,
    )


def _reaches(measure: Measure, action: str, link: Link | None) -> bool:
    """``measure`` covers ``action`` and — through a link — reaches that role."""
    return action in measure.actions and (link is None or link.role in measure.reaches)


ORDER_REMEDY = (
    "Apply to the court that issued the order: it is lifted on security or the applicant's "
    "consent and must be lifted on full performance; an exception may be permitted for living "
    "or business needs."
)


def _listing_grounds(
    pack: Pack, listings: Iterable[Listing], action: str, day: date, link: Link | None
) -> list[Ground]:
    found = []
    for listing in listings:
        for memo, row, measure in pack.measures_for(listing.list_id, day):
            if not _reaches(measure, action, link):
                continue
            found.append(
                _ground(
                    pack,
                    measure,
                    link,
                    list(row.legal_basis),
                    kind="list",
                    implementing_agency=row.implementing_agency,
                    list_id=listing.list_id,
                    memorandum=f"{memo.title_zh} ({memo.number})",
                    order_case=None,
                    since=listing.active_from,
                    until=listing.expires_on,
                    remedy=measure.remedy,
                )
            )
    return found


def _order_grounds(
    pack: Pack, orders: Iterable[Order], action: str, day: date, link: Link | None
) -> list[Ground]:
    found = []
    for order in orders:
        if not order.in_force(day) or not order.covers(action, day):
            continue
        for measure in pack.measures.values():
            if not measure.applies_to_orders or not measure.in_force(day):
                continue
            if not _reaches(measure, action, link):
                continue
            found.append(
                _ground(
                    pack,
                    measure,
                    link,
                    [],
                    kind="order",
                    implementing_agency=measure.implementing_agency,
                    list_id=None,
                    memorandum=None,
                    order_case=f"{order.case_number} ({order.court}, signed by {order.signed_by})",
                    since=order.issued_on,
                    until=order.valid_to,
                    remedy=ORDER_REMEDY,
                )
            )
    return found


def decide(pack: Pack, standing: Standing, action: str, day: date) -> Decision:
    """The decision for ``standing``'s subject and ``action`` on ``day``."""
    grounds = _listing_grounds(pack, standing.listings, action, day, None)
    grounds += _order_grounds(pack, standing.orders, action, day, None)
    for link, listings, orders in standing.through:
        grounds += _listing_grounds(pack, listings, action, day, link)
        grounds += _order_grounds(pack, orders, action, day, link)
    penalties = tuple(g for g in grounds if g.effect != "reward")
    rewards = tuple(g for g in grounds if g.effect == "reward")
    outcome: Outcome = (
        "deny" if any(g.effect == "deny" for g in penalties) else "advise" if penalties else "allow"
    )
    return Decision(standing.subject_id, action, day, outcome, penalties, rewards)


def actions_of(pack: Pack) -> frozenset[str]:
    """Every action some measure covers: what a screening call may ask about."""
    return frozenset(a for m in pack.measures.values() for a in m.actions)
