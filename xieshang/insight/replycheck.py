"""Reply check: flag a unit's draft reply that misses the message, is too thin, or cites no basis."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import text as tx

# Calibrated on messageboard/replies.csv (see docs/insight.md for the share of replies flagged).
MIN_REPLY_CHARS = 60
MIN_OVERLAP = 0.04
_BASIS = re.compile(
    r"根据|依据|按照|依照|依法|《[^》]{2,40}》|条例|规定|办法|法律|法规|政策|文件|通知|标准|规范|细则|第[一二三四五六七八九十百0-9]+条"
)
_BOILERPLATE = re.compile(
    r"您好|你好|感谢|谢谢|收悉|已收到|来信|留言|网友|答复如下|回复如下|现将|特此|祝您|此致|敬礼|支持|关注|理解"
)


@dataclass(frozen=True)
class ReplyFlag:
    code: str  # "off_topic", "too_thin" or "no_basis"
    message: str


def _key_terms(message: str) -> set[str]:
    """Concrete terms of a message: named things and its content words of two or more characters."""
    body = tx.strip_noise(tx.clean(message))[:300]
    terms = {w for w in tx.words(body) if len(w) >= 2 and tx.is_meaningful(w)}
    terms.update(tx.entities(body))
    return terms


def check_reply(message: str, reply: str) -> list[ReplyFlag]:
    """Flags for a draft ``reply`` to ``message``; an empty list when nothing is wrong.

    Never raises: odd input gives the flags that apply to an empty reply, or none.
    """
    try:
        return _check(tx.clean(message), tx.clean(reply))
    except Exception:  # noqa: BLE001 - a suggestion must never block the unit's work
        return []


def _check(message: str, reply: str) -> list[ReplyFlag]:
    flags: list[ReplyFlag] = []
    substance = _BOILERPLATE.sub("", tx.strip_noise(reply))
    han = len(re.findall(r"[\u4e00-\u9fff]", substance))
    if han < MIN_REPLY_CHARS:
        flags.append(
            ReplyFlag("too_thin", f"答复过于简短或多为客套话（实质内容约 {han} 字），请说明调查情况和处理结果。")
        )
    if message and tx.is_meaningful(message):
        terms = _key_terms(message)
        if terms:
            reply_body = tx.strip_noise(reply)
            hit = sum(1 for t in terms if t in reply_body)
            overlap = hit / len(terms)
            if overlap < MIN_OVERLAP:
                flags.append(
                    ReplyFlag(
                        "off_topic",
                        f"答复与留言的具体内容关联度低（覆盖留言要点约 {overlap:.0%}），请针对所反映的问题作答。",
                    )
                )
    if not _BASIS.search(reply):
        flags.append(ReplyFlag("no_basis", "答复未引用任何依据（法律法规、政策文件或规定），请注明处理依据。"))
    return flags
