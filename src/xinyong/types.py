"""Vocabulary shared by the ledger, the schemes and the adapters."""

from __future__ import annotations

from enum import StrEnum


class SubjectKind(StrEnum):
    """The kinds of credit subject the Planning Outline names."""

    LEGAL_PERSON = "legal_person"  # enterprise or other legal person (USCC 91…, 93…)
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户 (USCC 92…)
    SOCIAL_ORGANISATION = (
        "social_organisation"  # social group, foundation, private non-enterprise unit (USCC 5…)
    )
    PUBLIC_INSTITUTION = "public_institution"  # 事业单位 (USCC 12…)
    GOVERNMENT_BODY = "government_body"  # 机关 (USCC 11…)
    CIVIL_SERVANT = "civil_servant"  # 公务员: a person, keyed by pseudonym
    NATURAL_PERSON = "natural_person"  # any other person, keyed by pseudonym

    @property
    def is_person(self) -> bool:
        return self in (SubjectKind.CIVIL_SERVANT, SubjectKind.NATURAL_PERSON)


class LinkRole(StrEnum):
    """How one subject stands to another (``from`` is the organisation or body)."""

    LEGAL_REPRESENTATIVE = "legal_representative"  # 法定代表人
    PRINCIPAL_PERSON = "principal_person"  # 主要负责人
    DIRECTLY_RESPONSIBLE_PERSON = "directly_responsible_person"  # 直接责任人员
    EMPLOYER = "employer"  # the government body or institution employing a civil servant


class Area(StrEnum):
    """The four areas of integrity the Outline names."""

    GOVERNMENT_AFFAIRS = "government_affairs"  # 政务诚信
    COMMERCIAL = "commercial"  # 商务诚信
    SOCIAL = "social"  # 社会诚信
    JUDICIAL = "judicial"  # 司法公信


class Polarity(StrEnum):
    """Whether a record counts for or against its subject."""

    POSITIVE = "positive"  # awards, A grades, commitments kept
    NEGATIVE = "negative"  # penalties, arrears, dishonesty
    NEUTRAL = "neutral"  # registration and licences: basic information


class PublicAttribute(StrEnum):
    """Who may see a catalogue item's records (the catalogue's 公开属性)."""

    PUBLIC = "public"  # published on the portal within its publicity window
    SHARED = "shared"  # shared among public bodies for their duties, not published
    AUTHORISED = "authorised"  # only on an authorised query: the subject, or with its consent
