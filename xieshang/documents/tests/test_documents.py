import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from xieshang.documents import (
    add_heading,
    add_paragraphs,
    add_signature,
    add_table,
    docx_bytes,
    official_document,
    read_rows,
    xlsx_bytes,
)


def _reopen(doc):
    return Document(io.BytesIO(docx_bytes(doc)))


def test_official_document_has_gbt9704_page_and_fonts():
    doc = official_document(title="关于办理提案的函", issuer="禅城区政协提案委员会", number="禅政协提〔2022〕12号")
    add_heading(doc, "一、基本情况")
    add_paragraphs(doc, "第一段。\n\n第二段。")
    add_table(doc, ["序号", "单位"], [[1, "区教育局"]])
    add_signature(doc, "禅城区政协提案委员会", dt.date(2022, 3, 8))
    again = _reopen(doc)
    section = again.sections[0]
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    texts = [p.text for p in again.paragraphs]
    assert "关于办理提案的函" in texts
    assert "禅政协提〔2022〕12号" in texts
    assert "2022年3月8日" in texts
    assert [p.text for p in again.paragraphs if p.text.startswith("第")][-2:] == ["第一段。", "第二段。"]
    title = next(p for p in again.paragraphs if p.text == "关于办理提案的函")
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in again.paragraphs if p.text == "第一段。")
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28)
    assert again.tables[0].cell(1, 1).text == "区教育局"


def test_xlsx_has_title_headers_rows_and_neutralises_formulas():
    data = xlsx_bytes("提案目录", ["案号", "标题", "件数"], [["0001", "=HYPERLINK(1)", 3], ["0002", "关于…", 4]])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "提案目录"
    assert [c.value for c in ws[2]] == ["案号", "标题", "件数"]
    assert ws["B3"].value == "'=HYPERLINK(1)"
    assert ws["C4"].value == 4
    headers, rows = read_rows(data)
    assert headers == ["案号", "标题", "件数"]
    assert rows[0][0] == 3 and rows[1][1][0] == "0002"
