"""Helpers shared by the insight management commands."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from ...documents import CorpusError, Doc, read_corpus


def load_corpus(path: str) -> list[Doc]:
    try:
        docs = read_corpus(path)
    except CorpusError as exc:
        raise CommandError(str(exc)) from exc
    if not docs:
        raise CommandError(f"文件 {path} 没有任何留言。")
    return docs


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
