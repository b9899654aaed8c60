"""One entry point that recognises and checks any code xinyong takes as an identifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import IdentifierError
from .orgcode import orgcode_check_character
from .resident import mask_resident_id, parse_resident_id
from .uscc import Mode, parse_uscc


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one code, safe to print (resident numbers appear masked)."""

    #: what the code is: ``uscc``, ``resident_id``, ``organisation_code`` or ``unknown``
    kind: str
    #: the code as shown: a resident number is masked
    shown: str
    valid: bool
    #: why it is invalid, or what it is when valid
    reason: str
    warnings: tuple[str, ...] = ()


def _looks_like_resident_id(code: str) -> bool:
    return (len(code) == 18 and code[:17].isdigit() and code[17] in "0123456789X") or (
        len(code) == 15 and code.isdigit()
    )


def check_code(raw: str, *, mode: Mode = Mode.STRICT, today: date) -> CheckResult:
    """Recognise ``raw`` by its shape and validate it.

    An 18-character all-digit code (or 17 digits and ``X``) is read as a resident identity
    number; a 9-character one as an organisation code; any other 18-character code as a
    USCC. A resident number is never echoed in full.
    """
    code = raw.strip().upper()
    if _looks_like_resident_id(code):
        shown = mask_resident_id(code)
        try:
            rid = parse_resident_id(code, today=today)
        except IdentifierError as exc:
            if len(code) == 18:
                # An all-digit USCC is possible: try it before calling the code invalid.
                try:
                    uscc = parse_uscc(code, mode=mode)
                except IdentifierError:
                    pass
                else:
                    return _uscc_result(uscc.code, uscc.warnings, uscc.authority_info())
            return CheckResult("resident_id", shown, False, exc.detail)
        return CheckResult(
            "resident_id",
            rid.masked,
            True,
            f"born {rid.birth_date.isoformat()}, {rid.sex}, region {rid.region}",
            rid.warnings,
        )
    if len(code) == 9:
        try:
            expected = orgcode_check_character(code[:8])
        except ValueError as exc:
            return CheckResult("organisation_code", code, False, str(exc))
        if expected != code[8]:
            return CheckResult(
                "organisation_code",
                code,
                False,
                f"check character is {code[8]!r}, expected {expected!r} (position 9)",
            )
        return CheckResult("organisation_code", code, True, "GB 11714 check passes")
    if len(code) == 18:
        try:
            uscc = parse_uscc(code, mode=mode)
        except IdentifierError as exc:
            return CheckResult("uscc", code, False, exc.detail)
        return _uscc_result(uscc.code, uscc.warnings, uscc.authority_info())
    return CheckResult(
        "unknown",
        code if len(code) < 15 else code[:4] + "…",
        False,
        f"{len(code)} characters: expected an 18-character USCC or resident identity number, "
        "or a 9-character organisation code",
    )


def _uscc_result(code: str, warnings: tuple[str, ...], info: dict[str, str] | None) -> CheckResult:
    what = f"{info['name_en']} registered with {info['authority']}" if info else "USCC"
    return CheckResult("uscc", code, True, f"{what}, division {code[2:8]}", warnings)
