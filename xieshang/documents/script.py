"""A generated file in the script of the person who downloads it.

A member from Hong Kong or Macao who reads 繁體 (zh-hant active) gets the .docx and .xlsx files
they download in traditional script: every text of the file — the platform's wording and what
the records hold, as in a letter typed for that reader — is converted with the OpenCC profile of
the zh_Hant catalogues (``xieshang.core.hant``). The builders keep writing Simplified Chinese;
:func:`for_reader` converts the finished file, so one place covers every document. A PDF is
drawn from HTML, which :mod:`xieshang.documents.pdf` converts before drawing.

A file that is read back by the platform (the import template, the export for re-import) keeps
its Simplified wording: its callers pass ``as_written=True`` to ``http.download``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from lxml import etree

from xieshang.core import hant

# The parts of an Office file that hold text a reader sees, and the elements holding that text.
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PARTS = {
    ".docx": (re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml"), f"{{{_W}}}t"),
    ".xlsx": (re.compile(r"xl/(sharedStrings|worksheets/sheet\d+)\.xml"), f"{{{_S}}}t"),
}


def converter() -> Callable[[str], str] | None:
    """The conversion for the active language, or None when the reader reads Simplified."""
    return hant.reader_converter()


def for_reader(data: bytes, filename: str) -> bytes:
    """``data`` (a .docx or .xlsx named ``filename``) in the active language's script; other files as they are."""
    convert = converter()
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if convert is None or suffix not in _PARTS:
        return data
    return convert_office_text(data, suffix, convert)


def name_for_reader(filename: str) -> str:
    """A download's file name (答复函-… → 答覆函-…) in the active language's script."""
    convert = converter()
    return convert(filename) if convert is not None else filename


def convert_office_text(data: bytes, suffix: str, convert: Callable[[str], str]) -> bytes:
    """Every text element of the file's visible parts through ``convert``; the rest byte for byte."""
    parts, tag = _PARTS[suffix]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if parts.fullmatch(info.filename):
                root = etree.fromstring(body)
                for node in root.iter(tag):
                    if node.text:
                        node.text = convert(node.text)
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, body)
    return out.getvalue()
