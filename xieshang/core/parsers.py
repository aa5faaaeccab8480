"""The API's JSON parser: DRF's, with a limit on nesting.

Python's JSON parser recurses once per level, so 50,000 "[" raised ``RecursionError`` (a 500) on
every JSON POST. No body the API takes nests more than a few levels; deeper is a 400.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

JSON_MAX_DEPTH = 32
TOO_DEEP = "请求内容嵌套层数过多，无法处理。"

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")


def json_depth_exceeds(raw: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects deeper than ``limit`` (strings are skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", raw)):
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than :data:`JSON_MAX_DEPTH` with a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        if json_depth_exceeds(raw):
            raise ParseError("请求内容嵌套层数过多，无法处理。")
        try:
            return json.loads(raw.decode(encoding), parse_constant=_no_constant)
        except RecursionError:  # the depth check should have caught it; never a 500
            raise ParseError("请求内容嵌套层数过多，无法处理。") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
