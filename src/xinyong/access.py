"""Who may do what: roles, permissions, purposes. Default deny.

Every route names one :class:`Permission`; :data:`GRANTS` says which roles hold it, and a
role not listed is refused. Reading non-public data needs, besides the permission, a
:class:`Purpose` the role may state (:data:`PURPOSES_BY_ROLE`); a credit-service agency
reading a person's non-public data also needs that person's consent (``rights.consent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import FieldError, Forbidden, InvalidData, Unauthenticated


class Role(StrEnum):
    OPERATOR = "operator"  # a credit office running this node
    SOURCE_AGENCY = "source_agency"  # submits records (court, tax bureau, regulator …)
    RESPONDING_AGENCY = "responding_agency"  # checks subjects before serving, applies measures
    CREDIT_SERVICE = "credit_service"  # 征信机构: reads with a purpose and consent
    SUBJECT = "subject"  # a company's or a person's own account
    PUBLIC = "public"  # anyone, without credentials


class Permission(StrEnum):
    READ_PUBLIC = "read_public"  # catalogue, lists, public subject pages, statistics
    SUBMIT_RECORD = "submit_record"
    READ_RECORD = "read_record"  # a single record with its events (non-public)
    READ_FILE = "read_file"  # a subject's whole file and explanations (non-public)
    MANAGE_CONSENT = "manage_consent"  # a subject grants and revokes consents
    READ_OWN_ACCESS_LOG = "read_own_access_log"
    READ_AUDIT = "read_audit"  # the platform's audit log
    SCREEN = "screen"  # may this subject be served for this action?
    OVERRIDE = "override"  # serve despite a deny, with a written reason
    READ_DISPATCH = "read_dispatch"  # pull, acknowledge and answer the agency's own notices
    READ_DISPATCH_METRICS = "read_dispatch_metrics"  # coverage, lag, overdue notices
    SUBMIT_DECISION = "submit_decision"  # revocations, lifts, permits about own records
    FILE_OBJECTION = "file_objection"  # a subject contests its own records
    DECIDE_OBJECTION = "decide_objection"  # the source agency answers objections routed to it
    READ_OBJECTIONS = "read_objections"  # own (subject), routed (agency), all (operator)
    APPLY_REPAIR = "apply_repair"  # a subject applies for credit repair of its own record
    DECIDE_REPAIR = "decide_repair"  # the record's source agency grants or refuses
    READ_REPAIRS = "read_repairs"  # own (subject), routed (agency), all (operator)
    REQUEST_REPORT = "request_report"  # own report (subject); with consent (credit service)
    MAKE_COMMITMENT = "make_commitment"  # a subject commits, or withdraws a pending commitment
    FIND_COMMITMENT = "find_commitment"  # the authority finds it kept, broken or false
    UPLOAD_EVIDENCE = "upload_evidence"  # a subject adds files to its own open case
    READ_EVIDENCE = "read_evidence"  # own (subject), routed cases (agency), all (operator)
    SERVE_GRADE_NOTICE = "serve_grade_notice"  # the scheme's authority serves an adverse grade
    OVERSEE_CASES = "oversee_cases"  # the operator sees overdue (escalated) cases of all agencies
    CHECK_OBJECTION = "check_objection"  # the platform checks an objection before the provider
    READ_METRICS = "read_metrics"  # Prometheus metrics (also open to loopback scrapers)


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.READ_PUBLIC: frozenset(Role),
    Permission.SUBMIT_RECORD: frozenset({Role.SOURCE_AGENCY}),
    Permission.READ_RECORD: frozenset({Role.OPERATOR, Role.SOURCE_AGENCY, Role.SUBJECT}),
    Permission.READ_FILE: frozenset(
        {Role.OPERATOR, Role.RESPONDING_AGENCY, Role.CREDIT_SERVICE, Role.SUBJECT}
    ),
    Permission.MANAGE_CONSENT: frozenset({Role.SUBJECT}),
    Permission.READ_OWN_ACCESS_LOG: frozenset({Role.SUBJECT}),
    Permission.READ_AUDIT: frozenset({Role.OPERATOR}),
    Permission.SCREEN: frozenset({Role.OPERATOR, Role.RESPONDING_AGENCY}),
    Permission.OVERRIDE: frozenset({Role.RESPONDING_AGENCY}),
    Permission.READ_DISPATCH: frozenset({Role.RESPONDING_AGENCY}),
    Permission.READ_DISPATCH_METRICS: frozenset({Role.OPERATOR}),
    Permission.SUBMIT_DECISION: frozenset({Role.SOURCE_AGENCY}),
    Permission.FILE_OBJECTION: frozenset({Role.SUBJECT}),
    Permission.DECIDE_OBJECTION: frozenset({Role.SOURCE_AGENCY}),
    Permission.READ_OBJECTIONS: frozenset({Role.SUBJECT, Role.SOURCE_AGENCY, Role.OPERATOR}),
    Permission.APPLY_REPAIR: frozenset({Role.SUBJECT}),
    Permission.DECIDE_REPAIR: frozenset({Role.SOURCE_AGENCY}),
    Permission.READ_REPAIRS: frozenset({Role.SUBJECT, Role.SOURCE_AGENCY, Role.OPERATOR}),
    Permission.REQUEST_REPORT: frozenset({Role.SUBJECT, Role.CREDIT_SERVICE}),
    Permission.MAKE_COMMITMENT: frozenset({Role.SUBJECT}),
    Permission.FIND_COMMITMENT: frozenset({Role.SOURCE_AGENCY}),
    Permission.UPLOAD_EVIDENCE: frozenset({Role.SUBJECT}),
    Permission.READ_EVIDENCE: frozenset({Role.SUBJECT, Role.SOURCE_AGENCY, Role.OPERATOR}),
    Permission.SERVE_GRADE_NOTICE: frozenset({Role.SOURCE_AGENCY}),
    Permission.OVERSEE_CASES: frozenset({Role.OPERATOR}),
    Permission.CHECK_OBJECTION: frozenset({Role.OPERATOR}),
    Permission.READ_METRICS: frozenset({Role.OPERATOR}),
}


class Purpose(StrEnum):
    """The fixed list of purposes for which non-public data may be read."""

    SUBJECT_ACCESS = "subject_access"  # the subject reads its own file
    ADMINISTRATIVE_LICENSING = "administrative_licensing"  # 行政许可审查
    PUBLIC_PROCUREMENT = "public_procurement"  # 政府采购、招标投标
    SUPERVISION = "supervision"  # 日常监管、检查
    JOINT_MEASURES = "joint_measures"  # 联合奖惩实施
    JUDICIAL_ENFORCEMENT = "judicial_enforcement"  # 司法执行
    CREDIT_REPORT = "credit_report"  # 征信服务 (with the subject's consent)
    OBJECTION_HANDLING = "objection_handling"  # 异议处理
    RECORD_MAINTENANCE = "record_maintenance"  # a source agency checks its own records


PURPOSES_BY_ROLE: dict[Role, frozenset[Purpose]] = {
    Role.OPERATOR: frozenset(
        {Purpose.SUPERVISION, Purpose.OBJECTION_HANDLING, Purpose.JOINT_MEASURES}
    ),
    Role.SOURCE_AGENCY: frozenset({Purpose.RECORD_MAINTENANCE}),
    Role.RESPONDING_AGENCY: frozenset(
        {
            Purpose.ADMINISTRATIVE_LICENSING,
            Purpose.PUBLIC_PROCUREMENT,
            Purpose.SUPERVISION,
            Purpose.JOINT_MEASURES,
            Purpose.JUDICIAL_ENFORCEMENT,
        }
    ),
    Role.CREDIT_SERVICE: frozenset({Purpose.CREDIT_REPORT}),
    Role.SUBJECT: frozenset({Purpose.SUBJECT_ACCESS}),
    Role.PUBLIC: frozenset(),
}


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as its credentials establish."""

    role: Role
    #: who acted, for the audit log: ``token:<id>``, ``account:<name>`` or ``anonymous``
    actor: str = "anonymous"
    agency: str | None = None
    #: the subject a subject's credentials act for
    subject_id: str | None = None
    #: catalogue items a source agency's token may submit; ``None``: any its agency may
    items: frozenset[str] | None = None
    #: the client address, for rate limits of anonymous callers
    client: str = ""

    @property
    def is_public(self) -> bool:
        return self.role is Role.PUBLIC


ANONYMOUS = Principal(Role.PUBLIC)


def authorise(principal: Principal, permission: Permission) -> None:
    """Raise unless ``principal``'s role holds ``permission`` (default deny)."""
    if principal.role in GRANTS.get(permission, frozenset()):
        return
    if principal.is_public:
        raise Unauthenticated(
            f"{permission} needs credentials: an API token (Authorization: Bearer …) or a "
            "portal login",
            code="credentials-required",
        )
    raise Forbidden(f"the {principal.role} role may not {permission}", code="role-forbidden")


def stated_purpose(principal: Principal, purpose: str | None) -> Purpose:
    """The purpose ``principal`` states for a read of non-public data, checked.

    A subject reading its own data states ``subject_access`` implicitly.

    Raises:
        InvalidData: no purpose, or one not on the fixed list (field ``purpose``).
        Forbidden: the role may not read for that purpose.
    """
    allowed = PURPOSES_BY_ROLE[principal.role]
    if purpose is None and principal.role is Role.SUBJECT:
        return Purpose.SUBJECT_ACCESS
    choices = ", ".join(sorted(allowed)) or "none"
    if purpose is None:
        raise InvalidData(
            "reading non-public data needs a stated purpose",
            code="purpose-required",
            errors=[FieldError("purpose", "is missing", f"add ?purpose= one of: {choices}")],
        )
    try:
        stated = Purpose(purpose)
    except ValueError:
        raise InvalidData(
            f"purpose {purpose[:40]!r} is not on the list of purposes",
            code="unknown-purpose",
            errors=[FieldError("purpose", "is not a known purpose", f"use one of: {choices}")],
        ) from None
    if stated not in allowed:
        raise Forbidden(
            f"the {principal.role} role may not read for the purpose {stated}; "
            f"it may state: {choices}",
            code="purpose-forbidden",
        )
    return stated
