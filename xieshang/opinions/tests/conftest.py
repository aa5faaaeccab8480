from xieshang.organisations.tests.people import (  # noqa: F401 (fixtures)
    committee,
    info_office,
    leader,
    member,
    other_member,
    proposals_office,
    unit,
    unit_user,
)

GOOD_TEXT = (
    "近期，多位居民反映祖庙街道部分老旧小区加装电梯推进缓慢，主要原因是低层住户意见不一、"
    "费用分摊标准不明确、审批流程较长。建议区住建部门出台费用分摊指引，街道社区加强协调，"
    "对符合条件的项目开辟审批绿色通道，并公开办理进度，让群众看得见、等得起。"
)
