"""Generated files in the script of the person who downloads them (``xieshang.documents.script``)."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from xieshang.core import hant
from xieshang.documents import add_paragraphs, add_table, docx_bytes, official_document, xlsx_bytes
from xieshang.documents.http import download
from xieshang.documents.script import for_reader, name_for_reader


def _docx() -> bytes:
    doc = official_document(title="关于加快旧城区改造的答复", issuer="区住建局", number="（A类）")
    add_paragraphs(doc, ["您提出的《关于加快旧城区改造的建议》收悉。现答复如下：", "已研究落实。"])
    add_table(doc, ["类别", "件数"], [["城乡建设", 3]])
    return docx_bytes(doc)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    footers = [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells + footers)


def _xlsx_text(data: bytes) -> str:
    ws = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_a_docx_for_a_reader_of_traditional_is_in_traditional_script():
    from django.utils import translation

    data = _docx()
    with translation.override("zh-hant"):
        converted = for_reader(data, "答复函.docx")
        name = name_for_reader("答复函-2024001.docx")
    text = _docx_text(converted)
    assert "現答覆如下" in text and "已研究落實" in text and "城鄉建設" in text and "區住建局" in text
    assert hant.to_hant(text) == text, "a simplified-only character is left"
    assert name == "答覆函-2024001.docx"
    # the layout is kept: the same paragraphs and table, one for one
    before, after = Document(io.BytesIO(data)), Document(io.BytesIO(converted))
    assert len(before.paragraphs) == len(after.paragraphs) and len(before.tables) == len(after.tables)
    assert [r.style.name for r in before.paragraphs] == [r.style.name for r in after.paragraphs]


def test_a_reader_of_simplified_gets_the_file_as_built():
    from django.utils import translation

    data = _docx()
    with translation.override("zh-hans"):
        assert for_reader(data, "答复函.docx") is data
        assert name_for_reader("答复函.docx") == "答复函.docx"


def test_an_xlsx_is_converted_and_a_file_read_back_by_the_platform_is_not():
    from django.utils import translation

    data = xlsx_bytes("提案目录", ["类别", "标题"], [["城乡建设", "关于加快旧城区改造的建议"]])
    with translation.override("zh-hant"):
        converted = download(data, "提案目录.xlsx")
        kept = download(data, "提案导入模板.xlsx", as_written=True)
    text = _xlsx_text(converted.content)
    assert "城鄉建設" in text and "關於加快舊城區改造的建議" in text and hant.to_hant(text) == text
    assert "%E6%8F%90%E6%A1%88%E7%9B%AE%E9%8C%84" in converted["Content-Disposition"]  # 提案目錄
    assert kept.content == data and "类别" in _xlsx_text(kept.content)


@pytest.mark.chromium
def test_a_pdf_for_a_reader_of_traditional_is_drawn_in_traditional_script():
    from django.utils import translation

    from xieshang.documents import pdf
    from xieshang.duties.tests.test_file_pdf import drawn_characters

    html = '<html lang="zh-Hans"><body><h1>履职档案</h1><p>总分</p></body></html>'
    footer = '<div style="font-size:8px">第 <span class="pageNumber"></span> 页 · 年度报告</div>'
    options = {"display_header_footer": True, "header_template": "<span></span>", "footer_template": footer}
    with translation.override("zh-hant"):
        drawn = drawn_characters(pdf.render(html, "pdf", pdf_options=options))
    assert set("履職檔案總分頁報告") <= drawn and not set("职档总页报") & drawn
    with translation.override("zh-hans"):
        drawn = drawn_characters(pdf.render(html, "pdf", pdf_options=options))
    assert set("履职档案总分报告") <= drawn  # (页 may be named by its radical ⻚, which NFKC keeps)
