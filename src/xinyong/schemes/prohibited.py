"""Categories of data xinyong refuses to record, whatever a pack says.

The list is code, not pack data, on purpose: it is the platform's own invariant (the
rule-of-law invariants in README.md: no record outside the catalogue; what is out of scope
by design), and no jurisdiction pack can switch it off. The catalogue loader scans every
item's code, names, description, sector and field names and descriptions for these
categories and refuses the pack with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProhibitedCategory:
    """One category of data that may never enter the ledger."""

    id: str
    name: str
    #: why it is refused, with the legal source where there is one
    reason: str
    #: English words or phrases, matched as whole words (``_`` and ``-`` separate words)
    terms_en: tuple[str, ...]
    #: Chinese terms, matched as substrings
    terms_zh: tuple[str, ...]


_CREDIT_REPORTING_ART14 = (
    "征信业管理条例 Art 14 forbids collecting religion, genes, fingerprints, blood type, "
    "disease and medical history"
)
_OUT_OF_SCOPE = "xinyong never monitors speech, politics, religion or biometrics (README.md)"

PROHIBITED: tuple[ProhibitedCategory, ...] = (
    ProhibitedCategory(
        "religion", "religion", _CREDIT_REPORTING_ART14,
        ("religion", "religious", "faith", "worship"), ("宗教", "信仰", "礼拜"),
    ),
    ProhibitedCategory(
        "genetics", "genes", _CREDIT_REPORTING_ART14,
        ("gene", "genes", "genetic", "genetics", "dna", "genome"), ("基因", "遗传信息"),
    ),
    ProhibitedCategory(
        "biometrics", "fingerprints and other biometrics",
        _CREDIT_REPORTING_ART14 + "; " + _OUT_OF_SCOPE,
        ("biometric", "biometrics", "fingerprint", "fingerprints", "face", "facial", "iris",
         "voiceprint", "palmprint", "gait"),
        ("生物识别", "指纹", "人脸", "面部特征", "虹膜", "声纹", "掌纹", "步态"),
    ),
    ProhibitedCategory(
        "blood_type", "blood type", _CREDIT_REPORTING_ART14,
        ("blood type", "blood group"), ("血型",),
    ),
    ProhibitedCategory(
        "health", "health and medical history", _CREDIT_REPORTING_ART14,
        ("disease", "diseases", "illness", "diagnosis", "medical history", "medical record",
         "medical records", "health status", "health condition"),
        ("疾病", "病史", "病历", "健康状况", "诊断"),
    ),
    ProhibitedCategory(
        "political_opinion", "political opinion", _OUT_OF_SCOPE,
        ("political", "politics", "party membership"), ("政治", "党派"),
    ),
    ProhibitedCategory(
        "speech", "speech and online content",
        _OUT_OF_SCOPE + "; the Outline's rumour blacklist is out of scope",
        ("speech", "online content", "online comment", "online comments", "posts",
         "rumour", "rumor", "rumours", "rumors", "social media", "defamation"),
        ("言论", "网络内容", "网络评论", "发帖", "谣言", "舆情", "诋毁"),
    ),
    ProhibitedCategory(
        "location_tracking", "location tracking", _OUT_OF_SCOPE,
        ("location tracking", "gps", "geolocation", "whereabouts"), ("行踪", "位置轨迹"),
    ),
)  # fmt: skip


def _words(text: str) -> str:
    """Lower-case text with every run of non-letters replaced by one space, space-padded."""
    return " " + " ".join(re.split(r"[^0-9a-z]+", text.lower())).strip() + " "


def find_prohibited(texts: Iterable[str]) -> list[tuple[ProhibitedCategory, str]]:
    """Each prohibited category touched by ``texts``, with the term that touched it."""
    texts = list(texts)
    words = [_words(t) for t in texts]
    found: list[tuple[ProhibitedCategory, str]] = []
    for category in PROHIBITED:
        hit = next((t for t in category.terms_zh if any(t in text for text in texts)), None)
        if hit is None:
            hit = next((t for t in category.terms_en if any(_words(t) in w for w in words)), None)
        if hit is not None:
            found.append((category, hit))
    return found
