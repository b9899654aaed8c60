"""Publicity windows follow the regime in force when the information was disclosed."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_penalty
from xinyong.disclosure import is_public, publicity_window, regime_for
from xinyong.ledger import EffectiveInstrument, RecordStatus
from xinyong.schemes import Pack
from xinyong.types import SubjectKind

COMPANY, PERSON = SubjectKind.LEGAL_PERSON, SubjectKind.NATURAL_PERSON


def penalty(published: date, severity: str = "general", agency: str = "samr", **attributes: str):  # type: ignore[no-untyped-def]
    base = make_penalty(
        "X",
        severity=severity,
        source_agency=agency,
        published_on=published,
        decided_on=published,
        occurred_on=None,
    )
    return make_penalty(
        "X",
        severity=severity,
        source_agency=agency,
        published_on=published,
        decided_on=published,
        occurred_on=None,
        attributes={**base.attributes, **attributes},
    )


@pytest.mark.parametrize(
    ("agency", "disclosed", "regime"),
    [
        ("samr", date(2022, 6, 1), "ndrc_2019_527"),
        ("samr", date(2023, 5, 1), "ndrc_order_58_2023"),
        ("samr", date(2025, 12, 25), "samr_order_107_2025"),
        ("samr", date(2026, 6, 1), "samr_order_107_2025"),
        ("ecology_environment", date(2026, 3, 31), "ndrc_order_58_2023"),
        ("ecology_environment", date(2026, 4, 1), "ndrc_repair_measures_2025"),
    ],
)
def test_the_regime_is_the_one_in_force_on_disclosure(
    cn_pack: Pack, agency: str, disclosed: date, regime: str
) -> None:
    assert regime_for(cn_pack, agency, disclosed).id == regime


class TestWindows:
    def test_a_general_penalty_under_order_58(self, cn_pack: Pack) -> None:
        window = publicity_window(cn_pack, penalty(date(2024, 1, 31)), COMPANY)
        assert window is not None
        assert (window.displayed, window.repair_from, window.stops_on) == (
            True,
            date(2024, 4, 30),
            date(2025, 1, 31),
        )

    def test_a_serious_penalty_under_order_58(self, cn_pack: Pack) -> None:
        window = publicity_window(cn_pack, penalty(date(2024, 1, 31), "serious"), COMPANY)
        assert window is not None and (window.repair_from, window.stops_on) == (
            date(2025, 1, 31),
            date(2027, 1, 31),
        )

    def test_individuals_penalties_are_not_shown_since_2023(self, cn_pack: Pack) -> None:
        before = publicity_window(cn_pack, penalty(date(2022, 6, 1)), PERSON)
        after = publicity_window(cn_pack, penalty(date(2023, 6, 1)), PERSON)
        assert before is not None and before.displayed
        assert after is not None and not after.displayed
        assert "individuals" in after.reason

    def test_simplified_procedure_penalties_are_not_shown(self, cn_pack: Pack) -> None:
        window = publicity_window(
            cn_pack, penalty(date(2024, 1, 31), procedure="simplified"), COMPANY
        )
        assert window is not None and not window.displayed and "simplified" in window.reason

    def test_a_licence_has_no_penalty_window(self, cn_pack: Pack) -> None:
        licence = make_penalty(
            "X",
            item_code="admin.licence",
            instrument=EffectiveInstrument(
                "licence_decision", "L-1", "厦门市市场监督管理局", date(2024, 1, 1)
            ),
        )
        assert publicity_window(cn_pack, licence, COMPANY) is None


class TestIsPublic:
    def test_shown_until_the_first_day_of_the_stop(self, cn_pack: Pack) -> None:
        record = penalty(date(2024, 1, 31))
        assert is_public(cn_pack, record, COMPANY, RecordStatus.ACTIVE, date(2025, 1, 30))[0]
        shown, why = is_public(cn_pack, record, COMPANY, RecordStatus.ACTIVE, date(2025, 1, 31))
        assert not shown and why.startswith("publicity stopped on 2025-01-31")

    def test_a_repaired_record_is_not_shown(self, cn_pack: Pack) -> None:
        shown, why = is_public(
            cn_pack, penalty(date(2024, 1, 31)), COMPANY, RecordStatus.REPAIRED, date(2024, 6, 1)
        )
        assert (shown, why) == (False, "the record is repaired")

    def test_an_item_that_is_not_public_is_never_shown(self, cn_pack: Pack) -> None:
        grade = make_penalty("X", item_code="tax.credit_grade")
        assert is_public(cn_pack, grade, COMPANY, RecordStatus.ACTIVE, date(2024, 6, 1)) == (
            False,
            "tax.credit_grade is shared, not public",
        )
