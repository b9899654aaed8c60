"""Subjects and their records under ``/api``: search, what is public about a subject, its
whole file and explanation, and one record; source agencies submit records here.

Reads of non-public data state a ``purpose`` (``services.file_reads`` checks it, with ownership
and consent) and are written to the audit log; so is every write. No answer holds a raw
resident identity number: persons appear by pseudonym and masked number only.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Body, Query

from ..access import Role, stated_purpose
from ..disclosure.own_file import full_file
from ..disclosure.subject_page import public_subject
from ..errors import Forbidden, InvalidData, NotFound
from ..ledger import tables as t
from ..rights.grade_notices import file_grades, whole_file
from ..services.file_reads import authorise_file_read
from .answers import api_router
from .answers.base import Paged
from .answers.files import ExplainAnswer, OwnFileAnswer, RecordAnswer, RecordSubmitted
from .answers.public import PublicSubjectAnswer, SubjectSummary
from .deps import (
    FileReader,
    PageNo,
    PerPage,
    PublicReader,
    PurposeParam,
    RecordId,
    RecordReader,
    SubjectId,
    Submitter,
)
from .platform import PlatformDep, plain

router = api_router()


@router.get("/subjects", tags=["subjects"])
def search(
    p: PlatformDep,
    _: PublicReader,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, USCC or ID")],
    page: PageNo = 1,
    per_page: PerPage = 20,
) -> Paged[SubjectSummary]:
    """Search subjects by name (width, brackets, legal form and place names tolerated) or by
    code. Persons are found only while they are on a public list."""
    found: dict[str, Any] = p.search(q, page=page, per_page=per_page).to_dict()
    return Paged[SubjectSummary].model_validate(found)


@router.get("/subjects/{subject_id}", tags=["subjects"])
def subject_public(p: PlatformDep, _: PublicReader, subject_id: SubjectId) -> PublicSubjectAnswer:
    """What is public about a subject today: records within their publicity window, public
    list memberships with basis and end date, public grades, dispute marks."""
    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        found: dict[str, Any] = plain(
            public_subject(conn, p.pack, subject_id, p.today(), p.evaluation(conn))
        )
    return PublicSubjectAnswer.model_validate(found)


@router.get("/subjects/{subject_id}/file", tags=["subjects"])
def subject_file(
    p: PlatformDep, who: FileReader, subject_id: SubjectId, purpose: PurposeParam = None
) -> OwnFileAnswer:
    """A subject's whole file (non-public; needs a purpose, and consent where required)."""
    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        read = authorise_file_read(p, conn, who, subject_id, purpose)
        found = whole_file(conn, p.pack, subject_id, p.today(), own=who.subject_id == subject_id)
    p.audit(who, "read_file", subject_id=subject_id, **read.audited())
    return OwnFileAnswer.model_validate(found)


@router.get("/subjects/{subject_id}/explain", tags=["subjects"])
def subject_explain(
    p: PlatformDep, who: FileReader, subject_id: SubjectId, purpose: PurposeParam = None
) -> ExplainAnswer:
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
    return ExplainAnswer.model_validate(found)


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
def submit(p: PlatformDep, who: Submitter, row: RecordRow) -> RecordSubmitted:
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
    return RecordSubmitted.model_validate(submit_record(p, who, row))


@router.get("/records/{record_id}", tags=["records"])
def record(
    p: PlatformDep,
    who: RecordReader,
    record_id: RecordId,
    purpose: PurposeParam = None,
) -> RecordAnswer:
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
    return RecordAnswer.model_validate({"subject": file["subject"], "record": found})
