from __future__ import annotations

import pytest

from xieshang.insight.replycheck import check_reply

MESSAGE = "A3区潇楚南路洋湖段从2018年开始修，到现在快一年了，路挖得稀烂，一直不动工，影响交通和店面生意"
GOOD = (
    "您好！针对您反映的潇楚南路洋湖段道路施工问题，经调查，该项目为潇楚大道西线道路工程，因原路基土质较差需整体换填，"
    "施工单位已增加机械和人员，预计今年6月底完成路面施工。根据《城市道路管理条例》第二十四条，施工单位须按期完工，"
    "区住建局将督促施工单位加快进度并做好围挡和交通疏导。"
)


def codes(message: str, reply: str) -> set[str]:
    return {f.code for f in check_reply(message, reply)}


def test_a_full_reply_that_cites_a_rule_passes() -> None:
    assert codes(MESSAGE, GOOD) == set()


def test_a_thin_boilerplate_reply_is_flagged() -> None:
    got = codes(MESSAGE, "您好，感谢您的留言，您反映的问题已收悉，我们会尽快处理。")
    assert "too_thin" in got
    assert "no_basis" in got


def test_a_reply_about_something_else_is_flagged() -> None:
    other = (
        "您好！关于您反映的幼儿园收费问题，经核实，该园收费标准已经物价部门备案，根据有关规定执行，"
        "保教费按月收取，伙食费按实际就餐天数结算，家长如有疑问可以向教育局学前教育科咨询，我们将继续加强监管。"
    )
    assert "off_topic" in codes(MESSAGE, other)


@pytest.mark.parametrize("reply", ["", "   ", "ok", "字" * 100_000, "已\ud800处理", None])
def test_reply_check_never_raises(reply) -> None:  # type: ignore[no-untyped-def]
    flags = check_reply(MESSAGE, reply)  # type: ignore[arg-type]
    assert isinstance(flags, list)
    assert all(f.message for f in flags)
