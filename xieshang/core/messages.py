"""Flash messages in the reader's script.

Views add their messages in Simplified Chinese (``messages.success(request, "已保存。")``); this
storage (``MESSAGE_STORAGE``) converts each one for a 繁體 reader when it is added, while the
reader's language is active, so every view's messages follow without each view knowing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.fallback import FallbackStorage

from .hant import for_reader


class ReaderScriptStorage(FallbackStorage):
    def add(self, level: int, message: Any, extra_tags: str | None = "") -> None:
        super().add(level, for_reader(str(message)) if message else message, extra_tags)
