"""``hant.convert_html``: a 繁體 reader's page converted whole, what the page sends back left as rendered."""

from __future__ import annotations

from xieshang.core import hant


def convert(html: str) -> str:
    return hant.convert_html(html, hant.to_hant)


def test_the_text_and_the_attributes_a_person_reads_are_converted():
    assert convert("<title>提案办理</title><p>关于发展</p>") == "<title>提案辦理</title><p>關於發展</p>"
    assert (
        convert('<td data-label="承办单位" title="说明">区住建局</td>')
        == '<td data-label="承辦單位" title="説明">區住建局</td>'
    )
    assert convert('<input name="q" placeholder="请输入" aria-label="搜索">') == (
        '<input name="q" placeholder="請輸入" aria-label="搜索">'
    )
    assert convert('<button type="submit" data-confirm="确定签发？">签发</button>') == (
        '<button type="submit" data-confirm="確定簽發？">簽發</button>'
    )
    assert convert('<input type="submit" value="确认">') == '<input type="submit" value="確認">'
    assert convert('<optgroup label="经济类"><option value="1">城乡建设</option>') == (
        '<optgroup label="經濟類"><option value="1">城鄉建設</option>'
    )


def test_what_a_form_sends_back_is_left_as_rendered():
    kept = (
        '<input type="text" name="title" value="关于经济">'
        '<input type="hidden" name="note" value="经智能并案建议">'
        '<input type="submit" name="act" value="批准">'
        '<button type="submit" name="x" value="签发">'
        '<textarea name="s">一、简化审批</textarea>'
        '<select name="c"><option value="城乡建设" selected>'
        '<a href="/proposals/?category=城乡建设">'
        '<div hx-vals=\'{"note": "经济"}\' data-unit="区住建局">'
        "<style>td::before { content: \"说明\"; }</style><script>var a = '经济';</script>"
    )
    assert convert(kept) == kept
    # an option without a value sends its text
    assert convert("<option>经济发展</option><option value='1'>经济</option>") == (
        "<option>经济发展</option><option value='1'>經濟</option>"
    )
    # a textarea's own labels are read, its text is what it sends
    assert convert('<textarea name="s" placeholder="请填写">一、简化</textarea>') == (
        '<textarea name="s" placeholder="請填寫">一、简化</textarea>'
    )


def test_a_chart_s_json_block_is_converted_and_stays_json():
    page = '<script id="d" type="application/json">{"labels": ["\\u63d0\\u6848\\u529e\\u7406", "a<b&c"]}</script>'
    assert convert(page) == (
        '<script id="d" type="application/json">{"labels": ["提案辦理", "a\\u003Cb\\u0026c"]}</script>'
    )
    ascii_only = '<script type="application/json">{"n": [1, 2]}</script>'
    assert convert(ascii_only) == ascii_only


def test_phrases_do_not_run_across_pieces_and_odd_markup_survives():
    # 头发 is one phrase (頭髮); split by a tag it is two words
    assert convert("<p>头发</p><p>头<b>发</b></p>") == "<p>頭髮</p><p>頭<b>發</b></p>"
    odd = '<!DOCTYPE html><!-- 注释 --><p title="a > b 说明">x</p></div>开'
    assert convert(odd) == '<!DOCTYPE html><!-- 注释 --><p title="a > b 説明">x</p></div>開'
    assert convert("a\x1eb 发展") == "a\x1eb 發展"  # a page holding the separator itself
    assert convert("") == ""
