"""Writes of supervision: inspections, findings, rectification notices, scores, publication.

One transaction each; every state change writes one append-only event row; bad input raises ServiceError naming
the field and changes nothing; illegal transitions raise Conflict (compare-and-swap on `version` / status).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.audit import audit_log
from onewindow.core.calendar import deadline_after
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, NotFound, ServiceError, collect
from onewindow.supervision.models import (
    ChecklistTemplate,
    Finding,
    FindingEvent,
    FindingState,
    Inspection,
    InspectionEvent,
    InspectionResult,
    InspectionStatus,
    Notice,
    NoticeEvent,
    NoticeSource,
    NoticeStatus,
    RankingPublication,
)


def conf(name: str, default: Any) -> Any:
    return getattr(settings, "ONEWINDOW", {}).get(name, default)


PHOTO_MAX_BYTES = 5 * 1024 * 1024
# magic numbers of the photo formats a phone produces; anything else is refused whatever it calls itself
PHOTO_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_photo(head: bytes) -> tuple[str, str] | None:
    for magic, ctype, ext in PHOTO_SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic", "heic"
    return None


# ------------------------------------------------------------------------------------------ inspections


def inspection_start(*, hall_id: int, template_code: str, actor: Any) -> Inspection:
    from onewindow.hall.models import Hall

    problems = []
    hall = Hall.objects.filter(pk=hall_id).first() if hall_id else None
    if hall is None:
        problems.append(FieldProblem("hall", "请选择被检查的大厅"))
    template = ChecklistTemplate.objects.filter(code=template_code, active=True).first()
    if template is None:
        problems.append(FieldProblem("template", "请选择检查表"))
    collect(problems, "无法开始检查")
    now = clock.now()
    with transaction.atomic():
        seq = counter_next(scope="supervision.inspection", day=clock.today())
        insp = Inspection.objects.create(number=f"JC{clock.today():%Y%m%d}{seq:03d}", template=template, hall=hall,
                                         inspector=actor, started_at=now)
        InspectionResult.objects.bulk_create(
            [InspectionResult(inspection=insp, point=p, updated_at=now) for p in template.points.all()])
        InspectionEvent.objects.create(inspection=insp, action="started", at=now, actor=actor,
                                       detail={"hall": hall.code, "template": template.code})
    return insp


def inspection_record(*, inspection_id: int, point_id: int, passed: bool | None, note: str = "",
                      photo: Any = None, actor: Any) -> InspectionResult:
    """Record one point: passed/failed, a note, an optional photo (JPEG/PNG/WebP/HEIC sniffed, ≤ 5 MB)."""
    note = (note or "").strip()
    content = b""
    ctype = ext = ""
    if photo is not None:
        limit = conf("INSPECTION_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)
        if getattr(photo, "size", 0) > limit:
            raise ServiceError(f"照片不能超过 {limit // (1024 * 1024)} MB", field="photo")
        content = photo.read(limit + 1)
        if len(content) > limit:
            raise ServiceError(f"照片不能超过 {limit // (1024 * 1024)} MB", field="photo")
        sniffed = sniff_photo(content[:16])
        if sniffed is None:
            raise ServiceError("照片须为 JPEG、PNG、WebP 或 HEIC 图片", field="photo")
        ctype, ext = sniffed
    if passed is False and not note and not content:
        raise ServiceError("不合格的检查点请填写说明或上传照片", field="note")
    with transaction.atomic():
        insp = Inspection.objects.select_for_update().filter(pk=inspection_id).first()
        if insp is None:
            raise NotFound("没有这次检查", field="inspection")
        if insp.status != InspectionStatus.DRAFT:
            raise Conflict("检查已提交，不能再修改", field="inspection")
        result = InspectionResult.objects.filter(inspection=insp, point_id=point_id).first()
        if result is None:
            raise ServiceError("检查表中没有这个检查点", field="point")
        result.passed = passed
        result.note = note
        result.updated_at = clock.now()
        if content:
            result.photo.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
            result.photo_type, result.photo_size = ctype, len(content)
        result.save()
        InspectionEvent.objects.create(inspection=insp, action="recorded", at=result.updated_at, actor=actor,
                                       detail={"point": result.point_id, "passed": passed, "photo": bool(content)})
    return result


def inspection_submit(*, inspection_id: int, note: str = "", actor: Any) -> Inspection:
    """Submit: every point must be marked; each failed point becomes an open finding on the hall."""
    with transaction.atomic():
        insp = (Inspection.objects.select_for_update().select_related("hall", "template")
                .filter(pk=inspection_id).first())
        if insp is None:
            raise NotFound("没有这次检查", field="inspection")
        if insp.status != InspectionStatus.DRAFT:
            raise Conflict("检查已提交", field="inspection")
        results = list(insp.results.select_related("point"))
        unmarked = [r.point.text for r in results if r.passed is None]
        if unmarked:
            raise ServiceError(f"还有 {len(unmarked)} 个检查点未判定：{unmarked[0]}…", field="results")
        now = clock.now()
        insp.status, insp.submitted_at, insp.note = InspectionStatus.SUBMITTED, now, (note or "").strip()
        insp.save(update_fields=["status", "submitted_at", "note"])
        failed = [r for r in results if r.passed is False]
        for r in failed:
            f = Finding.objects.create(
                monitor="inspection", kind="inspection", severity="warn", target_type="supervision.inspectionresult",
                target_id=str(r.pk), target_label=f"{insp.hall.name} · {r.point.get_group_display()}",
                message=f"{r.point.text}：{r.note or '不合格'}"[:500], hall=insp.hall, inspection_result=r,
                first_seen=now, last_seen=now)
            FindingEvent.objects.create(finding=f, action="opened", at=now, note=insp.number)
        InspectionEvent.objects.create(inspection=insp, action="submitted", at=now, actor=actor,
                                       detail={"failed": len(failed), "points": len(results)})
    return insp


def finding_resolve(*, finding_id: int, note: str, actor: Any) -> Finding:
    with transaction.atomic():
        now = clock.now()
        n = Finding.objects.filter(pk=finding_id, state=FindingState.OPEN).update(state=FindingState.RESOLVED,
                                                                                  resolved_at=now)
        if n != 1:
            raise Conflict("该发现不存在或已解决", field="finding")
        f = Finding.objects.get(pk=finding_id)
        FindingEvent.objects.create(finding=f, action="resolved", at=now, note=(note or "人工关闭")[:200])
        audit_log(actor=actor, action="supervision.finding_resolve", target=f)
    return f


# ------------------------------------------------------------------------------------------ notices


def notice_number(year: int, seq: int) -> str:
    prefix = conf("NOTICE_PREFIX", "湖审管整改")
    return f"{prefix}〔{year}〕第{seq:04d}号"


def _source_pk(value: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        raise ServiceError("来源编号应为数字", field="source_id") from None


def _source_defaults(source: str, source_id: str) -> dict[str, Any]:
    """What the source record tells: addressee, problem and evidence (read from the owning app's tables)."""
    if source == NoticeSource.FINDING:
        f = Finding.objects.select_related("inspection_result__inspection").filter(pk=_source_pk(source_id)).first()
        if f is None:
            raise ServiceError("没有这条监测发现", field="source_id")
        evidence = f"监测规则 {f.monitor}；对象 {f.target_label}；首次发现 {f.first_seen:%Y-%m-%d %H:%M}"
        if f.inspection_result_id:
            evidence = f"现场检查 {f.inspection_result.inspection.number}：{f.message}"
        return {"finding": f, "department_id": f.department_id, "hall_id": f.hall_id, "title": f.target_label,
                "problem": f.message, "evidence": evidence}
    if source == NoticeSource.RATING:
        from onewindow.feedback.models import BAD_LEVELS, Rating

        r = Rating.objects.filter(pk=_source_pk(source_id)).first()
        if r is None or r.level not in BAD_LEVELS:
            raise ServiceError("没有这条差评", field="source_id")
        return {"department_id": r.department_id, "hall_id": r.hall_id,
                "title": f"差评整改：{r.item_name or r.target_number}",
                "problem": f"{r.get_level_display()}：{r.text or '（未填写文字）'}",
                "evidence": f"评价 {r.target_number}，{r.rated_at:%Y-%m-%d %H:%M}，{r.hall_name} {r.counter_name}"}
    if source == NoticeSource.SUGGESTION:
        from onewindow.feedback.models import Suggestion

        s = Suggestion.objects.filter(pk=_source_pk(source_id)).first()
        if s is None:
            raise ServiceError("没有这条意见建议", field="source_id")
        return {"department_id": s.department_id, "hall_id": None, "title": s.title or f"意见建议 {s.number}",
                "problem": s.description, "evidence": f"{s.number}，{s.received_at:%Y-%m-%d}，{s.get_channel_display()}"}
    return {}


def notice_create(*, source: str, source_id: str = "", department_id: int | None = None, hall_id: int | None = None,
                  title: str = "", problem: str = "", evidence: str = "", requirement: str = "",
                  workdays: int | None = None, actor: Any) -> Notice:
    """Issue a rectification notice. Fields left empty are taken from the source record; the deadline is the
    `workdays`-th working day after today (default ONEWINDOW NOTICE_DEFAULT_WORKDAYS, 10)."""
    from onewindow.catalog.models import Department
    from onewindow.hall.models import Hall

    if source not in NoticeSource.values:
        raise ServiceError("来源应为 finding、rating、suggestion 或 manual", field="source")
    base = _source_defaults(source, str(source_id or ""))
    department_id = department_id or base.get("department_id")
    hall_id = hall_id or (None if department_id and source != NoticeSource.FINDING else base.get("hall_id"))
    title = (title or base.get("title") or "").strip()[:200]
    problem = (problem or base.get("problem") or "").strip()
    evidence = (evidence or base.get("evidence") or "").strip()
    workdays = conf("NOTICE_DEFAULT_WORKDAYS", 10) if workdays is None else workdays
    problems = []
    if not title:
        problems.append(FieldProblem("title", "请填写标题"))
    if not problem:
        problems.append(FieldProblem("problem", "请填写存在的问题"))
    if not isinstance(workdays, int) or workdays < 1 or workdays > 60:
        problems.append(FieldProblem("workdays", "整改期限应为 1–60 个工作日"))
    if department_id and not Department.objects.filter(pk=department_id).exists():
        problems.append(FieldProblem("department", "没有这个部门"))
    if hall_id and not Hall.objects.filter(pk=hall_id).exists():
        problems.append(FieldProblem("hall", "没有这个大厅"))
    if not department_id and not hall_id:
        problems.append(FieldProblem("department", "请选择整改单位（部门或大厅）"))
    collect(problems, "无法下发整改通知单")
    today, now = clock.today(), clock.now()
    due = deadline_after(today, workdays)
    with transaction.atomic():
        finding = base.get("finding")
        if finding is not None and Notice.objects.filter(finding=finding).exclude(
                status=NoticeStatus.ACCEPTED).exists():
            raise Conflict("这条发现已有未办结的整改通知单", field="source_id")
        seq = counter_next(scope="supervision.notice", day=dt.date(today.year, 1, 1))
        notice = Notice.objects.create(
            number=notice_number(today.year, seq), year=today.year, seq=seq, source=source,
            source_id=str(source_id or ""), finding=finding, department_id=department_id, hall_id=hall_id,
            title=title, problem=problem, evidence=evidence, requirement=(requirement or "").strip(),
            workdays=workdays, issued_on=today, due_on=due.date, due_provisional=due.provisional,
            created_by=actor, created_at=now, updated_at=now)
        NoticeEvent.objects.create(notice=notice, action="issued", to_status=NoticeStatus.ISSUED, at=now, actor=actor,
                                   note=f"期限 {due.date:%Y-%m-%d}（{workdays} 个工作日）")
        audit_log(actor=actor, action="supervision.notice_issue", target=notice)
    return notice


def _transition(notice_id: int, allowed: tuple[str, ...], to: str, actor: Any, action: str, note: str,
                **fields: Any) -> Notice:
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("没有这份整改通知单", field="notice")
    if notice.status not in allowed:
        raise Conflict(f"通知单当前状态为“{notice.get_status_display()}”，不能{ACTION_LABELS[action]}", field="status")
    now = clock.now()
    n = Notice.objects.filter(pk=notice.pk, version=notice.version, status=notice.status).update(
        status=to, updated_at=now, version=F("version") + 1, **fields)
    if n != 1:
        raise Conflict("通知单已被他人更新，请刷新后重试", field="status")
    NoticeEvent.objects.create(notice=notice, action=action, from_status=notice.status, to_status=to, at=now,
                               actor=actor, note=note)
    audit_log(actor=actor, action=f"supervision.notice_{action}", target=notice)
    return Notice.objects.select_related("department", "hall").get(pk=notice.pk)


ACTION_LABELS = {"responded": "反馈整改情况", "returned": "退回", "accepted": "验收"}


def notice_respond(*, notice_id: int, response: str, evidence: str = "", actor: Any) -> Notice:
    """The unit reports what it did (and its evidence)."""
    response = (response or "").strip()
    if not response:
        raise ServiceError("请填写整改情况", field="response")
    with transaction.atomic():
        return _transition(notice_id, (NoticeStatus.ISSUED, NoticeStatus.RETURNED), NoticeStatus.RESPONDED, actor,
                           "responded", response, response=response, response_evidence=(evidence or "").strip(),
                           responded_at=clock.now())


def notice_verify(*, notice_id: int, accept: bool, note: str = "", actor: Any) -> Notice:
    """The supervisor accepts the rectification (closing the notice and its finding) or returns it."""
    note = (note or "").strip()
    if not accept and not note:
        raise ServiceError("退回时请写明理由", field="note")
    with transaction.atomic():
        if not accept:
            return _transition(notice_id, (NoticeStatus.RESPONDED,), NoticeStatus.RETURNED, actor, "returned", note,
                               verdict_note=note)
        current = Notice.objects.filter(pk=notice_id).first()
        on_time = bool(current and current.responded_at
                       and timezone.localdate(current.responded_at) <= current.due_on) if current else None
        notice = _transition(notice_id, (NoticeStatus.RESPONDED,), NoticeStatus.ACCEPTED, actor, "accepted", note,
                             verdict_note=note, closed_at=clock.now(), on_time=on_time)
        if notice.finding_id:
            now = clock.now()
            if Finding.objects.filter(pk=notice.finding_id, state=FindingState.OPEN).update(
                    state=FindingState.RESOLVED, resolved_at=now):
                FindingEvent.objects.create(finding_id=notice.finding_id, action="resolved", at=now,
                                            note=f"{notice.number} 验收通过")
        return notice


# ------------------------------------------------------------------------------------------ ranking


def ranking_publish(*, month: dt.date, published: bool, actor: Any) -> RankingPublication:
    from onewindow.supervision.models import DepartmentScore

    month = month.replace(day=1)
    if published and not DepartmentScore.objects.filter(month=month).exists():
        raise ServiceError("该月尚未计算得分，不能公布", field="month")
    with transaction.atomic():
        pub, _ = RankingPublication.objects.select_for_update().get_or_create(month=month)
        pub.published = published
        pub.published_at = clock.now() if published else None
        pub.published_by = actor if published else None
        pub.save()
        audit_log(actor=actor, action="supervision.ranking_publish" if published else "supervision.ranking_unpublish",
                  target=pub, detail={"month": month.isoformat()})
    return pub
