"""The public portal: server-rendered pages in Chinese and English, each also as JSON
(``?format=json``), built from the same views as the API."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..access import ANONYMOUS
from ..disclosure.double_publicity import PublicityFilter
from ..disclosure.entries import current_entries, list_type_view, public_lists
from ..disclosure.shown import Page
from ..disclosure.subject_page import public_subject
from ..errors import NotFound
from ..ids.hiding import mask_numbers, pseudonymise_numbers
from ..types import PublicAttribute
from .credentials import authenticate
from .deps import (
    DispatchOverseer,
    PageNo,
    PublicReader,
)
from .i18n import LOCALES
from .pages import form_date, render
from .platform import PlatformDep
from .principals import client_address
from .sessions import end_session, open_session

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(request: Request, p: PlatformDep, who: PublicReader) -> Response:
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
    who: PublicReader,
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
def subject(request: Request, p: PlatformDep, who: PublicReader, subject_id: str) -> Response:
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
def lists(request: Request, p: PlatformDep, who: PublicReader) -> Response:
    today = p.today()
    shown = [list_type_view(p.pack, lt) for lt in public_lists(p.pack, today)]
    return render(request, "lists.html", {"as_of": today, "items": shown}, who)


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_page(
    request: Request, p: PlatformDep, who: PublicReader, list_id: str, page: PageNo = 1
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
    who: PublicReader,
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
        form_date(decided_from, "decided_from"),
        form_date(decided_to, "decided_to"),
    )
    return render(request, "publicity.html", p.publicity(where, page=page), who)


@router.get("/statistics", response_class=HTMLResponse)
def statistics(request: Request, p: PlatformDep, who: PublicReader) -> Response:
    return render(request, "statistics.html", p.statistics(), who)


@router.get("/catalogue", response_class=HTMLResponse)
def catalogue(request: Request, p: PlatformDep, who: PublicReader) -> Response:
    items = [
        {
            **i.model_dump(mode="json", exclude_none=True),
            "basis": [p.pack.cite(r) for r in i.legal_basis],
        }
        for i in p.pack.catalogue
    ]
    return render(request, "catalogue.html", {"items": items}, who)


@router.get("/catalogue/{code}", response_class=HTMLResponse)
def catalogue_item(request: Request, p: PlatformDep, who: PublicReader, code: str) -> Response:
    item = p.pack.catalogue.get(code[:80])
    data = {
        **item.model_dump(mode="json", exclude_none=True),
        "basis": [p.pack.cite(r) for r in item.legal_basis],
    }
    return render(request, "item.html", data, who)


@router.get("/schemes", response_class=HTMLResponse)
def schemes(request: Request, p: PlatformDep, who: PublicReader) -> Response:
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
    who: DispatchOverseer,
) -> Response:
    """For operators: how far the responding agencies acknowledge and answer notices."""
    from ..sanctions.dispatch import acknowledgement_days, metrics

    days = acknowledgement_days(p.pack, p.today())
    with p.engine.connect() as conn:
        data = metrics(conn, today=p.today(), ack_working_days=days)
    return render(request, "dispatch.html", {**data, "deadline_working_days": days}, who)


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
def login_form(request: Request, who: PublicReader) -> Response:
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
