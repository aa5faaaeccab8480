"""Shared .docx (official-document layout) and .xlsx generation.

``from xieshang.documents import official_document, add_paragraphs, add_signature, docx_bytes, xlsx_bytes``
"""

from .docx import (  # noqa: F401
    FONT_FALLBACKS,
    add_addressee,
    add_heading,
    add_page_break,
    add_paragraphs,
    add_signature,
    add_table,
    cn_date,
    docx_bytes,
    official_document,
)
from .xlsx import add_sheet, read_rows, workbook_bytes, xlsx_bytes  # noqa: F401
