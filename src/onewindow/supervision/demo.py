"""Supervision demo (idempotent): the checklist templates Huli's 行政审批管理局 inspects halls with (设施设备、
着装与工作牌、收费公示、服务纪律、环境卫生、办事指南准确性、“五制”“四公开”“三亮明”), the score weights, a
year of inspections and rectification notices (湖审管整改〔2026〕第N号) in every state, a monitor run, the daily
rollups and the monthly scores, with last month's ranking published as the seed's "质量排名并面向社会公布".
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from onewindow.core import clock
from onewindow.supervision.models import ChecklistPoint, ChecklistTemplate, Notice, ScoreWeights

TEMPLATES: dict[str, tuple[str, str, list[tuple[str, str, str, str]]]] = {
    "hall-daily": ("大厅窗口日常检查表", "督查人员每日巡查服务大厅使用；对应“五制”“四公开”“三亮明”服务规范", [
        ("facilities", "fac-machines", "取号机、评价器、自助终端、24小时智能柜运行正常", "逐台试用，记录故障设备编号"),
        ("facilities", "fac-access", "无障碍通道、爱心座椅、老花镜、轮椅等便民设施齐全可用", ""),
        ("facilities", "fac-screen", "叫号屏、公示屏显示正常，信息与实际一致", ""),
        ("attire", "att-uniform", "窗口人员统一着装、仪容整洁", ""),
        ("attire", "att-badge", "佩戴工作牌，窗口设置岗位牌（三亮明：亮身份、亮职责、亮承诺）", "抽查每个在岗窗口"),
        ("fees", "fee-list", "收费项目、依据、标准在窗口和网上同步公示", "对照事项库收费依据"),
        ("fees", "fee-none", "无公示以外收费、无指定中介", ""),
        ("discipline", "dis-hours", "按时上岗，午间不断档（不休息）服务", "12:00–14:00 检查在岗情况"),
        ("discipline", "dis-phone", "工作时间不玩手机、不闲聊、不脱岗", ""),
        ("discipline", "dis-first", "落实首问负责、一次性告知、限时办结（五制）", "模拟咨询一个事项"),
        ("discipline", "dis-cantdo", "“办不成事”反映窗口有人值守并登记", ""),
        ("cleanliness", "cln-desk", "窗口台面整洁，无杂物堆放", ""),
        ("cleanliness", "cln-area", "等候区、卫生间干净无异味", ""),
        ("guides", "gd-paper", "纸质办事指南与网上事项库一致（材料、时限、收费）", "随机抽取3个事项比对"),
        ("guides", "gd-noncite", "一次性告知单、空白表格和示例样表齐备", ""),
        ("norms", "nrm-public", "四公开：办事依据、程序、时限、结果公开", ""),
        ("norms", "nrm-aagent", "AB岗、首问负责、限时办结、责任追究、一次性告知（五制）落实记录齐全", "查看台账"),
    ]),
    "online-weekly": ("网上办事每周抽查表", "抽查网上办事大厅的事项指南和办件", [
        ("guides", "web-guide", "网上办事指南要素齐全（材料、时限、收费、咨询电话）", "抽查10个事项"),
        ("guides", "web-depth", "标注“全程网办”的事项确实无需到现场", ""),
        ("discipline", "web-reply", "网上咨询一个工作日内答复", ""),
        ("fees", "web-pay", "收费事项支持网上缴费", ""),
    ]),
}

NOTICE_STORIES = [
    ("窗口人员未佩戴工作牌", "现场检查发现社会民生类综合窗口3号窗口人员未佩戴工作牌，岗位牌缺失。", "立即补齐岗位牌，并落实每日上岗检查。"),
    ("纸质办事指南与事项库不一致", "大厅资料架上《食品经营许可》办事指南的承诺时限仍为10个工作日，事项库已压缩为5个工作日。", "更换全部纸质指南并建立同步机制。"),
    ("午间服务断档", "12:20–12:45 经营管理类窗口无人值守，群众等候超过20分钟。", "落实午间不休轮岗表。"),
    ("差评：多头跑窗口", "群众反映办理营业执照变更时被要求往返两个窗口。", "严格落实一窗受理，说明原因并回访群众。"),
    ("办件超期未办结", "监测发现3件办件已超过承诺办结期限仍未办结。", "查明原因，限期办结并报送情况说明。"),
    ("咨询电话无人接听", "事项库公布的咨询电话连续3次无人接听。", "确保工作时间电话畅通，更新事项库电话。"),
    ("意见建议逾期未答复", "群众通过“我要反映”提交的建议超过15个工作日未答复。", "立即答复群众并说明逾期原因。"),
    ("评价器故障", "8号窗口评价器无法使用，群众无法评价。", "维修评价器，期间提供扫码评价。"),
]


def _templates() -> None:
    for code, (name, description, points) in TEMPLATES.items():
        template, _ = ChecklistTemplate.objects.get_or_create(code=code, defaults={"name": name,
                                                                                  "description": description})
        have = set(template.points.values_list("code", flat=True))
        ChecklistPoint.objects.bulk_create([
            ChecklistPoint(template=template, group=group, code=pcode, text=text, guidance=guidance, order=i)
            for i, (group, pcode, text, guidance) in enumerate(points, start=1) if pcode not in have])
    if not ScoreWeights.objects.exists():
        ScoreWeights.objects.create(name="湖里区2026年度部门评分权重")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _workday_on_or_before(day: dt.date) -> dt.date:
    from onewindow.core.calendar import is_workday

    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _year(stdout: Any) -> None:
    """Inspections and notices through the year so far, each step at its own (frozen) time."""
    from onewindow.catalog.models import Department
    from onewindow.core.calendar import add_workdays
    from onewindow.hall.models import Hall
    from onewindow.supervision import services

    supervisor = User.objects.filter(username="supervisor").first()
    head = User.objects.filter(username="head").first()
    halls = list(Hall.objects.order_by("sort_order", "code"))
    depts = list(Department.objects.filter(parent__isnull=True).order_by("sort_order", "code"))
    if not halls or not depts or supervisor is None:
        return
    rng = random.Random(2026)
    today = clock.today()
    template = ChecklistTemplate.objects.get(code="hall-daily")
    points = list(template.points.all())
    n_notices = 0
    month = dt.date(today.year, 1, 1)
    while month <= today:
        for k in range(2):  # two inspections and a few notices a month
            day = _workday_on_or_before(min(today, month + dt.timedelta(days=6 + 12 * k)))
            if day < month:
                continue
            hall = halls[k % len(halls)]
            with clock.frozen(_at(day, 9)):
                insp = services.inspection_start(hall_id=hall.pk, template_code="hall-daily", actor=supervisor)
                failing = set(rng.sample(range(len(points)), k=rng.choice([0, 1, 1, 2])))
                for i, p in enumerate(points):
                    services.inspection_record(inspection_id=insp.pk, point_id=p.pk, passed=i not in failing,
                                               note="现场发现问题，已拍照留存" if i in failing else "", actor=supervisor)
                submitted = day < today or k == 0
                if submitted:
                    services.inspection_submit(inspection_id=insp.pk, note="总体良好，个别问题限期整改。",
                                               actor=supervisor)
        for _j in range(rng.choice([1, 2, 2, 3])):
            day = _workday_on_or_before(min(today, month + dt.timedelta(days=rng.randrange(0, 27))))
            if day < month:
                continue
            title, problem, requirement = rng.choice(NOTICE_STORIES)
            dept = rng.choice(depts[:8])
            workdays = rng.choice([5, 10, 10, 15])
            with clock.frozen(_at(day, 10)):
                notice = services.notice_create(source="manual", department_id=dept.pk, title=title, problem=problem,
                                                evidence="督查人员现场记录及监控截图", requirement=requirement,
                                                workdays=workdays, actor=supervisor)
            n_notices += 1
            fate = rng.random()
            if notice.due_on >= today and fate < 0.5:
                continue  # still being rectified
            if notice.due_on < today and fate < 0.08:
                continue  # overdue: shows red
            took = rng.randrange(1, workdays + (3 if fate < 0.2 else 0) + 1)
            answer_day = add_workdays(day, took)
            if answer_day > today:
                continue
            with clock.frozen(_at(answer_day, 15)):
                services.notice_respond(notice_id=notice.pk, response="已按要求整改：" + requirement,
                                        evidence="整改前后照片、制度文件", actor=head if dept.code == "FA-RSJ" else None)
            verify_day = add_workdays(answer_day, 1)
            if verify_day > today:
                continue
            with clock.frozen(_at(verify_day, 11)):
                if rng.random() < 0.15:
                    services.notice_verify(notice_id=notice.pk, accept=False, note="整改不到位，请补充佐证材料",
                                           actor=supervisor)
                else:
                    services.notice_verify(notice_id=notice.pk, accept=True, note="经复查，整改到位", actor=supervisor)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if stdout:
        stdout.write(f"   supervision: {n_notices} rectification notices, inspections twice a month")


def load(*, scale: int = 0, stdout: Any = None) -> None:
    from onewindow.insights.rollups import rollup_refresh
    from onewindow.supervision import scores, services
    from onewindow.supervision.monitors import monitors_run

    _templates()
    if not Notice.objects.exists():
        _year(stdout)
    result = rollup_refresh()
    run = monitors_run(trigger="demo")
    today = clock.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for month in (last_month - dt.timedelta(days=1), last_month, today):
        if not scores.is_published(month):
            scores.scores_compute(month=month)
    supervisor = User.objects.filter(username="supervisor").first()
    if not scores.is_published(last_month):
        services.ranking_publish(month=last_month, published=True, actor=supervisor)
    if stdout:
        stdout.write(f"   supervision: rollups {result['start']}…{result['end']}; monitors opened {run.opened}, "
                     f"resolved {run.resolved}; scores for 3 months, {last_month:%Y-%m} published")
