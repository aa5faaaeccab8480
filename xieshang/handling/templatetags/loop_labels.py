"""Chinese labels and tag colours for the loop's states, actions and choices, as the office words them."""

from __future__ import annotations

from django import template

register = template.Library()

LABELS: dict[str, dict[str, str]] = {
    "item": {
        "pending": "待交办",
        "handling": "办理中",
        "replied": "已答复待评价",
        "closed": "已办结",
        "declined": "不予受理",
    },
    "assignment": {
        "new": "待签收",
        "signed": "办理中",
        "return_requested": "申请退回中",
        "opinion_sent": "已提交会办意见",
        "replied": "已答复待审核",
        "awaiting_rating": "已答复待评价",
        "closed": "已办结",
        "returned": "已退回",
        "escalated": "已上报",
        "withdrawn": "已改派",
    },
    "mode": {"single": "单办", "split": "分办", "joint": "会办"},
    "role": {"lead": "主办", "co": "会办"},
    "request_kind": {"return": "退回", "extension": "延期"},
    "request_status": {"pending": "待审批", "approved": "已同意", "refused": "不同意"},
    "rating": {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"},
    "method": {
        "meeting": "当面",
        "forum": "座谈",
        "phone": "电话",
        "email": "电子邮件",
        "letter": "信函",
        "other": "其他",
    },
    "review": {"pending": "待审核", "passed": "审核通过", "rejected": "已驳回", "superseded": "已重办"},
    "action": {
        "accept": "受理",
        "assign": "交办",
        "decline": "不予受理",
        "reassign": "改派",
        "sign": "签收",
        "request_return": "申请退回",
        "request_extension": "申请延期",
        "return_approved": "同意退回",
        "return_refused": "不同意退回",
        "extension_approved": "同意延期",
        "extension_refused": "不同意延期",
        "contact": "记录沟通",
        "contact_reveal": "查看来件人完整号码",
        "co_opinion": "提交会办意见",
        "reply": "答复",
        "review_pass": "答复审核通过",
        "review_reject": "答复驳回重办",
        "rate": "评价",
        "close": "办结",
        "item_close": "事项办结",
        "item_requeue": "退回交办中心，待重新交办",
        "withdraw": "撤销会办",
        "close_unrated": "逾期未评价，自动办结",
        "rehandle": "不满意，重办",
        "supervise": "督办",
        "escalate": "上报",
        "escalate_auto": "超期自动上报",
        "overdue": "超期",
        "deadline_recomputed": "节假日调整，期限重算",
        "deadline_recounted": "按原计时重算期限",
        "import_history": "导入往年办理记录",
    },
}

TAGS = {
    "pending": "tag-amber",
    "new": "tag-amber",
    "return_requested": "tag-amber",
    "replied": "tag-blue",
    "awaiting_rating": "tag-blue",
    "handling": "tag-blue",
    "signed": "tag-blue",
    "opinion_sent": "tag-blue",
    "closed": "tag-green",
    "declined": "tag-grey",
    "returned": "tag-grey",
    "escalated": "tag-grey",
    "withdrawn": "tag-grey",
    "satisfied": "tag-green",
    "basic": "tag-blue",
    "unsatisfied": "tag-red",
    "approved": "tag-green",
    "refused": "tag-red",
}


@register.filter
def label(value: str, kind: str) -> str:
    """``{{ a.status|label:"assignment" }}`` → 待签收; an unknown value is shown as it is. A reader of
    繁體 gets the page converted whole (``core.middleware.ReaderScriptMiddleware``)."""
    return LABELS.get(kind, {}).get(value, value)


@register.filter
def tag_class(value: str) -> str:
    return TAGS.get(value, "")


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def get_fig(figures: dict, key: str):
    """``{{ row.figures|get_fig:ind.key }}``: one indicator's figure."""
    return figures.get(key)
