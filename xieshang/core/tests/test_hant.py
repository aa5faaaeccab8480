"""The zh_Hant catalogues are generated from zh_Hans and committed; these tests keep them current."""

from __future__ import annotations

from xieshang.core import hant

HANS = """msgid ""
msgstr ""
"Language: zh_Hans\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#: xieshang/a.py:1
msgid "e.g. 社区居委会"
msgstr "如 社区居委会"

#: xieshang/a.py:2
msgid "handling"
msgstr "办理经过"

#: xieshang/a.py:3
msgid "one day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s个工作日后处理"

#: xieshang/a.py:4
#, fuzzy
msgid "draft"
msgstr "草稿"
"""


def test_msgstrs_are_converted_with_the_hong_kong_profile_and_msgids_kept():
    out = hant.generate(HANS)
    assert 'msgid "e.g. 社区居委会"\nmsgstr "如 社區居委會"' in out
    assert 'msgstr "辦理經過"' in out
    assert 'msgstr[0] "%(n)s個工作日後處理"' in out
    assert '"Language: zh_Hant\\n"' in out
    assert '#, fuzzy\nmsgid "draft"' in out


def test_an_entry_marked_reviewed_keeps_its_hand_made_translation():
    first = hant.generate(HANS)
    edited = first.replace(
        '#: xieshang/a.py:2\nmsgid "handling"\nmsgstr "辦理經過"',
        '# 港澳委員慣用「處理」\n#: xieshang/a.py:2\n#, reviewed\nmsgid "handling"\nmsgstr "處理經過"',
    )
    assert edited != first
    again = hant.generate(HANS.replace("xieshang/a.py:2", "xieshang/b.py:9"), edited)
    assert '# 港澳委員慣用「處理」\n#: xieshang/b.py:9\n#, reviewed\nmsgid "handling"\nmsgstr "處理經過"' in again
    # an unmarked edit is overwritten by the next run
    unmarked = first.replace('msgstr "辦理經過"', 'msgstr "處理經過"')
    assert 'msgstr "辦理經過"' in hant.generate(HANS, unmarked)


def test_generation_is_stable():
    out = hant.generate(HANS)
    assert hant.generate(HANS, out) == out


def test_every_zh_hans_catalogue_has_a_current_zh_hant_catalogue():
    pairs = hant.catalogues()
    assert any(p[0].parts[-4:-2] == ("locale", "zh_Hans") and "outreach" in p[0].parts for p in pairs)
    missing = [str(t) for _, t in pairs if not t.exists()]
    stale = [str(p) for p in hant.stale()]
    assert not missing and not stale, (
        "繁体词条不是最新，请运行 .venv/bin/python manage.py make_hant 并提交生成的 zh_Hant .po 文件："
        + "、".join(missing + stale)
    )
