"""Demo data: suggestion categories with routing rules, ratings of what the hall and cases demos served, a few
bad reviews taken through the whole rectification loop, and about 60 citizen suggestions since 2021.

Consistent with the seed (Huli): comprehensive windows with zero bad reviews, satisfaction 100%, 非常满意
about 99.3%; "2021 年以来主动征集意见建议约 60 条，均已转相关责任单位办理落实" with all three dispositions
(立行立改 / 限期整改 / 解释说明). The few bad reviews fall on the Fu'an HR window and are all rectified.

Idempotent: categories are upserted; ratings skip rated services; suggestions are keyed by an idempotency key.
Ticket ratings are attributed to an item of the ticket's window category (the hall demo does not record items).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from onewindow.core import clock
from onewindow.feedback import services, targets
from onewindow.feedback.links import RatingToken
from onewindow.feedback.models import (
    Channel,
    Level,
    Rating,
    RatingEvent,
    RoutingRule,
    Suggestion,
    SuggestionCategory,
    UserProp,
)

TZ = dt.timezone(dt.timedelta(hours=8))

CATEGORIES = [
    # code, name, group, description, keywords, default department, due workdays, 办不成事
    ("cant-do", "办不成事反映", "办事服务", "在大厅或网上办事遇到办不成、办不快的问题（兜底服务）", "办不成,办不了,卡住", None, 15, True),
    ("process", "办理环节与跑动", "办事服务", "办理环节多、跑动次数多、等候时间长", "环节,跑,排队,等候", None, 10, False),
    ("materials", "材料与办事指南", "办事服务", "材料标准不一致、重复提交、指南不清", "材料,证明,指南,样本", None, 10, False),
    ("attitude", "窗口服务态度", "服务质量", "窗口工作人员服务态度、业务水平", "态度,服务", None, 5, False),
    ("hall-env", "大厅环境设施", "服务环境", "座椅、停车、空调、饮水、自助设备等", "座椅,停车,空调,饮水", None, 10, False),
    ("online", "网上办与掌上办", "服务渠道", "网上办事大厅、掌上办、自助终端的问题", "网上,手机,小程序,自助机", None, 10, False),
]

# keyword → department code; applied to every category (lower number wins)
KEYWORD_RULES = [
    ("营业执照", "HL-SCJ"), ("食品", "HL-SCJ"), ("个体", "HL-SCJ"), ("施工", "HL-ZJJ"), ("工程", "HL-ZJJ"),
    ("社保", "HL-RSJ"), ("退休", "HL-RSJ"), ("就业", "HL-RSJ"), ("医保", "HL-YBJ"), ("税", "HL-SWJ"),
    ("发票", "HL-SWJ"), ("户口", "HL-GAFJ"), ("居住证", "HL-GAFJ"), ("停车", "HL-JTJ"), ("消防", "HL-XFJY"),
    ("旅馆", "HL-WLJ"), ("卫生", "HL-WJJ"), ("残疾", "HL-CL"), ("婚姻", "HL-MZJ"), ("养老", "HL-MZJ"),
]
# the category's default unit when no keyword matches (hall environment has none: a supervisor assigns it)
FALLBACK_DEPT = {"online": "HL-SCJ", "attitude": "HL-SCJ", "process": "HL-SCJ", "materials": "HL-SCJ",
                 "cant-do": "HL-SCJ"}
REASSIGN_TO = "HL-CGJ"

# (category, kind, text, disposition, reply)
SUGGESTIONS = [
    ("hall-env", "suggestion", "等候区座椅不舒服，老人久坐腰疼", "fix_now", "已更换为带靠背的软座椅，并增设爱心座椅"),
    ("hall-env", "complaint", "办事难停车，周边停车位太少", "fix_deadline", "已协调周边单位开放共享车位，并在大厅公示停车指引"),
    ("process", "suggestion", "开饭店要跑好几个窗口，办理环节太多", "fix_deadline", "已推出“我要开饭店”一件事，一表申请、一窗受理"),
    ("materials", "complaint", "同一份材料不同窗口要求不一致，材料标准不一致", "fix_now", "已统一材料标准并更新办事指南和样本"),
    ("attitude", "complaint", "窗口服务态度不好，问两句就不耐烦", "fix_now", "已约谈当事人并开展服务礼仪培训，向您致歉"),
    ("hall-env", "suggestion", "大厅空调太冷，希望调高温度", "fix_now", "已将温度调整为26℃"),
    ("online", "suggestion", "手机上办营业执照变更，上传材料总失败", "fix_now", "已修复上传组件，单个文件上限提高到10MB"),
    ("materials", "consult", "个体户注销还要提供税务证明吗", "explain", "已实现数据共享，无需再提交清税证明"),
    ("cant-do", "help", "外地社保转移接续，跑了两次没办成", "fix_now", "已由办不成事窗口专人帮办，当天办结"),
    ("process", "complaint", "中午去办事窗口没人", "fix_now", "湖里区行政服务中心已实行午间不休、延时服务"),
    ("hall-env", "suggestion", "希望大厅提供免费饮水和充电", "fix_now", "已在等候区设置直饮水机和手机充电站"),
    ("materials", "complaint", "办理居住证要求提供的证明办事指南上没有", "explain", "依据《居住证暂行条例》须提供居住证明，指南已补充说明并附样本"),
    ("cant-do", "complaint", "旅馆开办消防手续卡住，不知道找哪个部门", "fix_deadline", "已纳入“我要开旅馆”一件事，消防与特行许可并联办理"),
    ("online", "suggestion", "自助机操作太复杂，老年人不会用", "fix_now", "已开通适老化大字模式并安排志愿者帮办"),
    ("process", "suggestion", "施工许可审批时间长，希望压缩", "fix_deadline", "工程建设项目审批已压缩至法定时限的一半以内"),
    ("attitude", "praise", "3号窗口工作人员耐心细致，一次办好", "fix_now", "感谢您的肯定，已转达并给予表扬"),
    ("materials", "complaint", "退休审批要的材料太多", "explain", "依据国家规定须核对档案材料，已推行档案数字化减少提交"),
    ("cant-do", "help", "残疾人证换证行动不便无法到现场", "fix_now", "已提供上门办理服务"),
    ("process", "complaint", "医保报销要跑医院和医保局两个地方", "fix_deadline", "已实现医院直接结算，无需再跑医保窗口"),
    ("hall-env", "complaint", "取号机经常卡纸", "fix_now", "已更换取号机打印模块"),
    ("online", "consult", "网上预约后到大厅还要重新排队吗", "explain", "预约号到场签到即进入优先队列，无需重新取号"),
    ("materials", "suggestion", "希望提供表格填写样本", "fix_now", "各窗口已提供填写样表，网上同步公布"),
    ("cant-do", "complaint", "税务发票领用网上办不了", "fix_now", "已核实为账号权限问题，已开通并指导办理"),
    ("attitude", "complaint", "窗口人员业务不熟练，来回查资料", "fix_deadline", "已开展综合窗口全科业务轮训，考核上岗"),
    ("process", "suggestion", "婚姻登记预约名额太少", "fix_deadline", "已增加节假日前后预约号源"),
    ("cant-do", "help", "公司地址变更涉及三个部门，不知道先办哪个", "fix_now", "已由帮办代办员全程引导，一窗受理并联办理"),
    ("hall-env", "suggestion", "母婴室太小，希望改善", "fix_deadline", "已扩建母婴室并配备尿布台和饮水设施"),
    ("online", "complaint", "掌上办登录老是验证失败", "fix_now", "已升级身份认证接口，问题已解决"),
    ("materials", "suggestion", "食品经营许可的平面图要求不清楚", "fix_now", "已发布平面图绘制样例并可现场指导"),
    ("attitude", "praise", "办不成事窗口工作人员主动帮我协调，很感动", "fix_now", "感谢您的表扬，已转达"),
    ("process", "complaint", "下午四点后就不取号了，上班族来不及", "explain", "按规定17:30停止办理，已开通网上预约和延时服务"),
    ("hall-env", "suggestion", "大厅指引标识不清楚，找不到综合窗口", "fix_now", "已重新设置导视标识并安排导办员"),
    ("online", "suggestion", "希望营业执照可以邮寄到家", "fix_now", "已开通免费邮寄送达和24小时智能柜取件"),
    ("materials", "complaint", "社保卡补办要求的照片规格和照相馆说的不一样", "fix_now", "已统一照片规格说明并提供现场拍照"),
    ("cant-do", "complaint", "老旧小区加装电梯审批不知道找谁", "explain", "依据相关规定由街道统筹、住建部门审批，已告知办理路径并专人跟进"),
]
CONTEXTS = ["", "周一上午", "月底高峰时段", "上次办事时", "陪老人办事时", "网上预约后到场时"]

HULI_LEVELS = [(Level.VERY_SATISFIED, 993), (Level.SATISFIED, 6), (Level.BASIC, 1)]
FUAN_LEVELS = [(Level.VERY_SATISFIED, 990), (Level.SATISFIED, 8), (Level.BASIC, 2)]
CHANNEL_MIX = [(Channel.HALL_PAD, 84), (Channel.QR, 10), (Channel.MOBILE, 4), (Channel.HALL_TERMINAL, 2)]
REASONS_GOOD = {Level.VERY_SATISFIED: ["510", "511", "512", "515", "516", "517", "517", "517"],
                Level.SATISFIED: ["408", "410", "411", "413"], Level.BASIC: ["309", "310", "314"]}
ACTIVE_SHARE = 0.93  # the rest stays unrated (default rating after the configured days)


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _pick(rnd: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rnd.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _departments() -> dict[str, Any]:
    from onewindow.catalog.models import Department

    return {d.code: d for d in Department.objects.all()}


@transaction.atomic
def _categories() -> dict[str, SuggestionCategory]:
    depts = _departments()
    result = {}
    for order, (code, name, group, desc, keywords, _dept, due, cant) in enumerate(CATEGORIES):
        cat, _ = SuggestionCategory.objects.update_or_create(code=code, defaults={
            "name": name, "group": group, "description": desc, "keywords": keywords, "due_workdays": due,
            "is_cant_do": cant, "sort_order": order, "department": depts.get(FALLBACK_DEPT.get(code, ""))})
        if not cat.rules.exists():
            RoutingRule.objects.bulk_create([
                RoutingRule(category=cat, keyword=kw, department=depts[dc], priority=10 + i)
                for i, (kw, dc) in enumerate(KEYWORD_RULES) if dc in depts])
        result[code] = cat
    return result


def _items_by_category() -> dict[int, list[Any]]:
    from onewindow.catalog.models import ServiceItem

    out: dict[int, list[Any]] = {}
    for item in ServiceItem.objects.exclude(window_category=None).select_related("department").order_by("code"):
        out.setdefault(item.window_category_id, []).append(item)
    return out


def _rate_tickets(rnd: random.Random, now: dt.datetime, stdout: Any) -> int:
    """Bulk-rate finished tickets (since 好差评 began, 2020-12) that have no rating yet."""
    from onewindow.hall.models import Ticket

    rated = set(Rating.objects.filter(target_kind="ticket").values_list("target_id", flat=True))
    items = _items_by_category()
    tickets = (Ticket.objects.filter(status="finished", day__gte=dt.date(2020, 12, 1))
               .select_related("hall", "counter", "category__category").order_by("id"))
    finished_at = {}
    from onewindow.hall.models import TicketEvent

    for tid, at in TicketEvent.objects.filter(action="finished", ticket__day__gte=dt.date(2020, 12, 1)).values_list(
            "ticket_id", "at"):
        finished_at[tid] = at
    rows: list[Rating] = []
    for t in tickets.iterator(chunk_size=2000):
        rnd = random.Random(t.pk * 7919)  # one stream per ticket: a second run decides the same way
        if t.pk in rated or t.pk not in finished_at or rnd.random() > ACTIVE_SHARE:
            continue
        served = finished_at[t.pk]
        channel = _pick(rnd, CHANNEL_MIX)
        delay = dt.timedelta(seconds=rnd.randint(15, 120)) if channel == Channel.HALL_PAD else \
            dt.timedelta(minutes=rnd.randint(10, 600))
        rated_at = served + delay
        if rated_at > now:
            continue
        level = _pick(rnd, FUAN_LEVELS if t.hall.code.startswith("fuan") else HULI_LEVELS)
        choices = items.get(t.category.category_id) or []
        item = choices[t.pk % len(choices)] if choices else None
        reasons = sorted(set(rnd.sample(REASONS_GOOD[level], k=rnd.choice([0, 1, 1, 2]))))
        rows.append(Rating(
            target_kind="ticket", target_id=t.pk, sequence=1, target_number=f"{t.day:%Y%m%d}-{t.number}",
            level=level, channel=channel, reasons=reasons, anonymous=True, rated_at=rated_at, served_at=served,
            department_id=item.department_id if item else None, item=item, item_name=item.name if item else "",
            clerk_id=t.clerk_id, hall_id=t.hall_id, counter_id=t.counter_id, hall_name=t.hall.name,
            counter_name=(t.counter.name or f"{t.counter.number}号窗口") if t.counter else "",
            user_prop=UserProp.LEGAL if t.category.category.code == "business" and rnd.random() < .5 else UserProp.PERSON,
            text=rnd.choice(["", "", "", "", "", "办事效率高，点赞！", "一次就办好了", "工作人员很耐心"])
            if level == Level.VERY_SATISFIED else ""))
    with transaction.atomic():
        Rating.objects.bulk_create(rows, batch_size=1000)
        saved = Rating.objects.filter(target_kind="ticket", events__isnull=True)
        RatingEvent.objects.bulk_create([
            RatingEvent(rating=r, kind=RatingEvent.Kind.RATED, at=r.rated_at,
                        detail={"level": r.level, "channel": r.channel, "reasons": r.reasons, "demo": True})
            for r in saved], batch_size=1000)
    _say(stdout, f"   ratings: {len(rows)} ticket ratings")
    return len(rows)


def _rate_applications(now: dt.datetime, stdout: Any) -> int:
    """Bulk-rate about 93% of the cases demo's completed applications (channel QR / mobile / PC), rated
    1–48 hours after the last case completed; attribution as `targets.resolve_application` gives it (the
    staff who handled it, from the case events; never the applicant)."""
    try:
        from onewindow.cases.models import DONE_STATUSES, Application, Case
    except ImportError:
        return 0
    from onewindow.cases.models import CaseEvent

    rated = set(Rating.objects.filter(target_kind="application").values_list("target_id", flat=True))
    cases: dict[int, list[Any]] = {}
    for c in Case.objects.select_related("department").order_by("id").only(
            "id", "application_id", "status", "completed_at", "department_id", "department__name", "item_id",
            "item_name", "decided_by_id"):
        cases.setdefault(c.application_id, []).append(c)
    events: dict[int, list[tuple[str, int]]] = {}  # the staff who handled each application (one query)
    for app_id, action, actor in (CaseEvent.objects.filter(actor__isnull=False).order_by("at", "id")
                                  .values_list("case__application_id", "action", "actor_id").iterator(chunk_size=5000)):
        events.setdefault(app_id, []).append((action, actor))
    rows: list[Rating] = []
    for app in Application.objects.select_related("applicant").order_by("id").iterator(chunk_size=2000):
        rnd = random.Random(app.pk * 7907)
        mine = cases.get(app.pk, [])
        done = [c.completed_at for c in mine if c.completed_at and c.status in ("completed", "delivered")]
        if app.pk in rated or not done or any(c.status not in DONE_STATUSES for c in mine):
            continue
        if rnd.random() > ACTIVE_SHARE:
            continue
        served = max(done)
        rated_at = served + dt.timedelta(hours=rnd.randint(1, 48))
        if rated_at > now:
            continue
        level = _pick(rnd, HULI_LEVELS)
        first = mine[0]
        rows.append(Rating(
            target_kind="application", target_id=app.pk, sequence=1, target_number=app.number, level=level,
            channel=_pick(rnd, [(Channel.QR, 6), (Channel.MOBILE, 3), (Channel.PC, 1)]),
            reasons=sorted(set(rnd.sample(REASONS_GOOD[level], k=rnd.choice([0, 1, 1])))), anonymous=True,
            rated_at=rated_at, served_at=served, department_id=first.department_id,
            item_id=first.item_id if len(mine) == 1 else None, item_name=app.name[:200],
            clerk_id=targets.responsible_staff(channel=app.channel, events=events.get(app.pk, []),
                                               applicant_ids=targets.applicant_user_ids(app),
                                               decided_by=[c.decided_by_id for c in mine])[0],
            user_prop=UserProp.LEGAL if app.applicant.kind == "enterprise" else UserProp.PERSON))
    with transaction.atomic():
        Rating.objects.bulk_create(rows, batch_size=1000)
        saved = Rating.objects.filter(target_kind="application", events__isnull=True)
        RatingEvent.objects.bulk_create([
            RatingEvent(rating=r, kind=RatingEvent.Kind.RATED, at=r.rated_at,
                        detail={"level": r.level, "channel": r.channel, "reasons": r.reasons, "demo": True})
            for r in saved.iterator(chunk_size=2000)], batch_size=1000)
    _say(stdout, f"   ratings: {len(rows)} application ratings")
    return len(rows)


BAD_REVIEWS = [
    # level, reasons, text, named, disposition, measures, callback
    (Level.DISSATISFIED, ["213"], "社保卡补办时工作人员查了很久", True, "fix_now",
     "已对窗口人员开展社保卡业务专项培训，并编制一次性告知单", "电话回访：群众表示理解，认可整改"),
    (Level.DISSATISFIED, ["207", "208"], "没有材料清单和样本，来回填了两次", False, "fix_deadline",
     "编制并上墙全部事项材料清单与填写样本，网上同步发布", "匿名评价，整改结果已在大厅公示"),
    (Level.VERY_DISSATISFIED, ["110"], "失业金申领等太久", True, "explain",
     "依据《失业保险金申领发放办法》须核对参保缴费记录，已在承诺时限内办结；已向群众说明并改为短信告知进度",
     "电话回访：群众理解办理时限，满意"),
]


def _bad_reviews(rnd: random.Random, now: dt.datetime, stdout: Any) -> int:
    """A few bad reviews on the Fu'an HR window, each taken through verify → dispose → callback → close."""
    from django.contrib.auth.models import User

    from onewindow.hall.models import Ticket

    if Rating.objects.filter(level__in=[Level.DISSATISFIED, Level.VERY_DISSATISFIED], is_default=False).exists():
        return 0
    candidates = [t for t in Ticket.objects.filter(status="finished", hall__code__startswith="fuan")
                  .exclude(pk__in=Rating.objects.filter(target_kind="ticket").values("target_id"))
                  .order_by("issued_at")[:200]]
    if not candidates:
        candidates = list(Ticket.objects.filter(status="finished")
                          .exclude(pk__in=Rating.objects.filter(target_kind="ticket").values("target_id"))
                          .order_by("issued_at")[:200])
    head = User.objects.filter(username="head").first()
    supervisor = User.objects.filter(username="supervisor").first()
    actor = head or supervisor
    if not candidates or actor is None:
        return 0
    n = 0
    for (level, reasons, text, named, disposition, measures, callback), ticket in zip(
            BAD_REVIEWS, candidates[:: max(1, len(candidates) // 3)], strict=False):
        target = targets.resolve("ticket", ticket.pk)
        if target is None or target.served_at is None:
            continue
        at = target.served_at + dt.timedelta(minutes=2)
        with clock.frozen(at):
            rating = services.rating_create(token=RatingToken("ticket", ticket.pk, Channel.HALL_PAD), level=level,
                                            reasons=reasons, text=text, anonymous=not named,
                                            rater_name="林先生" if named else "",
                                            rater_phone=f"1385{rnd.randint(1000000, 9999999)}" if named else "")
        rec = rating.rectification
        if rec.department_id is None:  # tickets carry no department: the HR bureau runs the Fu'an window
            from onewindow.catalog.models import Department

            dept = Department.objects.filter(code="FA-RSJ").first()
            type(rec).objects.filter(pk=rec.pk).update(department=dept)
            type(rating).objects.filter(pk=rating.pk).update(department=dept)
        steps: list[tuple[dt.timedelta, Any, dict[str, Any]]] = [
            (dt.timedelta(hours=3), services.rectification_verify, {"note": "调取录像核实属实"}),
            (dt.timedelta(hours=5), services.rectification_dispose,
             {"disposition": disposition, "measures": measures, "workdays": 10}),
        ]
        if disposition == "fix_deadline":
            steps.append((dt.timedelta(days=6), services.rectification_complete,
                          {"measures": "材料清单与样本已全部上墙并在网上公布"}))
        steps += [
            (dt.timedelta(days=7), services.rectification_callback,
             {"method": "phone" if named else "anonymous", "outcome": callback}),
            (dt.timedelta(days=8), services.rectification_close, {"note": "整改到位"}),
        ]
        for delay, step, kwargs in steps:
            with clock.frozen(min(at + delay, now)):
                step(rect_id=rec.pk, actor=actor, **kwargs)
        n += 1
    _say(stdout, f"   ratings: {n} bad reviews, all rectified and closed")
    return n


def _suggestions(rnd: random.Random, cats: dict[str, SuggestionCategory], now: dt.datetime, stdout: Any) -> int:
    from django.contrib.auth.models import User

    from onewindow.catalog.models import Department

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    from onewindow.core.access import Role
    from onewindow.core.models import Profile

    channels = ["hall_desk", "cant_do", "web", "phone", "survey", "survey", "web", "hall_desk"]
    names = ["林", "陈", "黄", "张", "吴", "王", "郑", "李", "蔡", "许"]
    start = dt.datetime(2021, 3, 1, 9, 0, tzinfo=TZ)
    span = (now - dt.timedelta(days=3) - start).total_seconds()
    total = 60
    created = 0
    dept_staff: dict[int, Any] = {}
    for p in Profile.objects.filter(department__isnull=False).select_related("user", "department"):
        dept_staff.setdefault(p.department_id, p.user)
    fallback = Department.objects.filter(code=REASSIGN_TO).first() or Department.objects.first()
    for i in range(total):
        key = f"demo-suggestion-{i:03d}"
        if Suggestion.objects.filter(idempotency_key=key).exists():
            continue
        cat_code, kind, text, disposition, reply = SUGGESTIONS[i % len(SUGGESTIONS)]
        recent = i >= total - 4  # the last few are still being worked
        when = (now - dt.timedelta(days=[20, 9, 4, 1][i - (total - 4)], hours=3)) if recent else \
            start + dt.timedelta(seconds=span * i / total + rnd.randint(0, 86400 * 5))
        when = when.astimezone(TZ).replace(hour=rnd.randint(9, 16), minute=rnd.randint(0, 59))
        channel = "cant_do" if cat_code == "cant-do" else channels[i % len(channels)]
        data = services.SuggestionInput(
            category=cat_code, description=text if i < len(SUGGESTIONS) else
            f"{CONTEXTS[i % len(CONTEXTS)] or '近期'}：{text}", kind=kind,
            channel=channel, citizen_name=rnd.choice(names) + rnd.choice(["先生", "女士"]),
            phone=f"13{rnd.randint(5, 9)}{rnd.randint(10000000, 99999999)}", received_at=when)
        with clock.frozen(when):
            s = services.suggestion_submit(data=data, actor=supervisor, idempotency_key=key)
            if s.department_id is None:
                services.suggestion_reassign(suggestion_id=s.pk, department_id=fallback.pk, actor=supervisor,
                                             note="由督查人员指定责任单位")
                s.refresh_from_db()
        if recent and i >= total - 2:
            created += 1
            continue  # open: one inside its due date, one may be overdue
        worker = dept_staff.get(s.department_id)
        if worker is None:
            from django.contrib.auth.models import Group

            worker, _ = User.objects.get_or_create(username=f"demo_dept_{s.department_id}")
            Profile.objects.update_or_create(user=worker, defaults={"department_id": s.department_id,
                                                                    "display_name": "部门联络员"})
            worker.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
            dept_staff[s.department_id] = worker
        answer_at = when + dt.timedelta(days=rnd.randint(1, 9 if rnd.random() < .9 else 25))
        with clock.frozen(min(answer_at, now)):
            services.suggestion_answer(suggestion_id=s.pk, actor=worker, disposition=disposition, text=reply,
                                       plan_due_on=clock.today() + dt.timedelta(days=30) if disposition == "fix_deadline"
                                       else None)
        if disposition == "fix_deadline":
            with clock.frozen(min(answer_at + dt.timedelta(days=28), now)):
                if not recent:
                    services.suggestion_complete(suggestion_id=s.pk, actor=worker, text=reply + "，已整改到位")
        if not recent:
            with clock.frozen(min(answer_at + dt.timedelta(days=30), now)):
                services.suggestion_close(suggestion_id=s.pk, actor=supervisor, note="回访满意")
        created += 1
    _say(stdout, f"   suggestions: {created} new ({Suggestion.objects.count()} in all)")
    return created


def load(*, scale: int = 0, stdout: Any = None) -> None:
    rnd = random.Random(20211)
    now = clock.now()
    cats = _categories()
    _say(stdout, f"   feedback: {len(cats)} suggestion categories (Open311 services)")
    try:
        _rate_tickets(rnd, now, stdout)
        _bad_reviews(rnd, now, stdout)
    except ImportError:
        pass
    _rate_applications(now, stdout)
    # the whole history since 好差评 started (the daily task only looks back DEFAULT_RATING_LOOKBACK_DAYS)
    defaults = services.rating_default_apply(now=now, since=dt.datetime(2020, 12, 1, tzinfo=TZ), limit=100000)
    _say(stdout, f"   ratings: {defaults} default ratings (services left unrated for the configured days)")
    _suggestions(rnd, cats, now, stdout)
