"""The API and the portal on a small world: what the public sees, exactly."""

from __future__ import annotations

from tests.factories import GUANGZHOU_USCC, XIAMEN_USCC
from tests.web.conftest import AS_OF, LONELY, PERSON, Web

COURT = "cn.court.dishonest_debtors"


def test_the_public_page_of_a_company_shows_public_records_lists_and_dispute_marks(
    web: Web,
) -> None:
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert page["as_of"] == str(AS_OF)
    items = {r["item_code"]: r for r in page["records"]}
    assert set(items) == {"market.penalty", "court.dishonest_debtor"}
    assert items["market.penalty"]["disputed"] is True and page["disputed"] == 1
    [membership] = page["lists"]
    assert membership["list_id"] == COURT
    assert membership["legal_basis"] and membership["exit_conditions"]
    assert membership["active_from"] == "2026-02-10" and membership["expires_on"]


def test_shared_items_are_never_public(web: Web) -> None:
    page = web.get(f"/api/subjects/{GUANGZHOU_USCC}").json()
    codes = sorted(r["item_code"] for r in page["records"])
    assert codes == [
        "admin.licence",
        "court.consumption_restriction",
        "market.serious_violation",
    ]  # not tax.credit_grade
    assert page["lists"] == []


def test_an_individuals_penalty_is_not_shown_and_the_id_is_masked(web: Web) -> None:
    page = web.get(f"/api/subjects/{PERSON}").json()
    assert [r["item_code"] for r in page["records"]] == ["court.dishonest_debtor"]
    assert page["subject"]["code"] == "110105********002X"
    html = web.get(f"/subjects/{PERSON}").text
    assert "110105********002X" in html and "王秀英" in html


def test_a_person_the_public_may_see_nothing_about_does_not_exist_for_the_public(
    web: Web,
) -> None:
    assert web.get(f"/api/subjects/{LONELY}").status_code == 404
    assert web.get("/api/subjects", params={"q": "李建国"}).json()["total"] == 0
    assert web.get("/api/subjects", params={"q": "王秀英"}).json()["total"] == 1


def test_search_tolerates_width_brackets_legal_form_and_place_names(web: Web) -> None:
    for query in (
        "广州市天河区云帆科技(集团)有限公司",  # half-width brackets, legal form shortened
        "广州市 天河区 云帆",  # spaces
        "云帆科技（集团）",  # without the place names
        "云帆",
        GUANGZHOU_USCC.lower(),
    ):
        found = web.get("/api/subjects", params={"q": query}).json()
        assert [s["subject_id"] for s in found["items"]] == [GUANGZHOU_USCC], query


def test_search_by_resident_number_finds_a_listed_person_without_echoing_the_number(
    web: Web,
) -> None:
    found = web.get("/api/subjects", params={"q": "11010519491231002x"}).json()
    assert [s["subject_id"] for s in found["items"]] == [PERSON]


def test_list_pages_give_basis_rules_and_current_entries(web: Web) -> None:
    rules = web.get(f"/api/lists/{COURT}").json()
    assert rules["legal_basis"] and rules["exit_conditions"] and rules["remedies"]
    entries = web.get(f"/api/lists/{COURT}/entries").json()
    assert entries["total"] == 2
    assert {e["subject"]["subject_id"] for e in entries["items"]} == {XIAMEN_USCC, PERSON}
    html = web.get(f"/lists/{COURT}").text
    assert "失信被执行人名单" in html and "厦门鹭江海鲜贸易有限公司" in html


def test_a_list_that_is_not_public_is_hidden_from_the_public(web: Web) -> None:
    hidden = "cn.gov.civil_servant_violations"
    assert hidden not in {x["id"] for x in web.get("/api/lists").json()["items"]}
    assert web.get(f"/api/lists/{hidden}/entries").status_code == 404
    assert web.get(f"/lists/{hidden}").status_code == 404
    assert hidden in {x["id"] for x in web.get("/api/lists", "operator").json()["items"]}


def test_an_entry_past_its_term_is_not_shown_as_active(world_template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tests.web.conftest import make_web

    later = make_web(world_template, tmp_path, as_of=date(2031, 1, 1))
    with later.client:
        entries = later.get(f"/api/lists/{COURT}/entries").json()
        page = later.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert entries["total"] == 0 and page["lists"] == []


def test_double_publicity_lists_decisions_with_facets(web: Web) -> None:
    found = web.get("/api/publicity").json()
    assert {r["item_code"] for r in found["items"]} == {"market.penalty", "admin.licence"}
    assert dict(found["facets"]["sector"]) == {"market_regulation": 1, "licensing": 1}
    licensing = web.get("/api/publicity", params={"kind": "licensing"}).json()
    assert [r["item_code"] for r in licensing["items"]] == ["admin.licence"]
    html = web.get("/publicity", params={"kind": "penalty"}).text
    assert "厦市监罚〔2026〕1号" in html and "穗市监许" not in html
    assert "市场监督管理部门" in html  # agencies by name, not by code


def test_statistics_count_what_the_ledger_holds(web: Web) -> None:
    stats = web.get("/api/statistics").json()
    # the licence and the two persons' penalties were decided in 2025, the rest in 2026
    assert stats["records_by_sector"]["years"] == [2025, 2026]
    total = sum(sum(v) for v in stats["records_by_sector"]["series"].values())
    assert total == 8
    assert stats["list_sizes"]["series"]["失信被执行人名单"] == [2]


def test_every_portal_page_is_also_json_and_both_languages_render(web: Web) -> None:
    for path in (
        "/",
        "/lists",
        "/publicity",
        "/statistics",
        "/catalogue",
        "/schemes",
        f"/subjects/{XIAMEN_USCC}",
        f"/lists/{COURT}",
        "/catalogue/market.penalty",
    ):
        assert (
            web.get(path, params={"format": "json"})
            .headers["content-type"]
            .startswith("application/json")
        ), path
        web.client.cookies.set("lang", "zh")
        zh = web.client.get(path)
        web.client.cookies.set("lang", "en")
        en = web.client.get(path)
        assert zh.status_code == en.status_code == 200, path
        assert 'lang="zh-CN"' in zh.text and 'lang="en"' in en.text
    assert "Red and black lists" in web.client.get("/lists").text
    web.client.cookies.set("lang", "zh")
    assert "红黑名单" in web.client.get("/lists").text


def test_the_language_switch_remembers_and_returns_to_the_page(web: Web) -> None:
    response = web.client.get("/lang/en", params={"next": "/lists"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/lists"
    assert "lang=en" in response.headers["set-cookie"]
    away = web.client.get("/lang/en", params={"next": "//evil.example"}, follow_redirects=False)
    assert away.headers["location"] == "/"


def test_errors_have_one_shape(web: Web) -> None:
    for response in (
        web.get("/api/subjects/NOSUCHSUBJECT"),
        web.get("/api/subjects", params={"q": ""}),
        web.get("/api/nowhere"),
        web.get(f"/api/subjects/{XIAMEN_USCC}/file"),
    ):
        body = response.json()
        assert set(body) == {"ok", "error", "errors", "status", "code"}
        assert body["ok"] is False and body["status"] == response.status_code


def test_openapi_and_docs_are_served_without_a_cdn(web: Web) -> None:
    spec = web.get("/api/openapi.json").json()
    assert "/api/subjects/{subject_id}" in spec["paths"]
    docs = web.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs
    assert web.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_double_publicity_filters_by_decision_date(web: Web) -> None:
    march = web.get(
        "/api/publicity", params={"decided_from": "2026-03-01", "decided_to": "2026-03-31"}
    ).json()
    assert [r["instrument_number"] for r in march["items"]] == ["厦市监罚〔2026〕1号"]
    bad = web.get("/publicity", params={"decided_from": "2026-02-30"})
    assert bad.status_code == 422 and "decided_from" in bad.text


def test_regions_are_named(web: Web) -> None:
    page = web.get(f"/api/subjects/{XIAMEN_USCC}").json()
    assert page["subject"]["region_name"] == "福建省 厦门市"
    regions = {r[0]: r[1] for r in web.get("/api/statistics").json()["regions"]}
    assert regions == {"11": "北京市", "35": "福建省"}


def test_a_chosen_facet_narrows_the_total_but_still_offers_the_other_choices(web: Web) -> None:
    chosen = web.get("/api/publicity", params={"sector": "licensing"}).json()
    assert chosen["total"] == 1 and [r["item_code"] for r in chosen["items"]] == ["admin.licence"]
    assert dict(chosen["facets"]["sector"]) == {"market_regulation": 1, "licensing": 1}
    assert dict(chosen["facets"]["agency"]) == {"samr": 1}
