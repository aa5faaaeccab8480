"""Fill locale/zh_Hans/LC_MESSAGES/django.po from the table below (run after makemessages).

Usage: .venv/bin/python scripts/translations_zh_hans.py  — entries already translated are kept.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

ZH = {
    "district": "区", "town or street": "镇街", "village or community": "村居", "grid": "网格",
    "code": "代码", "name": "名称", "level": "层级", "kind": "类型", "e.g. 社区居委会 or 村民委员会": "如 社区居委会、村民委员会",
    "parent": "上级", "area": "区域", "areas": "区域", "committee": "政协", "year": "年度", "title": "标题",
    "adopted by the chair's council on": "主席会议通过日期", "published on the portal": "已在门户公开",
    "consultation plan": "协商计划", "consultation plans": "协商计划", "the public": "社会公众", "a member": "委员",
    "a department": "部门", "the committee": "政协", "proposed": "已提出", "in the plan": "已列入计划",
    "not selected": "未列入", "concluded": "已完成", "description": "说明", "source": "来源", "proposed by": "提出者",
    "phone": "电话", "proposer account": "提出人账号", "status": "状态", "plan": "计划", "lead body": "牵头单位",
    "e.g. a special committee": "如某专门委员会", "decision note": "决定说明", "published outcome": "公开的成果",
    "outcome published at": "成果公开时间", "reference": "编号", "submission token": "提交令牌",
    "proposed at": "提出时间", "consultation topic": "协商议题", "consultation topics": "协商议题",
    "inspection (专项视察)": "专项视察", "research (专题调研)": "专题调研", "consultation meeting (协商会)": "协商会",
    "micro-consultation (微协商)": "微协商", "micro-inspection (微视察)": "微视察",
    "supervision meeting (督办协商会)": "督办协商会", "follow-up review (回头看)": "回头看", "planned": "计划中",
    "held": "已举行", "cancelled": "已取消", "topic": "议题", "starts at": "开始时间", "ends at": "结束时间",
    "place": "地点", "organised by": "组织单位", "agenda": "议程",
    "briefing, questions, answers, statements": "通报、提问、答复、发言", "minutes": "纪要",
    "minutes recorded at": "纪要录入时间", "sign-in opens": "签到开始", "sign-in closes": "签到截止",
    "created by": "创建人", "created at": "创建时间", "consultation activity": "协商活动",
    "consultation activities": "协商活动", "member": "委员", "leader": "领导", "unit staff": "承办单位人员",
    "outside expert": "特邀专家", "resident": "群众代表", "other": "其他", "invited": "已邀请",
    "leave requested": "已请假（待批）", "on approved leave": "已准假", "present": "出席",
    "absent without leave": "缺席（未请假）", "activity": "活动", "account": "账号",
    "organisation and post": "单位及职务", "attendance": "出席情况", "reason for leave": "请假事由",
    "signed in at": "签到时间", "participant": "参加人员", "participants": "参加人员", "user": "用户",
    "accepted": "已受理", "reason": "理由", "time": "时间", "sign-in attempt": "签到记录", "sign-in attempts": "签到记录",
    "meeting materials": "会议材料", "photo": "照片", "file": "文件", "uploaded by": "上传人", "uploaded at": "上传时间",
    "attachment": "附件", "attachments": "附件", "research activity": "调研活动", "summary": "摘要", "document": "文件",
    "completed on": "完成日期", "entered by": "录入人", "research report": "调研报告", "research reports": "调研报告",
    "a consultation activity": "协商活动", "a liaison station": "委员联络站", "source detail": "来源说明",
    "suggestion": "建议", "raised by": "提出人", "handling item": "办理事项", "recorded by": "记录人",
    "recorded at": "记录时间", "consultation suggestion": "协商建议", "consultation suggestions": "协商建议",
    "notice to participants": "参会通知", "materials due": "材料提交截止", "minutes due soon": "纪要即将到期",
    "minutes overdue": "纪要已超期", "due": "期限", "sent after the due date": "逾期发送", "sent at": "发送时间",
    "activity notice": "活动通知", "activity notices": "活动通知", "thread": "事项线索", "target": "对象",
    "action": "操作", "from state": "原状态", "to state": "新状态", "data": "数据", "actor": "操作人",
    "actor label": "操作人名称", "audit entry": "操作记录", "audit entries": "操作记录", "recipient": "接收人",
    "body": "内容", "link": "链接", "dedupe key": "去重键", "read at": "阅读时间", "notification": "通知",
    "notifications": "通知", "deadlines": "办理期限", "channel": "渠道", "history": "办理记录",
    "Empty: the channel's default rule.": "留空：该渠道的默认规则。", "sign-for window": "签收时限", "unit": "单位",
    "objection window": "申退时限", "first contact within": "首次沟通时限", "reply within": "答复时限",
    "latest extended deadline": "最长延期至", "co-unit opinion within": "会办意见时限",
    "remind this many days before the deadline": "到期前提醒天数", "days to rate": "评价期限（天）",
    "After this, an unrated reply is closed as not rated.": "逾期未评价的答复将自动办结（记为未评价）。",
    "office reviews replies": "答复须经机关审核", "escalate to the next area level when overdue": "超期自动上报上一级",
    "deadline rule": "期限规则", "deadline rules": "期限规则", "awaiting assignment": "待交办", "being handled": "办理中",
    "replied, awaiting rating": "已答复待评价", "closed": "已办结", "not accepted": "不予受理", "one unit": "单办",
    "several units, each replies": "分办", "lead unit with co-units": "会办", "text": "正文", "category": "类别",
    "source type": "来源类型", "source id": "来源编号", "assignment mode": "交办方式", "urgent": "紧急",
    "supervised": "督办", "overdue": "超期", "escalated to the district": "已上报至区级", "times returned": "退回次数",
    "reply due": "答复期限", "accepted at": "受理时间", "assigned at": "交办时间", "closed at": "办结时间",
    "handling items": "办理事项", "lead unit": "主办单位", "co-unit": "会办单位", "awaiting sign-for": "待签收",
    "return requested": "申请退回中", "opinion sent to the lead unit": "已向主办单位提交会办意见",
    "replied, awaiting review": "已答复待审核", "awaiting rating": "待评价", "returned": "已退回",
    "escalated": "已上报", "withdrawn": "已撤回", "item": "事项", "role": "角色", "handling round": "办理轮次",
    "assigned by": "交办人", "clock started at": "计时起点", "sign-for due": "签收期限",
    "return may be asked until": "申退截止", "first contact due": "首次沟通期限", "extended to": "延期至",
    "deadline uses an unpublished holiday schedule": "期限涉及尚未公布的节假日安排（待定）",
    "signed for at": "签收时间", "first contact at": "首次沟通时间", "replied at": "答复时间",
    "first replied at": "首次答复时间", "rating due": "评价期限", "times re-handled": "重办次数", "resolved": "已解决",
    "passed on to": "转交给", "The assignment that took over after a reassignment or escalation.": "改派或上报后接续办理的交办记录。",
    "assignment": "交办", "assignments": "交办", "awaiting review": "待审核", "passed": "审核通过", "sent back": "驳回",
    "superseded by re-handling": "已因重办作废", "round": "轮次", "reply": "答复", "adopted suggestions": "采纳建议条数",
    "measures taken": "采取措施", "review": "审核", "review note": "审核意见", "reviewed by": "审核人",
    "reviewed at": "审核时间", "replied by": "答复人", "replies": "答复", "opinion": "意见", "sent by": "发送人",
    "co-unit opinion": "会办意见", "co-unit opinions": "会办意见", "face to face": "当面", "forum": "座谈",
    "e-mail": "电子邮件", "letter": "信函", "method": "方式", "when": "时间", "note": "备注", "contact": "沟通",
    "contacts": "沟通记录", "return": "退回", "extension": "延期", "pending": "待处理", "approved": "已同意",
    "refused": "不同意", "extend to": "延期至", "suggested unit": "建议承办单位", "decided by": "审批人",
    "decided at": "审批时间", "requested by": "申请人", "requested at": "申请时间", "unit request": "单位申请",
    "unit requests": "单位申请", "satisfied": "满意", "basically satisfied": "基本满意", "unsatisfied": "不满意",
    "rater": "评价人", "rater name": "评价人姓名", "rating": "评价", "comment": "评价意见",
    "Staff who entered the rating for someone offline.": "代线下评价人录入评价的工作人员。", "rated at": "评价时间",
    "ratings": "评价", "instruction": "批示", "supervision": "督办", "supervisions": "督办",
    "not signed for in time": "未按时签收", "reply due soon": "即将到期", "reply overdue": "答复超期",
    "co-unit opinion due soon": "会办意见即将到期", "deadline": "期限", "reminder": "提醒", "reminders": "提醒",
    "enquiry": "咨询", "complaint": "投诉", "tracking code": "查询码", "may be published": "同意公开",
    "submitted at": "提交时间", "citizen message": "群众留言", "citizen messages": "群众留言",
    "being compiled": "编辑中", "released": "已报送", "issue number": "期号", "editor's note": "编者按",
    "compiled by": "编辑人", "released at": "报送时间", "released by": "报送人", "bulletin issue": "专报期刊",
    "bulletin issues": "专报期刊", "bulletin counter": "期号计数", "bulletin counters": "期号计数",
    "district Party committee": "区委", "district government": "区政府", "parent CPPCC committee": "上级政协",
    "issue": "期", "recipient name": "报送对象", "release": "报送", "releases": "报送记录",
    "submitted, being edited": "已提交，编辑中", "sent back to the author": "退回作者", "adopted": "已采用",
    "not adopted": "未采用", "released in a bulletin": "已编入专报", "party or people's organisation": "党派团体",
    "special committee": "专门委员会", "liaison group": "联络组", "submitted as": "提交身份", "organisation": "组织",
    "sector": "界别", "party affiliation": "政治面貌", "by a Hong Kong or Macao member": "港澳委员提交",
    "submitted by": "提交人", "author confirmed one matter": "作者确认一事一报", "reason sent back": "退回理由",
    "opinion report": "社情民意信息", "opinion reports": "社情民意信息", "report": "信息", "version": "版本",
    "what changed": "修改内容", "by": "修改人", "at": "时间", "report version": "信息版本", "report versions": "信息版本",
    "this committee": "本级政协", "city CPPCC": "市政协", "provincial CPPCC": "省政协", "national CPPCC": "全国政协",
    "city Party committee": "市委", "city government": "市政府", "adopted on": "采用日期",
    "issue or document number": "期号或文号", "adoption": "采用", "adoptions": "采用记录", "district leader": "区领导",
    "city leader": "市领导", "provincial leader": "省领导", "central leader": "中央领导", "post": "职务", "date": "日期",
    "instructions": "批示", "event": "事件", "points": "分值", "scoring rule": "计分规则", "scoring rules": "计分规则",
    "national": "全国", "province": "省", "city": "市", "short name": "简称", "parent committee": "上级政协",
    "committees": "政协", "number": "序号", "starts on": "起始日期", "ends on": "结束日期", "current": "本届",
    "term": "届次", "terms": "届次", "opens on": "开幕日期", "closes on": "闭幕日期",
    "plenary proposals accepted from": "大会提案征集开始", "plenary proposals accepted until": "大会提案征集截止",
    "session": "会议", "sessions": "会议", "sectors": "界别", "special committees": "专门委员会",
    "government department": "政府部门", "other body": "其他单位",
    "For a town, street or village committee: the area it answers for.": "镇街、村居填写其负责的区域。",
    "active": "启用", "handling unit": "承办单位", "handling units": "承办单位", "committee staff": "政协机关",
    "handling-unit staff": "承办单位人员", "liaison-station host": "联络站站长", "administrator": "系统管理员",
    "none": "无", "proposals office": "提案委", "information office": "信息办", "secretariat": "办公室",
    "Party and government office": "两办", "full name": "姓名", "office": "所属部门", "users": "用户",
    "gender": "性别", "standing member": "常委", "Hong Kong or Macao member": "港澳委员",
    "workplace and post": "工作单位及职务", "members": "委员", "leaders": "领导", "proposer kind": "提案人类型",
    "submitting body": "提交单位", "situation": "基本情况", "analysis": "问题分析", "suggestions": "意见建议",
    "number of suggestions": "建议条数", "suggested handling units": "建议承办单位", "integrity declaration": "诚信声明",
    "declaration confirmed": "已确认声明", "handling": "办理", "case number": "案号", "ground for not filing": "不立案理由",
    "merged into": "并入", "consents to conversion to an opinion report": "同意转为社情民意信息",
    "opinion report reference": "社情民意信息编号", "key proposal": "重点提案",
    "entered by staff on the proposer's behalf": "工作人员代录", "form token": "表单令牌", "search text": "检索文本",
    "proposal": "提案", "proposals": "提案", "order": "顺序",
    "For a body: the staff member who submits and rates for it.": "单位提案：代表单位提交和评价的工作人员。",
    "confirmed at": "确认时间", "declined at": "拒绝时间", "proposer": "提案人", "proposers": "提案人",
    "file name": "文件名", "size": "大小", "case number counter": "案号计数", "case number counters": "案号计数",
    "leading leader": "领衔督办领导", "decided on": "确定日期", "key proposals": "重点提案", "held on": "举行日期",
    "supervision activity": "督办活动", "supervision activities": "督办活动", "published text": "公开文本",
    "published at": "公开时间", "withdrawn at": "撤回时间", "published reply": "公开答复", "published replies": "公开答复",
    "working days": "工作日", "calendar days": "自然日", "hours": "小时", "months": "月", "updated at": "更新时间",
    "calendar year": "节假日年度", "calendar years": "节假日年度", "is a working day": "上班",
    "e.g. 国庆节": "如 国庆节", "calendar exception": "节假日调整", "calendar exceptions": "节假日调整",
    "no longer needed": "已撤回", "confidence": "置信度",
}  # fmt: skip


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines)).replace('\\"', '"')


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    # every entry starts after a blank line, the first one after the header included
    text = re.sub(r'"\n(#: )', lambda m: '"\n\n' + m.group(1), text)
    blocks = text.split("\n\n")
    filled = 0
    for i, block in enumerate(blocks):
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)$', block + "\n", re.M)
        if not m or "msgid_plural" in block:
            continue
        msgid, msgstr = _unquote(m.group(1)), _unquote(m.group(2))
        if not msgid or msgstr or msgid not in ZH:
            continue
        new = ZH[msgid].replace('"', '\\"')
        blocks[i] = block[: m.start(2)] + f'"{new}"' + block[m.end(2) :].rstrip("\n")
        blocks[i] = blocks[i].replace("#, fuzzy\n", "")
        filled += 1
    text = "\n\n".join(blocks)
    text = text.replace(
        '"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"'
    )
    text = text.replace('"Language: \\n"', '"Language: zh_Hans\\n"')
    text = re.sub(r'"Plural-Forms: .*"', lambda _m: '"Plural-Forms: nplurals=1; plural=0;\\n"', text)
    text = text.replace('#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id', 'msgid ""\nmsgstr ""\n"Project-Id', 1)
    PO.write_text(text, encoding="utf-8")
    print(f"filled {filled} translations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
