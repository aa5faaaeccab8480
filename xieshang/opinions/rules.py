"""The one-matter rule (一事一报) and the length limit, checked before a report is accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

# Characters counted without spaces and line breaks, as an editor counts a manuscript.
MAX_CHARS: int = getattr(settings, "XIESHANG_OPINION_MAX_CHARS", 1500)
MIN_CHARS = 50
MAX_TITLE = 100

# A paragraph that opens with one of these turns to a further matter.
_SECOND_MATTER_OPENERS = re.compile(
    r"(?:^|\n)\s*(?:另外|此外还|另一方面的问题|另一个问题|还有一个问题|还有一件事|再反映|同时反映|另反映|顺便反映)"
)
# Numbered headings that each name a matter: "一、关于……问题", "2. 关于……的情况".
_NUMBERED_MATTER = re.compile(
    r"(?:^|\n)\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\))\s*关于"
)


@dataclass(frozen=True)
class Check:
    length: int
    too_long: bool
    too_short: bool
    matter_flags: tuple[str, ...]

    @property
    def flagged_two_matters(self) -> bool:
        return bool(self.matter_flags)


def char_count(text: str) -> int:
    return len(re.sub(r"\s", "", text or ""))


def check(title: str, text: str) -> Check:
    n = char_count(text)
    flags: list[str] = []
    m = _SECOND_MATTER_OPENERS.search(text or "")
    if m:
        flags.append(f"正文有段落以「{m.group(0).strip()}」开头，像是另起一事")
    numbered = _NUMBERED_MATTER.findall(text or "")
    if len(numbered) >= 2:
        flags.append(f"正文有 {len(numbered)} 个以「关于」开头的编号标题，像是分别反映了几件事")
    if re.search(r"(?:问题|建议)[及和与、](?:关于)?.{2,20}(?:问题|建议)$", (title or "").strip()):
        flags.append("标题同时写了两个问题")
    return Check(length=n, too_long=n > MAX_CHARS, too_short=n < MIN_CHARS, matter_flags=tuple(flags))
