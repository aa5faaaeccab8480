import pytest

from xieshang.proposals.redaction import MASK, redact
from xieshang.proposals.services import count_suggestions
from xieshang.proposals.similar import bigram_similarity


@pytest.mark.parametrize(
    "text, secret",
    [
        ("联系电话 13800138000。", "13800138000"),
        ("手机：+86 138 0013 8000", "138 0013 8000"),
        ("请致电 0757-83001234 转 801", "0757-83001234"),
        ("座机（0757）83001234", "83001234"),
        ("身份证号 44060419800101123X 已核实", "44060419800101123X"),
        ("旧证 440604800101123", "440604800101123"),
        ("邮箱 zhang.san@foshan.gov.cn", "zhang.san@foshan.gov.cn"),
        ("电话：83001234", "83001234"),
    ],
)
def test_contact_details_are_masked(text, secret):
    out = redact(text)
    assert secret not in out and MASK in out


def test_ordinary_numbers_and_extra_words_are_handled():
    text = "2022年投入资金1200万元，新建12345个车位，拨打12345热线。联系人张三。"
    assert redact(text) == text
    assert redact(text, ["张三"]) == text.replace("张三", MASK)


def test_suggestions_are_counted_from_numbered_lines():
    assert count_suggestions("一、简化审批。\n二、设立补贴。\n（三）建立机制。") == 3
    assert count_suggestions("1. 甲\n2. 乙") == 2
    assert count_suggestions("加快推进。") == 1
    assert count_suggestions("") == 0


def test_bigram_similarity_ranks_the_same_matter_higher():
    a = "关于加快老旧小区加装电梯的建议"
    assert bigram_similarity(a, "关于推进老旧小区加装电梯工作的提案") > bigram_similarity(a, "关于发展夜间经济的建议")


def test_similar_proposals_are_shown_while_drafting(w, run, filed):
    from xieshang.proposals import selectors
    from xieshang.proposals import services as ps

    from .conftest import CONTENT

    filed(1, title="关于推进老旧小区加装电梯工作的建议")
    filed(2, title="关于发展夜间经济的建议", suggestions="一、延长营业时间。")
    draft = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    titles = [p.title for p, _ in selectors.similar_to(draft)]
    assert titles and titles[0] == "关于推进老旧小区加装电梯工作的建议"
