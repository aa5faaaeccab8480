"""Download responses for generated files, with a Chinese file name that every browser accepts."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from .docx import DOCX_MIME
from .script import for_reader, name_for_reader
from .xlsx import XLSX_MIME


def download(data: bytes, filename: str, *, as_written: bool = False) -> HttpResponse:
    """``data`` as an attachment named ``filename``; a .docx or .xlsx in the reader's script (``.script``)
    unless ``as_written`` (a file the platform reads back, worded as the platform reads it)."""
    if not as_written:
        data = for_reader(data, filename)
        filename = name_for_reader(filename)
    mimes = {".docx": DOCX_MIME, ".xlsx": XLSX_MIME, ".pdf": "application/pdf"}
    mime = mimes.get(filename[filename.rfind(".") :], "application/octet-stream")
    response = HttpResponse(data, content_type=mime)
    ascii_name = "download" + filename[filename.rfind(".") :] if "." in filename else "download"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
