"""Text normalisation and tokenisation shared by routing, same matter, hotspots and the reply check.

Every function here accepts any string (empty, another script, very long) and never raises.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable

import rjieba

# Texts longer than this are cut before analysis: a message's matter is stated at its start, and
# it bounds the time any single call can take.
MAX_CHARS = 4000

_WS = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MASK = re.compile(r"\*{2,}")
# Place codes masked by the data's publisher (A市, A2区, K8县, C5市) and the province's masked name
# are shared by thousands of unrelated messages, so they carry no evidence of the same matter.
_PLACE_CODE = re.compile(r"[A-Z][0-9]{0,2}(?:市|区|县|镇)|西地省")
_HAN = re.compile(r"[\u4e00-\u9fff]")

# A concrete named thing: 2-10 characters ending in a suffix that names an estate, site, company,
# project, school or road.
ENTITY_SUFFIXES = (
    "小区|花园|花苑|华苑|家园|公寓|山庄|新村|新城|国际|广场|大厦|商城|市场|"
    "公司|集团|银行|支行|平台|工厂|米业|厂|"
    "项目|工程|工地|地块|楼盘|"
    "学校|小学|中学|大学|学院|幼儿园|医院|卫生院|"
    "大道|路|街道|街区|街|桥|站|线(?![上下])|公园|湖|"
    "社区|村"
)
_ENTITY = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{2,10}?(?:" + ENTITY_SUFFIXES + "))")
# Words that begin a clause rather than a name; an entity candidate is cut after the last of them.
# A suggestion's verbs (加快…建设, 推动…, 鼓励…, 配套…), quantifiers (部分, 一批) and words of
# position (周边, 附近) begin a clause or a description too, and so does a request (请有关部门尽快派人维修).
_ENTITY_CUT = re.compile(
    r".*(?:的|在|和|与|及|或|是|了|对|向|从|把|被|给|将|用|位于|关于|反映|投诉|举报|请问|问问|咨询|我们|我"
    r"|但|并|而|每个|各个|这个|那个|多个|一个|一批|多所|部分|全面|重点|周边|附近|旁边|沿线"
    r"|加快|推动|推进|完善|加强|优化|做好|打通|设立|引入|支持|规范|促进|提升|落实|建立|新建|扩建|配套"
    r"|开展|鼓励|引导|指导|督促|利用|制定|培育|实现|保障|提高|增设|覆盖|纳入|排查|串联|整治|编制|建设(?![路街大银局厅])"
    r"|请|尽快|派人|维修|修复|有关|相关)"
)
_GENERIC_ENTITIES = frozenset(
    {
        "小区",
        "公司",
        "项目",
        "学校",
        "医院",
        "社区",
        "道路",
        "马路",
        "公路",
        "开发商",
        "物业公司",
        "有限公司",
        "该小区",
        "本小区",
        "我们小区",
        "住宅小区",
        "城镇小区",
        "这个小区",
        "该公司",
        "该项目",
        "工地",
        "施工工地",
        "幼儿园",
        "小学",
        "中学",
        "大学",
        "派出所",
        "高速公路",
        "农村",
        "本村",
        "我村",
        "国际",
        "中心",
        "平台",
        "市场",
    }
)

# Kinds of problem a message is about, read from its title and first sentences. Two messages that
# each name a kind and share none are about different matters even at the same estate or when
# written from the same template (see similarity.PROBLEM_MISMATCH).
PROBLEM_TYPES: tuple[tuple[str, str], ...] = (
    ("油烟", "油烟|烟道|排烟|餐饮|烧烤"),
    ("噪音", "噪音|噪声|扰民|吵"),
    ("房屋质量", "开裂|裂缝|质量问题|渗水|漏水"),
    ("停车", "停车|车位|车库"),
    ("学位", "学位|入学|学区|招生|划片"),
    ("工资", "拖欠工资|欠薪|工资"),
    ("退款", "退款|退房|退还|定金|购房款"),
    ("违建", "违建|违章|搭建|扩建"),
    ("电力设施", "高压线|高压电|变电站|电线"),
    ("集资诈骗", "集资|兑付|诈骗|传销|p2p|理财|投资"),
    ("施工", "施工|工地"),
    ("价格收费", "降价|价格|收费|涨价"),
    ("交通设施", "地铁|公交|站点|设站|通道"),
    ("污染", "污染|废气|排污|偷排|臭"),
    ("医疗机构", "医院|诊所"),
)
_PROBLEMS = [re.compile(pattern) for _name, pattern in PROBLEM_TYPES]
PROBLEM_HEAD_CHARS = 100


def collapse_spaces(text: str | None) -> str:
    """``text`` with each run of whitespace made one space and none at the ends, otherwise as written."""
    return _WS.sub(" ", text or "").strip()


def encodable(text: str) -> str:
    """``text`` with any lone surrogate (from a JSON \\ud800 escape, which has no UTF-8 form) made '?'."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def clean(text: object) -> str:
    """NFKC-normalised text with runs of whitespace collapsed, cut to MAX_CHARS; '' for non-strings."""
    if not isinstance(text, str) or not text:
        return ""
    return collapse_spaces(unicodedata.normalize("NFKC", encodable(text[: MAX_CHARS * 2])))[:MAX_CHARS]


def is_meaningful(text: str) -> bool:
    """Whether ``text`` has any Chinese character to analyse."""
    return bool(_HAN.search(text or ""))


def strip_noise(text: str) -> str:
    """Text without URLs, masked digits and masked place codes, lower-cased, without spaces."""
    text = _URL.sub(" ", text)
    text = _MASK.sub(" ", text)
    text = _PLACE_CODE.sub(" ", text)
    return text.lower().replace(" ", "")


def strip_place_codes(text: str) -> str:
    """``text`` without the masked place codes (A市, A2区, 西地省), which say nothing of its subject."""
    return _PLACE_CODE.sub("", text)


def entities(text: str) -> list[str]:
    """Candidate names of concrete things (estates, companies, projects, schools, roads) in ``text``."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _ENTITY.finditer(strip_noise(text)):
        name = _ENTITY_CUT.sub("", match.group(1))
        if len(name) < 3 or name in _GENERIC_ENTITIES or name in seen:
            continue
        seen.add(name)
        found.append(name)
    return found


# A masked district or county code (A3区, A7县, K9县). The codes are the same for the same place
# across messages, so two messages naming only different districts are about different sites.
_DISTRICT = re.compile(r"([A-Z])([0-9]{1,2})(?:区|县)")


def _head(title: str, text: str) -> str:
    """The title and first sentences, where a message names its matter."""
    return clean(title) + "。" + clean(text)[:PROBLEM_HEAD_CHARS]


def _place_bits(head: str) -> int:
    mask = 0
    for letter, number in _DISTRICT.findall(head):
        mask |= 1 << (((ord(letter) - 65) * 17 + int(number)) % 16)
    return mask


def _problem_bits(head: str) -> int:
    head = head.lower()
    mask = 0
    for k, pattern in enumerate(_PROBLEMS):
        if pattern.search(head):
            mask |= 1 << k
    return mask


def place_mask(title: str, text: str) -> int:
    """Bits (16) of the district codes named in the title or first sentences; 0 when none.

    Bit = (letter * 17 + number) mod 16, so A1..A9 (nearly all messages) get bits of their own;
    two rarer codes sharing a bit only hide a difference, they never invent one.
    """
    return _place_bits(_head(title, text))


def problem_mask(title: str, text: str) -> int:
    """Bit k set when the title or first sentences name problem kind k of ``PROBLEM_TYPES``."""
    return _problem_bits(_head(title, text))


def masks(title: str, text: str) -> tuple[int, int]:
    """``(problem_mask, place_mask)`` of a message, its head cleaned once."""
    head = _head(title, text)
    return _problem_bits(head), _place_bits(head)


def words(text: str, *, hmm: bool = False) -> list[str]:
    """jieba words of ``text`` (rjieba: jieba's dictionary and method), without spaces and punctuation;
    ``hmm`` also finds words the dictionary lacks."""
    if not text:
        return []
    return [w for w in rjieba.cut(encodable(text), hmm) if w.strip() and not unicodedata.category(w[0]).startswith("P")]


def content_words(text: str) -> list[str]:
    """The words of two or more characters of ``text``, words outside the dictionary included."""
    return [w for w in words(text, hmm=True) if len(w) > 1]


def word_ngrams(tokens: list[str]) -> list[str]:
    """Unigrams and bigrams of a token list."""
    return tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]


def char_ngrams(text: str, sizes: Iterable[int] = (2, 3)) -> list[str]:
    """Overlapping character n-grams of ``text`` for each size in ``sizes``."""
    grams: list[str] = []
    for n in sizes:
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams
