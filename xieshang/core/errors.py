"""Errors that services raise; views and the API turn them into clear Chinese messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the action; ``message`` is shown to the user as it is (a page shows it in the
    reader's script: ``core.middleware.ReaderScriptMiddleware``)."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDeniedError(ServiceError):
    status_code = 403


class NotFoundError(ServiceError):
    status_code = 404


class ConflictError(ServiceError):
    """Somebody else changed the record first; nothing was changed by this request."""

    status_code = 409
