"""Redaction of personal contact details before a reply is published (公开前脱敏)."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "＊＊＊"

# 18-digit resident ID numbers (last digit may be X) and the old 15-digit ones.
_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mainland mobiles, optionally written +86 / 86 and split by spaces or hyphens (138 0013 8000).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
# Landlines with an area code (0757-83000000, (0757)83000000, 0757 8300 0000) and an optional extension.
_LANDLINE = re.compile(
    r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ -]?\d{3,4}[ -]?\d{4}(?:[ -]?(?:转|ext\.?)\s?\d{1,5})?(?!\d)"
)
# Hotlines such as 12345 are public service numbers and stay; bare 7–8 digit local numbers after 电话 go.
_LOCAL = re.compile(r"((?:电话|手机|联系方式|热线|座机|tel|Tel|TEL)[:：\s]*)\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses, then any extra words the office names."""
    out = _EMAIL.sub(MASK, text or "")
    out = _ID.sub(MASK, out)
    out = _MOBILE.sub(MASK, out)
    out = _LANDLINE.sub(MASK, out)
    out = _LOCAL.sub(lambda m: m.group(1) + MASK, out)
    for word in sorted({w.strip() for w in extra if w and w.strip()}, key=len, reverse=True):
        out = out.replace(word, MASK)
    return out
