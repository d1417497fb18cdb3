"""Demo applications and cases (idempotent): Fu'an HR bureau and Huli district, 2020 (before the reform, items
done one by one with the old limits) and 2021 onwards (bundles, halved limits), with open cases in every state
near today (some overdue, some close to their deadline) so the worklist, metrics and hall have life.

Volumes follow the seed text where cheap: since 2021 Fu'an handled 企业招用员工 20, 解除终止劳动合同 15, 失业 23,
事业单位聘用 26 and 申领社会保障卡 11,000 "one thing" applications. Rows are written with bulk_create (no services,
no files): materials are recorded as checked paper originals.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from onewindow.cases.models import (
    Applicant,
    Application,
    AutoApprovalRule,
    Case,
    CaseEvent,
    CaseStatus,
    SubmittedMaterial,
    SupplementRequest,
)
from onewindow.core import clock

DEMO_SCOPE = "demo"
SURNAMES = "林陈黄郑吴王李张蔡许方刘杨翁朱徐周余宋卓谢洪郭邱曾廖赖苏叶庄"
GIVEN = "晓梅建华志明国栋文斌丽娟淑芬志强雅琴秀英美玲海燕春生金水丽华德明振宇婷婷思远嘉怡子涵欣怡俊杰"
COMPANIES = {
    "350981": ("福安市闽东电机有限公司", "福建赛岐船舶修造有限公司", "福安市坦洋工夫茶业有限公司", "福安市穆阳线面食品厂",
               "福安市甘棠电机配件厂", "福安市城阳建筑工程有限公司", "福安市溪柄椰雕工艺品厂"),
    "350206": ("厦门湖里鹭江宾馆有限公司", "厦门海沧湾餐饮管理有限公司", "厦门五缘湾大药房有限公司", "厦门湖里金山便利店",
               "厦门东渡健身管理有限公司", "厦门禾山网络科技有限公司", "厦门枋湖教育咨询有限公司", "厦门殿前美发工作室"),
}

# bundle code → applications since 2021 (seed figures for Fu'an; a plausible volume for Huli's)
FUAN_COUNTS = {"fa-hire-staff": 20, "fa-terminate": 15, "fa-unemployment": 23, "fa-public-hire": 26,
               "fa-ss-card": 11000, "fa-graduate": 30, "fa-retire": 40, "fa-flexible": 25, "fa-after-death": 12,
               "fa-talent": 10}
HULI_DEFAULT = 24


def _id_number(rng: random.Random, region: str) -> str:
    from onewindow.core.validators import id_check_digit

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 42))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def _credit_code(rng: random.Random, region: str) -> str:
    from onewindow.core.validators import credit_code_check_char

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "9135" + region[2:6] + "MA" + "".join(rng.choice(alphabet) for _ in range(7))
    return first17 + credit_code_check_char(first17)


def _answers(spec: Any, rng: random.Random) -> dict[str, list[str]]:
    """A random valid set of answers: follow-up questions answered only when shown."""
    from onewindow.bundles.answers import evaluate

    answers: dict[str, list[str]] = {}
    for _round in range(4):
        evaluation = evaluate(spec, answers)
        changed = False
        for q in evaluation.visible:
            if q.key not in answers and (q.required or rng.random() < 0.3):
                options = spec.options.get(q.id, [])
                if options:
                    answers[q.key] = [rng.choice(options).key]
                    changed = True
        if not changed:
            break
    return answers


def _fill(field: Any, rng: random.Random, name: str) -> str:
    if field.kind == "date":
        return (dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))).isoformat()
    if field.kind == "number":
        return str(rng.randrange(1, 200))
    if field.kind == "choice" and field.choices:
        return rng.choice(field.choices)
    if field.kind == "mobile":
        return f"139{rng.randrange(10 ** 7, 10 ** 8)}"
    if field.kind == "id_number":
        return _id_number(rng, "350981")
    if field.kind == "credit_code":
        return _credit_code(rng, "350981")
    if "name" in field.key:
        return name
    return f"{field.label}（演示）"


class _Numbers:
    """Per-day application numbers continuing any existing counter, written back at the end."""

    def __init__(self) -> None:
        from onewindow.core.models import DailyCounter

        self.values: dict[dt.date, int] = dict(DailyCounter.objects.filter(scope="application").values_list("day", "value"))

    def next(self, day: dt.date) -> int:
        self.values[day] = self.values.get(day, 0) + 1
        return self.values[day]

    def save(self) -> None:
        from onewindow.core.models import DailyCounter

        rows = [DailyCounter(scope="application", day=d, value=v) for d, v in self.values.items()]
        DailyCounter.objects.bulk_create(rows, update_conflicts=True, unique_fields=["scope", "day"],
                                         update_fields=["value"], batch_size=2000)


def load(*, scale: int = 0, stdout: Any = None) -> None:
    from onewindow.bundles.answers import evaluate
    from onewindow.bundles.models import Bundle
    from onewindow.bundles.notice import compute_notice
    from onewindow.bundles.spec import load_bundle

    if Application.objects.filter(idempotency_scope=DEMO_SCOPE).exists():
        if stdout:
            stdout.write("cases: demo already loaded")
        return
    rng = random.Random(20261128)
    today = clock.today()
    users = {u.username: u for u in User.objects.filter(username__in=["citizen", "clerk", "reviewer", "reviewer_market",
                                                                        "head"]).select_related("profile")}
    specs = {}
    for b in Bundle.objects.filter(status="published").order_by("code"):
        try:
            specs[b.code] = load_bundle(b.code)
        except Exception:  # noqa: BLE001 - a half-built bundle is skipped, not fatal
            continue
    if not specs:
        if stdout:
            stdout.write("cases: no bundles in the catalog, nothing to load")
        return
    counts = {code: FUAN_COUNTS.get(code, HULI_DEFAULT) for code in specs}
    if scale:
        counts = {code: max(1, n * scale // 100) if code == "fa-ss-card" else n for code, n in counts.items()}
    builder = _Builder(rng, today, users)
    with transaction.atomic():
        for code, spec in specs.items():
            notices: list[Any] = []
            for _i in range(4):
                try:
                    notices.append(compute_notice(spec, evaluate(spec, _answers(spec, rng))))
                except Exception:  # noqa: BLE001
                    continue
            notices = [n for n in notices if n.items]
            if not notices:
                continue
            n = counts[code]
            region = "350981" if code.startswith("fa-") else "350206"
            # after the reform: bundles, spread from 2021 to today, the last weeks still open
            for k in range(n):
                recent = k < max(3, min(12, n // 3)) if n < 1000 else k < 40
                notice = rng.choice(notices)
                if recent:
                    # open cases near today: about 15% overdue, 20% close to the deadline, the rest in good time
                    longest = max((i.promised_limit for i in notice.items if i.handling_type == "2"), default=0)
                    r = rng.random()
                    left = -rng.randint(1, 4) if r < 0.15 else rng.randint(0, 2) if r < 0.35 else rng.randint(3, 12)
                    submitted = _workday_back(today, max(0, longest - left))
                else:
                    submitted = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(0, max(1, (today - dt.date(2021, 1, 4)).days - 30)))
                builder.add(spec.bundle, notice, submitted, region=region, open_case=recent,
                            light=code != "fa-ss-card" and n < 1000)
            # before the reform (2020): the same items one by one, old limits, longer processing
            if code.startswith("fa-") and code != "fa-ss-card":
                for _k in range(max(4, n // 2)):
                    submitted = dt.date(2020, 1, 6) + dt.timedelta(days=rng.randrange(0, 170))
                    builder.add_before(rng.choice(notices), submitted, region=region)
        builder.flush()
        AutoApprovalRule.objects.get_or_create(
            item_code="350981-2000145000",
            defaults={"rule": {"all": [{"answer": "print_record", "in": ["yes"]}]}, "result_prefix": "MP",
                      "note": "秒批：权益记录查询打印，申请即出结果"})
    if stdout:
        stdout.write(f"cases: {builder.app_count} applications, {builder.case_count} cases")


def _workday_back(day: dt.date, n: int) -> dt.date:
    from onewindow.core.calendar import add_workdays

    return add_workdays(day, -n) if n else day


class _Builder:
    def __init__(self, rng: random.Random, today: dt.date, users: dict[str, User]) -> None:
        self.rng = rng
        self.today = today
        self.users = users
        self.numbers = _Numbers()
        self.pending: list[tuple[Applicant, Application, list[Case], list[list[dict]], list[SubmittedMaterial]]] = []
        self.app_count = 0
        self.case_count = 0
        self.old_limits = self._old_limits()
        self.citizen_left = 8

    def _old_limits(self) -> dict[int, int]:
        from onewindow.catalog.models import ItemHistory

        limits: dict[int, int] = {}
        for h in ItemHistory.objects.order_by("item_id", "version"):
            limits.setdefault(h.item_id, h.promised_limit)  # version 1 = before the reform
        return limits

    def _at(self, day: dt.date, hour: float) -> dt.datetime:
        h = int(hour)
        m = int((hour - h) * 60)
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, h, m))

    def _person(self, region: str, enterprise: bool, when: dt.datetime) -> Applicant:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3589')}{rng.randrange(0, 10)}{rng.randrange(10 ** 7, 10 ** 8)}"
        if enterprise:
            return Applicant(kind="enterprise", name=rng.choice(COMPANIES[region]), credit_code=_credit_code(rng, region),
                             legal_representative=name, contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN[::2]),
                             contact_phone=phone, created_at=when)
        return Applicant(kind="person", name=name, id_number=_id_number(rng, region), phone=phone, created_at=when)

    def add(self, bundle: Any, notice: Any, day: dt.date, *, region: str, open_case: bool, light: bool) -> None:
        rng = self.rng
        when = self._at(day, rng.uniform(8.5, 17.5))
        enterprise = bundle.audience == "enterprise"
        applicant = self._person(region, enterprise, when)
        channel = "online" if rng.random() < 0.45 else "window"
        # the demo login "citizen" owns a handful: a few recent open ones and some finished ones
        if (channel == "online" and not enterprise and self.citizen_left > 0 and "citizen" in self.users
                and rng.random() < (0.3 if open_case else 0.002)):
            applicant.user = self.users["citizen"]
            applicant.name = "林晓梅"
            self.citizen_left -= 1
        seq = self.numbers.next(day)
        app = Application(number=f"SQ{day:%Y%m%d}-{seq:04d}", kind="bundle", code=notice.code, name=notice.name,
                          answers={k: list(v) for k, v in notice.answers.items()},
                          form_data={f.key: _fill(f, rng, applicant.name if not enterprise else applicant.contact_name)
                                     for f in notice.fields},
                          channel=channel, phone_last4=applicant.notify_phone[-4:], idempotency_scope=DEMO_SCOPE,
                          idempotency_key=f"{day:%Y%m%d}-{seq}", submitted_at=when,
                          submitted_by=applicant.user if applicant.user else self.users.get("clerk") if channel == "window" else None)
        self._cases(app, applicant, notice.items, when, day, open_case=open_case, old=False, light=light,
                    materials=notice.materials)

    def add_before(self, notice: Any, day: dt.date, *, region: str) -> None:
        """2020: each item a separate application, old limit, processing close to (sometimes over) the limit."""
        for item in notice.items:
            rng = self.rng
            when = self._at(day, rng.uniform(8.5, 17))
            applicant = self._person(region, False, when)
            seq = self.numbers.next(day)
            app = Application(number=f"SQ{day:%Y%m%d}-{seq:04d}", kind="item", code=item.code, name=item.name,
                              channel="window", phone_last4=applicant.notify_phone[-4:], idempotency_scope=DEMO_SCOPE,
                              idempotency_key=f"{day:%Y%m%d}-{seq}", submitted_at=when,
                              submitted_by=self.users.get("clerk"))
            self._cases(app, applicant, [item], when, day, open_case=False, old=True, light=False, materials=())

    def _cases(self, app: Application, applicant: Applicant, items: Any, when: dt.datetime, day: dt.date, *,
               open_case: bool, old: bool, light: bool, materials: Any) -> None:
        from onewindow.core.calendar import add_workdays, deadline_after

        rng = self.rng
        cases: list[Case] = []
        events: list[list[dict]] = []
        clerk = self.users.get("clerk")
        for index, item in enumerate(items, start=1):
            limit = self.old_limits.get(item.item_id, item.promised_limit) if old else item.promised_limit
            instant = item.handling_type == "1" and not (old and limit > 0)
            reviewer = self.users.get("reviewer" if app.code.startswith(("fa-", "350981")) else "reviewer_market")
            c = Case(number=f"BJ{app.number[2:]}-{index:02d}", item_id=item.item_id, item_code=item.code,
                     item_name=item.name, department_id=item.department_id, handling_type="1" if instant else "2",
                     promised_limit=0 if instant else limit, received_at=when, updated_at=when)
            ev: list[dict] = [{"at": when, "action": "receive", "from": "", "to": "received", "actor": clerk}]
            accept_day = day
            accept_at = when + dt.timedelta(minutes=rng.randint(3, 12))
            if open_case and not instant:
                status = rng.choice(["received", "supplement", "accepted", "accepted", "under_review", "under_review",
                                     "under_review", "special_procedure", "approved"])
            else:
                r = rng.random()
                status = ("withdrawn" if r < 0.01 else "not_accepted" if r < 0.02 else "denied" if r < 0.04
                          else "terminated" if r < 0.046 else "completed" if r < 0.30 else "delivered")
                if instant and status in ("denied", "terminated"):
                    status = "delivered"
            if status == "supplement":
                c.status = status
                ev.append({"at": accept_at, "action": "supplement", "from": "received", "to": "supplement", "actor": clerk,
                           "reason": "材料不齐，一次性告知补正"})
                cases.append(c)
                events.append(ev)
                continue
            if status in ("received", "not_accepted", "withdrawn") and not instant:
                c.status = status
                if status != "received":
                    ev.append({"at": accept_at, "action": "not_accept" if status == "not_accepted" else "withdraw",
                               "from": "received", "to": status, "actor": clerk if status == "not_accepted" else None,
                               "reason": "不属于受理范围" if status == "not_accepted" else "申请人撤回"})
                cases.append(c)
                events.append(ev)
                continue
            deadline = deadline_after(accept_day, c.promised_limit)
            c.accepted_on, c.due_date, c.due_provisional = accept_day, deadline.date, deadline.provisional
            ev.append({"at": accept_at, "action": "accept", "from": "received", "to": "accepted", "actor": clerk})
            if instant:
                done_at = accept_at + dt.timedelta(minutes=rng.randint(5, 25))
                c.status = "delivered" if status == "delivered" else "completed"
                c.decided_by, c.decided_at, c.completed_at = clerk, done_at, done_at
                c.result_number = f"JB{c.number[2:]}"
                ev += [{"at": done_at, "action": "approve", "from": "accepted", "to": "approved", "actor": clerk,
                        "reason": "即办件当场办理"},
                       {"at": done_at, "action": "complete", "from": "approved", "to": "completed", "actor": clerk}]
                if c.status == "delivered":
                    c.delivery_method = "pickup"
                    ev.append({"at": done_at + dt.timedelta(minutes=2), "action": "deliver", "from": "completed",
                               "to": "delivered", "actor": clerk})
                cases.append(c)
                events.append(ev)
                continue
            if open_case:
                c.status = status
                if status in ("under_review", "special_procedure", "approved"):
                    ev.append({"at": accept_at + dt.timedelta(hours=20), "action": "start_review", "from": "accepted",
                               "to": "under_review", "actor": reviewer})
                if status == "special_procedure":
                    c.pause_started_on = min(self.today, add_workdays(accept_day, 2))
                    ev.append({"at": self._at(c.pause_started_on, 10), "action": "special_start", "from": "under_review",
                               "to": "special_procedure", "actor": reviewer, "reason": "需现场勘查",
                               "data": {"kind": "inspection"}})
                if status == "approved":
                    c.decided_by, c.decided_at = reviewer, self._at(self.today, 9)
                    ev.append({"at": c.decided_at, "action": "approve", "from": "under_review", "to": "approved",
                               "actor": reviewer})
                cases.append(c)
                events.append(ev)
                continue
            if status == "terminated":  # 容缺受理 whose make-up deadline passed
                c.status = status
                c.deferred_materials = [{"material_id": None, "code": "", "name": "经营场所产权证明"}]
                c.makeup_due = add_workdays(accept_day, max(1, min(20, c.promised_limit - 2)))
                ev[-1]["action"] = "accept_deferral"
                ev.append({"at": self._at(min(self.today, c.makeup_due + dt.timedelta(days=1)), 2), "action": "terminate",
                           "from": "accepted", "to": "terminated", "actor": None,
                           "reason": "容缺材料未在承诺期限内补齐，办件终止"})
                cases.append(c)
                events.append(ev)
                continue
            # finished: processing time as a share of the limit (before: slower, sometimes overdue)
            share = rng.uniform(0.75, 1.15) if old else rng.uniform(0.3, 0.8)
            took = max(1, round(c.promised_limit * share))
            done_day = min(add_workdays(accept_day, took), self.today)
            done_at = self._at(done_day, rng.uniform(9, 17))
            c.decided_by, c.decided_at, c.completed_at = reviewer, done_at, done_at
            ev.append({"at": done_at - dt.timedelta(hours=2), "action": "start_review", "from": "accepted",
                       "to": "under_review", "actor": reviewer})
            if status == "denied":
                c.status = "denied"
                ev.append({"at": done_at, "action": "deny", "from": "under_review", "to": "denied", "actor": reviewer,
                           "reason": "不符合申请条件"})
            else:
                c.status = status
                c.result_number = f"{c.item_code[-6:]}-{c.number[2:10]}{index:02d}"
                ev += [{"at": done_at - dt.timedelta(minutes=30), "action": "approve", "from": "under_review",
                        "to": "approved", "actor": reviewer},
                       {"at": done_at, "action": "complete", "from": "approved", "to": "completed", "actor": reviewer}]
                if status == "delivered":
                    c.delivery_method = rng.choice(["pickup", "pickup", "post", "locker", "electronic"])
                    c.delivery_ref = (f"SF{rng.randrange(10 ** 11, 10 ** 12)}" if c.delivery_method == "post"
                                      else f"{rng.randrange(0, 10 ** 6):06d}" if c.delivery_method == "locker" else "")
                    ev.append({"at": done_at + dt.timedelta(days=1), "action": "deliver", "from": "completed",
                               "to": "delivered", "actor": clerk, "data": {"method": c.delivery_method}})
            cases.append(c)
            events.append(ev)
        mats = [SubmittedMaterial(material_id=m.material_id, checked=True, original_name="窗口核验纸质材料",
                                  uploaded_at=when) for m in materials if m.source != "40"] if light else []
        self.pending.append((applicant, app, cases, events, mats))
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        applicants = Applicant.objects.bulk_create([p[0] for p in self.pending], batch_size=2000)
        for applicant, (_a, app, *_rest) in zip(applicants, self.pending, strict=True):
            app.applicant = applicant
        apps = Application.objects.bulk_create([p[1] for p in self.pending], batch_size=2000)
        all_cases: list[Case] = []
        for app, (_a, _app, cases, _e, mats) in zip(apps, self.pending, strict=True):
            for c in cases:
                c.application = app
                all_cases.append(c)
            for m in mats:
                m.application = app
        Case.objects.bulk_create(all_cases, batch_size=2000)
        labels = {u.pk: (u.profile.display_name if hasattr(u, "profile") else u.username) for u in self.users.values()}
        supplements: list[tuple[Application, Case]] = []
        ops = connection.ops
        rows: list[tuple] = []
        for (_a, app, cases, events, _m) in self.pending:
            for c, evs in zip(cases, events, strict=True):
                for e in evs:
                    actor = e.get("actor")
                    rows.append((c.pk, ops.adapt_datetimefield_value(e["at"]), actor.pk if actor else None,
                                 labels.get(actor.pk, "") if actor else "系统", e["action"], e["from"], e["to"],
                                 e.get("reason", ""), json.dumps(e.get("data", {}), ensure_ascii=False)))
                if c.status == CaseStatus.SUPPLEMENT:
                    supplements.append((app, c))
        # events are the bulk of the rows: a plain executemany is several times cheaper than bulk_create
        table = CaseEvent._meta.db_table
        with connection.cursor() as cursor:
            for i in range(0, len(rows), 5000):
                cursor.executemany(
                    f"INSERT INTO {table} (case_id, at, actor_id, actor_label, action, from_status, to_status, reason, data)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows[i:i + 5000])
        SubmittedMaterial.objects.bulk_create([m for p in self.pending for m in p[4]], batch_size=2000)
        by_app: dict[int, list[Case]] = defaultdict(list)
        for app, c in supplements:
            by_app[app.pk].append(c)
        for app_id, cs in by_app.items():
            req = SupplementRequest.objects.create(application_id=app_id, missing=[{"code": "", "name": "劳动合同（加盖公章）",
                                                                                    "note": "复印件不清晰"}],
                                                   requested_at=cs[0].received_at)
            req.cases.set(cs)
        self.app_count += len(apps)
        self.case_count += len(all_cases)
        self.pending = []
        self.numbers.save()
