"""The message record the text functions work on, and reading message corpora from CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone

CORPUS_COLUMNS = ("id", "user", "title", "time", "detail", "dislikes", "likes")
ROUTING_COLUMNS = ("id", "title", "detail", "label")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


class CorpusError(ValueError):
    """A corpus file cannot be used; the message says why, in Chinese."""


@dataclass(frozen=True)
class Doc:
    """A message or proposal: ``text`` is its body; ``time`` is timezone-aware or None."""

    id: int | str
    title: str = ""
    text: str = ""
    time: datetime | None = None
    likes: int = 0
    dislikes: int = 0
    user: str = ""
    # The place the record was filed under, from the top of the area tree down (e.g. the ids of
    # 区, 镇街, 村居); empty when unknown. Two records whose places part ways are at different sites.
    area: tuple[int, ...] = ()


def parse_time(value: str) -> datetime | None:
    """A timezone-aware datetime from the formats in the shared data, or None."""
    value = (value or "").strip()
    for fmt in _TIME_FORMATS:
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_default_timezone())
    return None


def _int(value: str) -> int:
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return 0


def read_rows(path: Path | str, required: Sequence[str], *, check_ids: bool = True) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV that must have ``required`` columns and, if ``check_ids``, non-empty
    unique ids."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"找不到文件：{path}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            missing = [c for c in required if c not in columns]
            if missing:
                raise CorpusError(f"文件 {path.name} 缺少列：{'、'.join(missing)}（需要：{','.join(required)}）")
            rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except UnicodeDecodeError as exc:
        raise CorpusError(f"文件 {path.name} 不是 UTF-8 编码的 CSV。") from exc
    except csv.Error as exc:
        raise CorpusError(f"文件 {path.name} 不是有效的 CSV：{exc}") from exc
    if "id" in required and check_ids:
        seen: set[str] = set()
        dups: list[str] = []
        for i, row in enumerate(rows, start=2):
            key = row["id"].strip()
            if not key:
                raise CorpusError(f"文件 {path.name} 第 {i} 行的 id 为空。")
            if key in seen:
                dups.append(key)
            seen.add(key)
        if dups:
            raise CorpusError(f"文件 {path.name} 有重复的 id：{'、'.join(dups[:5])}{' 等' if len(dups) > 5 else ''}")
    return rows


def read_corpus(path: Path | str) -> list[Doc]:
    """Messages from a CSV with columns id,user,title,time,detail,dislikes,likes."""
    rows = read_rows(path, CORPUS_COLUMNS)
    return [
        Doc(
            id=row["id"].strip(),
            title=row["title"],
            text=row["detail"],
            time=parse_time(row["time"]),
            likes=_int(row["likes"]),
            dislikes=_int(row["dislikes"]),
            user=row["user"],
        )
        for row in rows
    ]


def read_labelled(path: Path | str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(ids, titles, texts, labels) from a CSV with columns id,title,detail,label.

    Ids may be empty or repeated: a labelled file is read row by row, and the contest's own file
    repeats some ids (for two copies of one message, and for two different messages).
    """
    rows = read_rows(path, ROUTING_COLUMNS, check_ids=False)
    rows = [r for r in rows if r["label"].strip()]
    if not rows:
        raise CorpusError(f"文件 {Path(path).name} 没有带标签的行。")
    return (
        [r["id"] for r in rows],
        [r["title"] for r in rows],
        [r["detail"] for r in rows],
        [r["label"].strip() for r in rows],
    )


def as_docs(items: Iterable[Doc]) -> list[Doc]:
    return list(items)
