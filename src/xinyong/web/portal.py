"""The public portal: server-rendered pages in Chinese and English, each also as JSON
(``?format=json``), built from the same views as the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..access import ANONYMOUS, Permission, Principal
from ..disclosure.double_publicity import PublicityFilter
from ..disclosure.entries import current_entries, list_type_view, public_lists
from ..disclosure.shown import Page
from ..disclosure.subject_page import public_subject
from ..errors import FieldError, InvalidData, NotFound
from ..ids.hiding import mask_numbers, pseudonymise_numbers
from ..services import consents, repairs, reports
from ..services import objections as objection_commands
from ..types import PublicAttribute
from .credentials import authenticate
from .i18n import LOCALES, negotiate
from .platform import Platform, PlatformDep, plain
from .principals import check_csrf, client_address, require
from .sessions import end_session, open_session

router = APIRouter(include_in_schema=False)
Visitor = Annotated[Principal, Depends(require(Permission.READ_PUBLIC))]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


def locale_of(request: Request) -> str:
    return negotiate(request.cookies.get("lang"), request.headers.get("accept-language"))


def render(
    request: Request, template: str, data: dict[str, Any], who: Principal, status: int = 200
) -> Response:
    """``data`` as JSON when asked (``?format=json``), else as the page."""
    data = plain(data)
    if request.query_params.get("format") == "json":
        return JSONResponse(data, status_code=status)
    platform: Platform = request.app.state.platform
    locale = locale_of(request)
    env = request.app.state.templates[locale]
    csrf = request.scope.get("csrftoken")
    html = env.get_template(template).render(
        data=data,
        who=who,
        path=request.url.path,
        query=str(request.url.query),
        csrftoken=csrf() if csrf else "",
        pack=platform.pack,
        today=platform.today(),
    )
    return HTMLResponse(html, status_code=status)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(request: Request, p: PlatformDep, who: Visitor) -> Response:
    today = p.today()
    lists = public_lists(p.pack, today)
    return render(
        request,
        "home.html",
        {
            "as_of": today,
            "lists": [{"id": lt.id, "name_zh": lt.name_zh, "name_en": lt.name_en} for lt in lists],
        },
        who,
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    p: PlatformDep,
    who: Visitor,
    q: Annotated[str, Query(max_length=100)] = "",
    page: PageNo = 1,
) -> Response:
    hidden = pseudonymise_numbers(q, key=p.key, today=p.today())
    if hidden != q:  # a resident number: the page, its links and its JSON show the pseudonym
        return RedirectResponse(
            "/search?" + urlencode({**request.query_params, "q": hidden}), status_code=303
        )
    found = p.search(q, page=page) if q.strip() else Page([], 1, 20, 0)
    return render(request, "search.html", {"q": q, **found.to_dict()}, who)


@router.get("/subjects/{subject_id}", response_class=HTMLResponse)
def subject(request: Request, p: PlatformDep, who: Visitor, subject_id: str) -> Response:
    """A subject's public page (in a worker thread: its queries never hold the event loop)."""
    if len(subject_id) > 40 or not subject_id.isalnum():
        raise NotFound("no such subject", code="unknown-subject")
    key = p.subject_key(subject_id)
    if key != subject_id.upper() and key != subject_id:
        # a resident number: the address shows its pseudonym instead
        return RedirectResponse(f"/subjects/{key}", status_code=303)
    with p.engine.connect() as conn:
        data = public_subject(conn, p.pack, subject_id, p.today(), p.evaluation(conn))
    return render(request, "subject.html", data, who)


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, p: PlatformDep, who: Visitor) -> Response:
    today = p.today()
    shown = [list_type_view(p.pack, lt) for lt in public_lists(p.pack, today)]
    return render(request, "lists.html", {"as_of": today, "items": shown}, who)


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_page(
    request: Request, p: PlatformDep, who: Visitor, list_id: str, page: PageNo = 1
) -> Response:
    list_type = p.pack.lists.get(list_id)
    if list_type is None or list_type.public is not PublicAttribute.PUBLIC:
        raise NotFound(f"no public list {list_id[:80]!r}", code="unknown-list")
    with p.engine.connect() as conn:
        entries = current_entries(conn, p.pack, list_id, p.today(), page=page)
    data = {"list": list_type_view(p.pack, list_type), "entries": entries.to_dict()}
    return render(request, "list.html", data, who)


@router.get("/publicity", response_class=HTMLResponse)
def publicity(
    request: Request,
    p: PlatformDep,
    who: Visitor,
    kind: Annotated[str | None, Query(pattern="^(licensing|penalty)?$")] = None,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    sector: Annotated[str | None, Query(max_length=64)] = None,
    region: Annotated[str | None, Query(pattern=r"^(\d{2,6})?$")] = None,
    decided_from: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    decided_to: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    page: PageNo = 1,
) -> Response:
    where = PublicityFilter(
        kind or None,
        agency or None,
        sector or None,
        region or None,
        _day(decided_from),
        _day(decided_to),
    )
    return render(request, "publicity.html", p.publicity(where, page=page), who)


def _day(text: str | None) -> date | None:
    """A date from a form field (empty: none). Raises ``InvalidData`` naming the field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidData(
            f"{text!r} is not a date",
            code="invalid-date",
            errors=[FieldError("decided_from", "is not a calendar date", "give YYYY-MM-DD")],
        ) from None


@router.get("/statistics", response_class=HTMLResponse)
def statistics(request: Request, p: PlatformDep, who: Visitor) -> Response:
    return render(request, "statistics.html", p.statistics(), who)


@router.get("/catalogue", response_class=HTMLResponse)
def catalogue(request: Request, p: PlatformDep, who: Visitor) -> Response:
    items = [
        {
            **i.model_dump(mode="json", exclude_none=True),
            "basis": [p.pack.cite(r) for r in i.legal_basis],
        }
        for i in p.pack.catalogue
    ]
    return render(request, "catalogue.html", {"items": items}, who)


@router.get("/catalogue/{code}", response_class=HTMLResponse)
def catalogue_item(request: Request, p: PlatformDep, who: Visitor, code: str) -> Response:
    item = p.pack.catalogue.get(code[:80])
    data = {
        **item.model_dump(mode="json", exclude_none=True),
        "basis": [p.pack.cite(r) for r in item.legal_basis],
    }
    return render(request, "item.html", data, who)


@router.get("/schemes", response_class=HTMLResponse)
def schemes(request: Request, p: PlatformDep, who: Visitor) -> Response:
    pack = p.pack
    data = {
        "id": pack.id,
        "version": pack.meta.version,
        "name_zh": pack.meta.name_zh,
        "name_en": pack.meta.name_en,
        "parents": list(pack.parents),
        "laws": [
            {"code": code, "title_zh": law.title_zh, "title_en": law.title_en}
            for code, law in sorted(pack.laws.items())
        ],
        "grades": [
            {
                "id": s.id,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "public": str(s.public),
                "pilot": s.pilot,
                "enabled": s.enabled,
                "basis": [pack.cite(r) for r in s.legal_basis],
                "bands": [b.model_dump(mode="json") for b in s.bands],
            }
            for s in pack.grades.values()
        ],
        "procedures": {
            name: [
                {"since": since, "value": v.value, "reference": pack.cite(v.reference)}
                for since, v in parameter.values.items()
            ]
            for name, parameter in pack.procedures.items()
        },
    }
    return render(request, "schemes.html", data, who)


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_coverage(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.READ_DISPATCH_METRICS))],
) -> Response:
    """For operators: how far the responding agencies acknowledge and answer notices."""
    from ..sanctions.dispatch import acknowledgement_days, metrics

    days = acknowledgement_days(p.pack, p.today())
    with p.engine.connect() as conn:
        data = metrics(conn, today=p.today(), ack_working_days=days)
    return render(request, "dispatch.html", {**data, "deadline_working_days": days}, who)


@router.get("/me", response_class=HTMLResponse)
def own_file(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.FILE_OBJECTION))],
) -> Response:
    """A subject's own file: every record (public or not) with its history, list entries,
    who read the file, objections and repair applications — with the forms to file them."""
    from ..ledger import audit
    from ..rights import consent, objections, repair
    from ..rights.grade_notices import whole_file

    subject_id = who.subject_id or ""
    with p.engine.connect() as conn:
        data = whole_file(conn, p.pack, subject_id, p.today(), own=True)
        data["access_log"] = audit.entries(conn, subject_id=subject_id, limit=200)
        data["objections"] = objections.listing(conn, today=p.today(), subject_id=subject_id)
        data["repairs"] = repair.listing(conn, today=p.today(), subject_id=subject_id)
        data["consents"] = [
            {**c.__dict__, "in_force": c.valid_on(p.today())}
            for c in consent.of_subject(conn, subject_id)
        ]
    p.audit(who, "read_file", subject_id=subject_id, purpose="subject_access", via="portal")
    return render(request, "me.html", data, who)


@router.post("/me/consents")
def grant_consent_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.MANAGE_CONSENT))],
    agency: Annotated[str, Form(min_length=1, max_length=64)],
    expires_on: Annotated[str, Form(pattern=r"^\d{4}-\d{2}-\d{2}$")],
) -> Response:
    """The consent form (CSRF-protected): a credit-service agency, until a date."""
    # the field's pattern makes the date present; a past or impossible one is refused
    consents.grant_consent(p, who, agency, _day(expires_on) or date.min, "credit_report")
    return RedirectResponse("/me#consents", status_code=303)


@router.post("/me/consents/{consent_id}/revoke")
def revoke_consent_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.MANAGE_CONSENT))],
    consent_id: str,
) -> Response:
    """Revoke a consent from the portal (CSRF-protected)."""
    consents.revoke_consent(p, who, consent_id[:32])
    return RedirectResponse("/me#consents", status_code=303)


@router.post("/me/objections")
def file_objection_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.FILE_OBJECTION))],
    target: Annotated[str, Form(max_length=300)],
    grounds: Annotated[str, Form(max_length=5000)],
    target_kind: Annotated[Literal["", "record", "list_entry", "grade", "report"], Form()] = "",
) -> Response:
    """The portal's objection form (CSRF-protected): a record, a list entry, a grade or a
    record in a credit report; without a kind, a key with two colons is a list entry."""
    kind = target_kind or ("list_entry" if target.count(":") >= 2 else "record")
    objection_commands.file_objection(p, who, kind, target, grounds)
    return RedirectResponse("/me#objections", status_code=303)


@router.post("/me/{case}/{case_id}/evidence")
def attach_evidence_form(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.UPLOAD_EVIDENCE))],
    case: Literal["objections", "repairs"],
    case_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
    file: Annotated[UploadFile, File()],
    csrftoken: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The evidence form on an open objection or repair application (CSRF-checked here)."""
    from .rights_api import attach_upload

    check_csrf(request, csrftoken)
    attach_upload(p, who, case.removesuffix("s"), case_id, file)
    return RedirectResponse(f"/me#{case}", status_code=303)


@router.post("/me/reports")
def own_report_form(
    p: PlatformDep, who: Annotated[Principal, Depends(require(Permission.REQUEST_REPORT))]
) -> Response:
    """Issue the subject's own credit report (free, within the yearly number) and show it."""
    issued = reports.issue_report(p, who, None)
    return RedirectResponse(f"/reports/{issued['report_id']}", status_code=303)


@router.post("/me/repairs")
def apply_for_repair_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.APPLY_REPAIR))],
    record_id: Annotated[str, Form(max_length=32)],
    corrective_action: Annotated[str, Form(max_length=5000)],
    evidence: Annotated[str, Form(max_length=5000)],
    commitment: Annotated[str, Form(max_length=5000)],
) -> Response:
    """The portal's repair form (CSRF-protected); evidence one item per line."""
    repairs.apply_for_repair(
        p, who, record_id, corrective_action, evidence.splitlines(), commitment
    )
    return RedirectResponse("/me#repairs", status_code=303)


@router.post("/cases/repairs/{repair_id}")
def decide_repair_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.DECIDE_REPAIR))],
    repair_id: str,
    outcome: Annotated[str, Form(max_length=20)],
    reasons: Annotated[str, Form(max_length=5000)],
) -> Response:
    """The repair decision form (CSRF-protected)."""
    repairs.decide_repair(p, who, repair_id[:32], outcome, reasons)
    return RedirectResponse("/cases", status_code=303)


@router.get("/cases", response_class=HTMLResponse)
def routed_cases(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.DECIDE_OBJECTION))],
) -> Response:
    """For a source agency's staff: the objections and repair applications routed to it."""
    from ..rights import objections, repair

    with p.engine.connect() as conn:
        data = {
            "objections": objections.listing(conn, today=p.today(), provider=who.agency),
            "repairs": repair.listing(conn, today=p.today(), provider=who.agency),
        }
    return render(request, "cases.html", data, who)


@router.post("/cases/objections/{objection_id}")
def decide_objection_form(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.DECIDE_OBJECTION))],
    objection_id: str,
    outcome: Annotated[str, Form(max_length=20)],
    reasons: Annotated[str, Form(max_length=5000)],
    statement: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The decision form (CSRF-protected): deleted, publicity stopped, removed from the list
    or kept (with the subject's statement), with written reasons. Corrections, which carry
    changed attributes, go through the API."""
    objection_commands.decide_objection(
        p, who, objection_id[:32], outcome, reasons, statement=statement.strip() or None
    )
    return RedirectResponse("/cases", status_code=303)


@router.get("/reports/{report_id}.pdf")
def report_as_pdf(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.REQUEST_REPORT))],
    report_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
) -> Response:
    """An issued credit report as PDF (zh or en), stamped on every page with its date and
    verification code."""
    from .pdf import report_pdf

    row = reports.readable_report(p, who, report_id)
    body = report_pdf(row["body"], row["verification_code"], locale_of(request))
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="credit-report-{report_id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def printable_report(
    request: Request,
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.REQUEST_REPORT))],
    report_id: str,
) -> Response:
    """An issued credit report, printable (zh or en), with its date and verification code."""
    row = reports.readable_report(p, who, report_id[:32])
    data = {**row["body"], "verification_code": row["verification_code"]}
    return render(request, "report.html", data, who)


@router.get("/lang/{locale}")
def switch_language(p: PlatformDep, locale: str, next: str = "/") -> Response:  # noqa: A002
    """Remember the chosen language and go back to the page (only paths on this site)."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    # a link back may carry a number typed into a form
    target = mask_numbers(target, today=p.today())
    response = RedirectResponse(quote(target, safe="/?=&%"), status_code=303)
    if locale in LOCALES:
        response.set_cookie("lang", locale, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: Visitor) -> Response:
    return render(request, "login.html", {"failed": False}, who)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    p: PlatformDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Portal login. Failures are throttled per username and per client address."""
    keys = [f"login-user:{username}", f"login-ip:{client_address(request)}"]
    if not all(p.limiter.test(p.login_limit, k) for k in keys):
        data = {"failed": True, "throttled": True}
        return render(request, "login.html", data, ANONYMOUS, status=429)
    with p.engine.connect() as conn:
        found = authenticate(conn, username, password)
    if found is None:
        for key in keys:
            p.limiter.hit(p.login_limit, key)
        return render(request, "login.html", {"failed": True}, ANONYMOUS, status=401)
    with p.engine.begin() as conn:
        session_id = open_session(conn, username, now=p.clock())
        p.audit(found, "login", conn=conn)
    request.session.clear()
    request.session["sid"] = session_id
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
def logout(request: Request, p: PlatformDep) -> Response:
    """End the session on the platform, not only in this browser: a copy of the cookie is
    refused from now on."""
    session_id = request.session.get("sid")
    if session_id is not None:
        with p.engine.begin() as conn:
            end_session(conn, str(session_id), now=p.clock())
    request.session.clear()
    return RedirectResponse("/", status_code=303)
