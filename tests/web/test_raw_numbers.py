"""Person-facing endpoints take a raw resident number and pseudonymise it at once: no error,
redirect, page, link or JSON echoes it (every response is scanned: ``ScanningClient``)."""

from __future__ import annotations

from urllib.parse import quote

from tests.factories import BEIJING_RESIDENT
from tests.web.conftest import LONELY, LONELY_RESIDENT, PERSON, Web

#: a valid number no source has delivered
UNREGISTERED = "110105199001010010"
#: BEIJING_RESIDENT with the wrong check character
WRONG_CHECK = BEIJING_RESIDENT[:17] + "1"


def test_the_api_takes_a_resident_number_for_a_subject(web: Web) -> None:
    page = web.get(f"/api/subjects/{BEIJING_RESIDENT}")
    assert page.status_code == 200 and page.json()["subject"]["subject_id"] == PERSON
    file = web.get(
        f"/api/subjects/{LONELY_RESIDENT}/file", "operator", params={"purpose": "supervision"}
    )
    assert file.status_code == 200 and file.json()["subject"]["subject_id"] == LONELY
    explained = web.get(
        f"/api/subjects/{BEIJING_RESIDENT}/explain", "operator", params={"purpose": "supervision"}
    )
    assert explained.status_code == 200


def test_a_not_found_names_the_pseudonym_not_the_number(web: Web) -> None:
    hidden = web.get(f"/api/subjects/{LONELY_RESIDENT}")  # nothing public about him
    assert hidden.status_code == 404
    assert hidden.json()["error"] == f"no public information about '{LONELY}'"
    unknown = web.get(
        f"/api/subjects/{UNREGISTERED}/file", "operator", params={"purpose": "supervision"}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown-subject"
    assert unknown.json()["error"].startswith("subject 'P")


def test_an_invalid_number_is_refused_without_repeating_it(web: Web) -> None:
    for path in (f"/api/subjects/{WRONG_CHECK}", f"/subjects/{WRONG_CHECK}"):
        refused = web.get(path, params={"format": "json"})
        assert refused.status_code == 422, path
        assert refused.json()["errors"][0]["field"] == "subject"
        assert "110105" not in refused.text


def test_portal_search_by_number_moves_to_the_pseudonym(web: Web) -> None:
    found = web.client.get("/search", params={"q": BEIJING_RESIDENT, "page": "1"})
    assert [r.status_code for r in found.history] == [303]
    assert found.history[0].headers["location"] == f"/search?q={PERSON}&page=1"
    assert found.status_code == 200 and "王秀英" in found.text
    assert f'value="{PERSON}"' in found.text  # the search box
    assert f"next=/search%3Fq%3D{PERSON}" in found.text  # the language link
    as_json = web.client.get("/search", params={"q": BEIJING_RESIDENT, "format": "json"}).json()
    assert as_json["q"] == PERSON and [s["subject_id"] for s in as_json["items"]] == [PERSON]


def test_portal_search_by_an_invalid_number_shows_it_masked(web: Web) -> None:
    found = web.client.get("/search", params={"q": WRONG_CHECK})
    assert found.history[0].headers["location"] == "/search?q=110105%2A%2A%2A%2A%2A%2A%2A%2A0021"
    assert found.status_code == 200 and 'value="110105********0021"' in found.text


def test_the_portal_page_of_a_number_is_the_page_of_its_pseudonym(web: Web) -> None:
    page = web.client.get(f"/subjects/{BEIJING_RESIDENT}")
    assert page.history[0].headers["location"] == f"/subjects/{PERSON}"
    assert page.status_code == 200 and "王秀英" in page.text


def test_the_language_switch_does_not_carry_a_number_back(web: Web) -> None:
    switched = web.client.get(
        "/lang/en", params={"next": f"/search?q={BEIJING_RESIDENT}"}, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/search?q=" + quote("110105********002X")


def test_an_error_that_would_echo_a_number_masks_it(web: Web) -> None:
    for path in (f"/lists/{BEIJING_RESIDENT}", f"/api/lists/{BEIJING_RESIDENT}"):
        missing = web.client.get(path, params={"format": "json"})
        assert missing.status_code == 404, path
        assert "'110105********002X'" in missing.json()["error"], path
