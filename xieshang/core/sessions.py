"""Database sessions whose rows are reused while nothing is committed (``xieshang.core.unchanged``).

Every signed-in page reads its session row; between two commits that row cannot have changed, so
a process serves it from what it read before. Expiry is checked on every use, and logging out,
a changed password or a saved session is a commit, after which the row is read again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import unchanged


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key:
            return super().load()
        found = unchanged.while_unchanged(("session", key), self._read_row)
        if found is None:
            self._session_key = None
            return {}
        data, expires = found
        if expires <= timezone.now():
            return super().load()
        return self.decode(data)

    def _read_row(self) -> tuple[str, Any] | None:
        row = self._get_session_from_db()
        return (row.session_data, row.expire_date) if row is not None else None
