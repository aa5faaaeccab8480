"""Official documents (公文) as .docx, laid out after GB/T 9704-2012.

Page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. Title in 小标宋 2号 (22 pt),
centred; body in 仿宋_GB2312 3号 (16 pt) with a fixed line spacing of 28 pt (22 lines a page);
headings of the first level in 黑体 3号, the second in 楷体_GB2312 3号.

A .docx only names its fonts; Word or WPS substitutes when a font is missing. The East Asian
font is written to ``w:eastAsia`` (python-docx only sets the Latin name), and each style
names a fallback chain that Office and LibreOffice resolve in order:

- title:   方正小标宋简体 → 华文中宋 → 宋体 (SimSun)
- body:    仿宋_GB2312 → 仿宋 (FangSong) → 宋体
- heading: 黑体 (SimHei); 楷体_GB2312 → 楷体 (KaiTi)

Only the first name of each chain is written to the file; the rest is what an office PC that
lacks the GB2312 fonts shows (Windows ships 仿宋, 黑体, 楷体 and 宋体), so the document still
opens and prints with the right proportions. ``FONT_FALLBACKS`` lists them for callers that
want to choose another first name (e.g. when a committee standardises on 方正 fonts).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
FONT_FALLBACKS: dict[str, list[str]] = {
    "title": [TITLE_FONT, "华文中宋", "宋体"],
    "body": [BODY_FONT, "仿宋", "宋体"],
    "heading1": [HEADING1_FONT, "宋体"],
    "heading2": [HEADING2_FONT, "楷体", "宋体"],
}

SIZE_TITLE = Pt(22)  # 2号
SIZE_BODY = Pt(16)  # 3号
SIZE_SMALL = Pt(14)  # 4号, for tables and the issuing line
LINE_SPACING = Pt(28)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def set_run_font(run, name: str, size=None, *, bold: bool | None = None) -> None:
    """Name the font for both Latin and East Asian text (python-docx sets only the Latin name)."""
    run.font.name = LATIN_FONT if name == BODY_FONT else name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _style_paragraph(p: Paragraph, *, align=None, first_line_indent: bool = False, spacing=LINE_SPACING) -> None:
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = spacing
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    if first_line_indent:
        fmt.first_line_indent = Pt(32)  # two characters of 3号


def official_document(*, title: str, issuer: str = "", number: str = "", landscape: bool = False) -> Document:
    """A new A4 document with GB/T 9704 margins, the issuer line, the document number and the title."""
    doc = new_document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = SIZE_BODY
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = title
    if issuer:
        doc.core_properties.author = issuer

    if issuer:
        p = doc.add_paragraph()
        _style_paragraph(p, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=Pt(40))
        run = p.add_run(issuer)
        set_run_font(run, TITLE_FONT, Pt(26), bold=False)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)  # 红头: the issuer line is printed red
    if number:
        p = doc.add_paragraph()
        _style_paragraph(p, align=WD_ALIGN_PARAGRAPH.CENTER)
        set_run_font(p.add_run(number), BODY_FONT, SIZE_BODY)
    if issuer or number:
        doc.add_paragraph()
    p = doc.add_paragraph()
    _style_paragraph(p, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=Pt(36))
    set_run_font(p.add_run(title), TITLE_FONT, SIZE_TITLE)
    blank = doc.add_paragraph()
    _style_paragraph(blank)
    return doc


def add_paragraphs(doc: Document, texts: Iterable[str] | str, *, indent: bool = True) -> list[Paragraph]:
    """Body paragraphs in 仿宋 3号, fixed 28 pt lines, first line indented by two characters.

    A string is split on line breaks; empty lines are dropped.
    """
    if isinstance(texts, str):
        texts = texts.splitlines()
    out = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        p = doc.add_paragraph()
        _style_paragraph(p, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=indent)
        set_run_font(p.add_run(text), BODY_FONT, SIZE_BODY)
        out.append(p)
    return out


def add_heading(doc: Document, text: str, level: int = 1) -> Paragraph:
    """一、 headings in 黑体; （一） headings in 楷体."""
    p = doc.add_paragraph()
    _style_paragraph(p, first_line_indent=True)
    set_run_font(p.add_run(text), HEADING1_FONT if level == 1 else HEADING2_FONT, SIZE_BODY)
    return p


def add_addressee(doc: Document, text: str) -> Paragraph:
    """主送机关: flush left, ending with a full-width colon."""
    p = doc.add_paragraph()
    _style_paragraph(p)
    set_run_font(p.add_run(text if text.endswith("：") else f"{text}："), BODY_FONT, SIZE_BODY)
    return p


def cn_date(day: dt.date) -> str:
    """GB/T 9704 writes the date with Arabic numerals: 2022年3月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_signature(doc: Document, org: str, date: dt.date | None = None) -> list[Paragraph]:
    """发文机关署名 and 成文日期, right-aligned after a blank line."""
    date = date or dt.date.today()
    doc.add_paragraph()
    out = []
    for text in (org, cn_date(date)):
        p = doc.add_paragraph()
        _style_paragraph(p, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)
        set_run_font(p.add_run(text), BODY_FONT, SIZE_BODY)
        out.append(p)
    return out


def add_table(doc: Document, headers: list[str], rows: Iterable[Iterable[object]]) -> None:
    """A bordered table in 仿宋 4号, header row bold."""
    rows = [list(r) for r in rows]
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    for j, h in enumerate(headers):
        cell = table.rows[0].cells[j]
        cell.text = ""
        set_run_font(cell.paragraphs[0].add_run(str(h)), HEADING1_FONT, SIZE_SMALL)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            cell = table.rows[i].cells[j]
            cell.text = ""
            set_run_font(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, SIZE_SMALL)


def add_page_break(doc: Document) -> None:
    doc.add_page_break()


def docx_bytes(doc: Document) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
