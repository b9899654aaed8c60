"""The JSON API under ``/api``: what agencies integrate with.

Errors have one shape (``{ok: false, error, errors: [{field, message, fix}], status, code}``);
lists are paginated (``items, page, per_page, total, pages``). Reads of non-public data state
a ``purpose`` and are written to the audit log; so is every write. No endpoint returns a raw
resident identity number: persons appear by pseudonym and masked number only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Path, Query

from ..access import Permission, Principal, Purpose, Role, stated_purpose
from ..disclosure.double_publicity import PublicityFilter, double_publicity
from ..disclosure.entries import current_entries, list_type_view
from ..disclosure.own_file import full_file
from ..disclosure.shown import MAX_PER_PAGE, Page
from ..disclosure.subject_page import public_subject
from ..errors import Forbidden, InvalidData, NotFound
from ..ledger import audit, get_subject
from ..ledger import tables as t
from ..rights import consent
from ..rights.grade_notices import file_grades, whole_file
from ..types import PublicAttribute
from .platform import Platform, PlatformDep, plain
from .principals import require

router = APIRouter(prefix="/api")

PublicReader = Annotated[Principal, Depends(require(Permission.READ_PUBLIC))]
SubjectId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[0-9A-Za-z]+$",
        description="USCC, resident ID (pseudonymised at once) or a person's pseudonym "
        "(P + 32 hex digits)",
    ),
]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
PurposeParam = Annotated[
    str | None,
    Query(max_length=40, description="Why non-public data is read: " + ", ".join(Purpose)),
]


@router.get("/schemes", tags=["schemes"])
def schemes(p: PlatformDep, _: PublicReader) -> dict[str, Any]:
    """The jurisdiction pack this node runs, with what it contains."""
    pack = p.pack
    return {
        "id": pack.id,
        "version": pack.meta.version,
        "name_zh": pack.meta.name_zh,
        "name_en": pack.meta.name_en,
        "parents": list(pack.parents),
        "catalogue_items": len(pack.catalogue),
        "lists": sorted(pack.lists),
        "grading_schemes": sorted(pack.grades),
        "laws": {
            code: {"title_zh": law.title_zh, "title_en": law.title_en, "kind": str(law.kind)}
            for code, law in sorted(pack.laws.items())
        },
        "procedures": {
            name: {
                str(since): {"value": v.value, "reference": pack.cite(v.reference)}
                for since, v in parameter.values.items()
            }
            for name, parameter in pack.procedures.items()
        },
    }


@router.get("/catalogue", tags=["catalogue"])
def catalogue(
    p: PlatformDep, _: PublicReader, page: PageNo = 1, per_page: PerPage = 50
) -> dict[str, Any]:
    """The public credit information catalogue: every item a record may be of."""
    items = [catalogue_item(p, i.code) for i in p.pack.catalogue]
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], page, per_page, len(items)).to_dict()


def catalogue_item(p: Platform, code: str) -> dict[str, Any]:
    item = p.pack.catalogue.get(code)
    data = item.model_dump(mode="json", exclude_none=True)
    data["legal_basis_cited"] = [p.pack.cite(r) for r in item.legal_basis]
    return data


@router.get("/catalogue/{code}", tags=["catalogue"])
def catalogue_entry(
    p: PlatformDep, _: PublicReader, code: Annotated[str, Path(max_length=80)]
) -> dict[str, Any]:
    """One catalogue item with its fields, legal basis and publicity."""
    return catalogue_item(p, code)


@router.get("/subjects", tags=["subjects"])
def search(
    p: PlatformDep,
    _: PublicReader,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, USCC or ID")],
    page: PageNo = 1,
    per_page: PerPage = 20,
) -> dict[str, Any]:
    """Search subjects by name (width, brackets, legal form and place names tolerated) or by
    code. Persons are found only while they are on a public list."""
    found: dict[str, Any] = p.search(q, page=page, per_page=per_page).to_dict()
    return found


@router.get("/subjects/{subject_id}", tags=["subjects"])
def subject_public(p: PlatformDep, _: PublicReader, subject_id: SubjectId) -> dict[str, Any]:
    """What is public about a subject today: records within their publicity window, public
    list memberships with basis and end date, public grades, dispute marks."""
    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        found: dict[str, Any] = plain(
            public_subject(conn, p.pack, subject_id, p.today(), p.evaluation(conn))
        )
    return found


@dataclass(frozen=True)
class FileRead:
    """A read of a subject's non-public data, authorised: its purpose and the consent it
    rests on (for a credit-service agency reading a person), both named in the audit log."""

    purpose: Purpose
    consent_id: str | None = None

    def audited(self) -> dict[str, Any]:
        """The audit entry's purpose and detail."""
        consent_named = {"consent_id": self.consent_id} if self.consent_id else {}
        return {"purpose": str(self.purpose), **consent_named}


def authorise_file_read(
    p: Platform, conn: sa.Connection, who: Principal, subject_id: str, purpose: str | None
) -> FileRead:
    """Purpose, ownership and consent checks for a read of a subject's non-public data."""
    stated = stated_purpose(who, purpose)
    if who.role is Role.SUBJECT and who.subject_id != subject_id:
        raise Forbidden("a subject may read only its own file", code="not-own-file")
    subject = get_subject(conn, subject_id)
    if who.role is Role.CREDIT_SERVICE and subject.kind.is_person:
        found = consent.valid_consent(
            conn,
            subject_id=subject_id,
            agency=who.agency or "",
            purpose=str(stated),
            day=p.today(),
        )
        if found is None:
            raise Forbidden(
                "reading a person's non-public data needs the person's consent for this agency "
                "and purpose; none is in force",
                code="consent-required",
            )
        return FileRead(stated, found.consent_id)
    return FileRead(stated)


FileReader = Annotated[Principal, Depends(require(Permission.READ_FILE))]


@router.get("/subjects/{subject_id}/file", tags=["subjects"])
def subject_file(
    p: PlatformDep, who: FileReader, subject_id: SubjectId, purpose: PurposeParam = None
) -> dict[str, Any]:
    """A subject's whole file (non-public; needs a purpose, and consent where required)."""
    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        read = authorise_file_read(p, conn, who, subject_id, purpose)
        found = whole_file(conn, p.pack, subject_id, p.today(), own=who.subject_id == subject_id)
    p.audit(who, "read_file", subject_id=subject_id, **read.audited())
    return found


@router.get("/subjects/{subject_id}/explain", tags=["subjects"])
def subject_explain(
    p: PlatformDep, who: FileReader, subject_id: SubjectId, purpose: PurposeParam = None
) -> dict[str, Any]:
    """Why the subject is on each list and has each grade: the lists as ``xinyong explain``
    gives them, the grades as the caller may see them — an adverse grade without its served
    notice is withheld from all but the subject (non-public; needs a purpose)."""
    from ..evaluate.explain import explain_subject

    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        read = authorise_file_read(p, conn, who, subject_id, purpose)
        found = explain_subject(
            p.engine, p.pack, subject_id, p.today(), with_grades=False
        ).to_dict()
        kind = conn.execute(
            sa.select(t.subjects.c.kind).where(t.subjects.c.subject_id == subject_id)
        ).scalar()
        found["grades"] = file_grades(
            conn, p.pack, subject_id, kind or "", p.today(), own=who.subject_id == subject_id
        )
    p.audit(who, "explain", subject_id=subject_id, **read.audited())
    return found


Submitter = Annotated[Principal, Depends(require(Permission.SUBMIT_RECORD))]
RecordRow = Annotated[
    dict[str, str | int | float | bool | None],
    Body(
        description="One record in the delivery format (docs/delivery-format.md): item_code, "
        "subject_kind, subject_code, subject_name, source_record_id, … and attributes.*",
        examples=[
            {
                "item_code": "market.penalty",
                "subject_kind": "legal_person",
                "subject_code": "91350200776049653A",
                "subject_name": "厦门鹭江海鲜贸易有限公司",
            }
        ],
    ),
]


@router.post("/records", tags=["records"], status_code=201)
def submit(p: PlatformDep, who: Submitter, row: RecordRow) -> dict[str, Any]:
    """Submit one record for the token's agency. It passes the same validation a delivered
    row does; an invalid record is refused with every reason and nothing is stored."""
    from ..services.submissions import submit_record

    if len(row) > 200:
        raise InvalidData("a record has at most 200 fields", code="too-many-fields")
    item = row.get("item_code")
    if who.items is not None and item not in who.items:
        raise Forbidden(
            f"this token may submit only {', '.join(sorted(who.items))}; not {str(item)[:80]!r}",
            code="item-not-in-scope",
        )
    return submit_record(p, who, row)


RecordReader = Annotated[Principal, Depends(require(Permission.READ_RECORD))]


@router.get("/records/{record_id}", tags=["records"])
def record(
    p: PlatformDep,
    who: RecordReader,
    record_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
    purpose: PurposeParam = None,
) -> dict[str, Any]:
    """One record as it stands today, with its events (non-public; needs a purpose). A
    source agency reads only its own records; a subject only records about itself."""
    stated = stated_purpose(who, purpose)
    with p.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.records.c.subject_id, t.records.c.source_agency).where(
                t.records.c.record_id == record_id
            )
        ).first()
        if row is None:
            raise NotFound(f"no record {record_id}", code="unknown-record")
        subject_id, agency = row
        if who.role is Role.SOURCE_AGENCY and agency != who.agency:
            raise Forbidden("a source agency reads only its own records", code="not-own-record")
        if who.role is Role.SUBJECT and subject_id != who.subject_id:
            raise Forbidden("a subject reads only records about itself", code="not-own-record")
        file = full_file(conn, p.pack, subject_id, p.today())
    found = next((r for r in file["records"] if r["record_id"] == record_id), None)
    if found is None:
        raise NotFound(
            f"record {record_id} is superseded by a later version or not yet decided",
            code="record-not-standing",
        )
    p.audit(who, "read_record", subject_id=subject_id, purpose=str(stated), record_id=record_id)
    return {"subject": file["subject"], "record": found}


@router.get("/lists", tags=["lists"])
def lists(p: PlatformDep, who: PublicReader) -> dict[str, Any]:
    """Every list type with its entry and exit rules, remedies and legal basis. The public
    sees public lists; credentialed public bodies see all."""
    shown = [
        list_type_view(p.pack, lt)
        for lt in p.pack.lists.values()
        if lt.public is PublicAttribute.PUBLIC or not who.is_public
    ]
    return {"items": shown, "total": len(shown)}


def _public_list(p: Platform, list_id: str) -> Any:
    list_type = p.pack.lists.get(list_id)
    if list_type is None or list_type.public is not PublicAttribute.PUBLIC:
        raise NotFound(f"no public list {list_id[:80]!r}", code="unknown-list")
    return list_type


@router.get("/lists/{list_id}", tags=["lists"])
def list_type(
    p: PlatformDep, _: PublicReader, list_id: Annotated[str, Path(max_length=80)]
) -> dict[str, Any]:
    """One public list type with its rules and basis."""
    return list_type_view(p.pack, _public_list(p, list_id))


@router.get("/lists/{list_id}/entries", tags=["lists"])
def list_entries(
    p: PlatformDep,
    _: PublicReader,
    list_id: Annotated[str, Path(max_length=80)],
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    """The entries of a public list in force today, newest first."""
    _public_list(p, list_id)
    with p.engine.connect() as conn:
        return current_entries(
            conn, p.pack, list_id, p.today(), page=page, per_page=per_page
        ).to_dict()


@router.get("/grades", tags=["grades"])
def grades(p: PlatformDep, _: PublicReader) -> dict[str, Any]:
    """Grading schemes with their bands and basis, and today's distribution of grades."""
    distribution = p.statistics()["grades"]
    return {
        "items": [
            {
                "id": s.id,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "public": str(s.public),
                "enabled": s.enabled,
                "pilot": s.pilot,
                "legal_basis": [p.pack.cite(r) for r in s.legal_basis],
                "bands": [b.model_dump(mode="json") for b in s.bands],
                "distribution": distribution.get(s.id, {}).get("bands", {}),
            }
            for s in p.pack.grades.values()
        ]
    }


@router.get("/publicity", tags=["publicity"])
def publicity(
    p: PlatformDep,
    _: PublicReader,
    kind: Annotated[str | None, Query(pattern="^(licensing|penalty)$")] = None,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    sector: Annotated[str | None, Query(max_length=64)] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    """Double publicity (双公示): licensing and penalty decisions, newest first, faceted by
    agency, sector and province; optionally between two decision dates (inclusive)."""
    where = PublicityFilter(kind, agency, sector, region, decided_from, decided_to)
    with p.engine.connect() as conn:
        return double_publicity(conn, p.pack, p.today(), where, page=page, per_page=per_page)


@router.get("/statistics", tags=["statistics"])
def statistics(p: PlatformDep, _: PublicReader) -> dict[str, Any]:
    """Records by sector and year, list sizes over time, grade distribution, regions
    (aggregates of the whole ledger, refreshed every few minutes)."""
    return p.statistics()


Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


@router.get("/audit", tags=["platform"])
def audit_log(
    p: PlatformDep,
    _: Auditor,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The audit log from sequence number ``after``, with each entry's hashes."""
    with p.engine.connect() as conn:
        rows = audit.entries(conn, after=after, limit=limit)
    return {"items": rows, "next_after": rows[-1]["seq"] if rows else after}


@router.get("/audit/verify", tags=["platform"])
def audit_verify(p: PlatformDep, _: Auditor) -> dict[str, Any]:
    """Walk the whole hash chain and the links, and check it against the node's signed
    checkpoints (if it signs them); report the first changed, removed or reordered entry, or a
    chain recomputed or cut after a checkpoint."""
    from ..ledger.checkpoints import verify_node

    verifier = p.checkpointer.signer.verifier if p.checkpointer is not None else None
    with p.engine.connect() as conn:
        result = verify_node(conn, verifier)
    return {
        "ok": result.ok,
        "entries": result.entries,
        "problem": result.problem,
        "seq": result.seq,
    }
