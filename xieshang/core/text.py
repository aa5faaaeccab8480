"""One policy for every field a person types: what cannot be shown is removed, the rest is kept.

Text reaches the platform from forms, the API, Excel imports and pasted Word documents. Those
carry characters nobody can see: control characters (NUL, vertical tab, form feed, DEL, the C1
range), zero-width spaces and joiners, byte-order marks, bidirectional overrides and isolates
(which can make a file name or a phone number read backwards), and lone UTF-16 surrogates (which
PostgreSQL refuses to store). :func:`clean_text` removes all of them, normalises line ends to
``\\n`` and the text to Unicode NFC, trims it, optionally folds it to one line, and then checks the
length the field allows, counting what the person will see. Removing rather than refusing is the
rule because such characters come from copying, not from intent: a member pasting a proposal from
Word should not be told to hunt for an invisible character. Tabs and line breaks stay in
multi-line text.

Every service calls this one function; the tests of the policy are in ``core/tests/test_text.py``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .errors import ServiceError

# C0 controls except tab and line feed (CR is turned into LF first), DEL and the C1 range.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Zero-width and invisible format characters, byte-order mark, bidirectional embeddings,
# overrides, isolates and marks, the interlinear annotation characters, and lone surrogates.
_INVISIBLE = (
    "\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufeff\ufff9-\ufffb\ud800-\udfff"
)
_REMOVE = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
_SPACES = re.compile(r"\s+")


def strip_invisible(value: Any) -> str:
    """The text with control, invisible and direction-changing characters removed (no trimming)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _REMOVE.sub("", text))


def clean_text(
    value: Any,
    *,
    field: str,
    limit: int,
    required: bool = True,
    min_len: int = 1,
    single_line: bool = False,
) -> str:
    """The cleaned text of a typed field, or a :class:`ServiceError` naming the field.

    ``required`` refuses empty text; ``min_len`` refuses text shorter than that (when given);
    ``limit`` is the most characters allowed; ``single_line`` folds all whitespace to one space.
    """
    text = strip_invisible(value)
    text = _SPACES.sub(" ", text).strip() if single_line else text.strip()
    if not text:
        if required:
            raise ServiceError(f"请填写{field}。")
        return ""
    if len(text) < min_len:
        raise ServiceError(f"{field}太短，请至少写 {min_len} 个字。")
    if len(text) > limit:
        raise ServiceError(f"{field}不能超过 {limit} 字（现有 {len(text)} 字），请删减后再提交。")
    return text
