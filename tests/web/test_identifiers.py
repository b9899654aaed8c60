"""A wrong identifier is refused on every path that takes one, never answered "allow"; the
same classifier (``ids.classify``) under the same mode and exception list as ingest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import XIAMEN_USCC
from tests.web.conftest import LONELY, LONELY_RESIDENT, Web, make_web
from xinyong.errors import InvalidData
from xinyong.ids import Mode
from xinyong.sanctions import ScreeningIndex

WRONG_CHECK = "91350200776049653B"  # XIAMEN_USCC with the check character changed
FAULTS = [
    (WRONG_CHECK, "check character is 'B', expected 'A' (position 18)"),
    (XIAMEN_USCC[:17], "17 characters: expected an 18-character USCC"),
    (
        XIAMEN_USCC[:4] + "\u200b" + XIAMEN_USCC[4:],
        "position 5 is U+200B ZERO WIDTH SPACE: a code holds no invisible",
    ),
    ("' OR '1'='1", "11 characters: expected an 18-character USCC"),
    (XIAMEN_USCC + "\x00", "position 19 is U+0000 (a control character)"),
    ("110105198001010099", "check character is '9', expected '1' (position 18)"),
]


def screen(web: Web, subject: str, action: str = "aviation.ticket") -> Any:
    body = json.dumps({"subject": subject, "action": action}).encode("ascii")
    headers = {**web.as_role("airline"), "content-type": "application/json"}
    return web.client.post("/api/screen", content=body, headers=headers)


@pytest.mark.parametrize(("code", "fault"), FAULTS)
def test_a_single_check_of_a_wrong_code_is_a_422_naming_the_fault(
    web: Web, code: str, fault: str
) -> None:
    response = screen(web, code)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid-subject"
    (error,) = body["errors"]
    assert error["field"] == "subject" and error["message"].startswith(fault)


def test_full_width_digits_and_spaces_are_the_same_code(web: Web) -> None:
    wide = " " + "".join(chr(ord(c) + 0xFEE0) for c in XIAMEN_USCC) + "\u3000"
    response = screen(web, wide)
    assert response.status_code == 200 and response.json()["outcome"] == "deny"
    assert response.json()["subject_id"] == XIAMEN_USCC


def test_a_bulk_check_answers_invalid_with_the_reason_in_its_place(web: Web) -> None:
    codes = [XIAMEN_USCC, WRONG_CHECK, LONELY, FAULTS[2][0], LONELY_RESIDENT, "A\x00"]
    response = web.client.post(
        "/api/screen/bulk",
        content=json.dumps({"action": "aviation.ticket", "subjects": codes}).encode("ascii"),
        headers={**web.as_role("airline"), "content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcomes"] == ["deny", "invalid", "deny", "invalid", "deny", "invalid"]
    assert body["counts"] == {"deny": 3, "invalid": 3}
    assert body["details"]["5"]["error"]["message"].startswith(
        "position 2 is U+0000 (a control character)"
    )
    wrong, invisible = body["details"]["1"]["error"], body["details"]["3"]["error"]
    assert wrong["field"] == "subjects.1"
    assert wrong["message"].startswith("check character is 'B', expected 'A' (position 18)")
    assert invisible["field"] == "subjects.3"
    assert invisible["message"].startswith("position 5 is U+200B ZERO WIDTH SPACE")


def test_a_report_for_a_wrong_code_is_refused_not_issued(web: Web) -> None:
    response = web.client.post(
        "/api/reports", json={"subject": WRONG_CHECK}, headers=web.as_role("bank")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["message"].startswith("check character is 'B'")


def test_lenient_mode_applies_to_screening_as_to_ingest(
    world_template: Path, tmp_path: Path
) -> None:
    lenient = make_web(world_template, tmp_path, uscc_mode="lenient")
    with lenient.client:
        response = screen(lenient, WRONG_CHECK)
        assert response.status_code == 200, response.text
        assert response.json()["subject_id"] == WRONG_CHECK
        # invisible characters are refused in every mode
        assert screen(lenient, FAULTS[2][0]).status_code == 422
    lenient.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]


def test_the_in_process_index_refuses_what_is_not_a_subject_key(web: Web) -> None:
    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    index: ScreeningIndex = platform.screening()
    assert index.mode is Mode.STRICT
    assert index.check(XIAMEN_USCC, "aviation.ticket").outcome == "deny"
    with pytest.raises(InvalidData) as wrong:
        index.check(WRONG_CHECK, "aviation.ticket")
    assert wrong.value.errors[0].message.startswith("check character is 'B', expected 'A'")
    with pytest.raises(InvalidData) as raw:
        index.outcomes([XIAMEN_USCC, LONELY_RESIDENT], "aviation.ticket")
    assert raw.value.errors[0].message.startswith("is a resident identity number, not a subject")
    with pytest.raises(InvalidData):
        index.outcome(XIAMEN_USCC.lower(), "aviation.ticket")
