"""Inspections (现场检查): a supervisor walks a hall with a checklist template, marks each point passed or
failed (with a note or a photo), and submits; each failed point becomes an open finding on the hall.

Also the checklist templates themselves (configuration, edited in the admin through these functions).
"""

from __future__ import annotations

import uuid
from typing import IO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.counters import counter_next
from onewindow.core.errors import Conflict, FieldProblem, NotFound, ServiceError, collect
from onewindow.core.events import record_event, transition
from onewindow.core.regions import user_sees
from onewindow.hall.models import Hall
from onewindow.supervision.conf import conf_int
from onewindow.supervision.models import (
    ChecklistPoint,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionEvent,
    InspectionResult,
    InspectionStatus,
)
from onewindow.supervision.services.findings import findings_open

# magic numbers of the photo formats a phone produces; anything else is refused whatever it calls itself
PHOTO_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_photo(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, WebP or HEIC image from its first 16 bytes, else None."""
    for magic, ctype, ext in PHOTO_SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic", "heic"
    return None


def _read_photo(photo: IO[bytes]) -> tuple[bytes, str, str]:
    """The photo's bytes, content type and extension; ServiceError when it is too big or not an image."""
    limit = conf_int("INSPECTION_PHOTO_MAX_BYTES")
    too_big = f"照片不能超过 {limit // (1024 * 1024)} MB"
    if getattr(photo, "size", 0) > limit:
        raise ServiceError(too_big, field="photo")
    content = photo.read(limit + 1)
    if len(content) > limit:
        raise ServiceError(too_big, field="photo")
    sniffed = sniff_photo(content[:16])
    if sniffed is None:
        raise ServiceError(_("照片须为 JPEG、PNG、WebP 或 HEIC 图片"), field="photo")
    return content, *sniffed


def inspection_start(*, hall_id: int, template_code: str, actor: Actor) -> Inspection:
    """Open an inspection of a hall with an active template: one unmarked result per point."""
    problems = []
    hall = Hall.objects.select_related("region").filter(pk=hall_id).first() if hall_id else None
    if hall is None:
        problems.append(FieldProblem("hall", _("请选择被检查的大厅")))
    elif not user_sees(actor, hall.region):
        problems.append(FieldProblem("hall", _("该大厅不在您的管辖范围内")))
    template = ChecklistTemplate.objects.filter(code=template_code, active=True).first()
    if template is None:
        problems.append(FieldProblem("template", _("请选择检查表")))
    collect(problems, _("无法开始检查"))
    assert hall is not None and template is not None  # collect() raised otherwise
    now = clock.now()
    with transaction.atomic():
        seq = counter_next(scope="supervision.inspection", day=clock.today())
        insp = Inspection.objects.create(number=f"JC{clock.today():%Y%m%d}{seq:03d}", template=template, hall=hall,
                                         inspector=actor_user(actor), started_at=now)
        InspectionResult.objects.bulk_create(
            [InspectionResult(inspection=insp, point=p, updated_at=now) for p in template.points.all()])
        record_event(insp, event_model=InspectionEvent, action="started", actor=actor,
                     to_status=InspectionStatus.DRAFT, data={"hall": hall.code, "template": template.code}, at=now)
    return insp


def inspection_record(*, inspection_id: int, point_id: int, passed: bool | None, note: str = "",
                      photo: IO[bytes] | None = None, actor: Actor) -> InspectionResult:
    """Record one point: passed/failed, a note, an optional photo (JPEG/PNG/WebP/HEIC sniffed, ≤ 5 MB)."""
    note = (note or "").strip()
    content, ctype, ext = _read_photo(photo) if photo is not None else (b"", "", "")
    if passed is False and not note and not content:
        raise ServiceError(_("不合格的检查点请填写说明或上传照片"), field="note")
    with transaction.atomic():
        insp = Inspection.objects.select_for_update().filter(pk=inspection_id).first()
        if insp is None:
            raise NotFound(_("没有这次检查"), field="inspection")
        if insp.status != InspectionStatus.DRAFT:
            raise Conflict(_("检查已提交，不能再修改"), field="inspection")
        result = InspectionResult.objects.filter(inspection=insp, point_id=point_id).first()
        if result is None:
            raise ServiceError(_("检查表中没有这个检查点"), field="point")
        result.passed = passed
        result.note = note
        result.updated_at = clock.now()
        if content:
            result.photo.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
            result.photo_type, result.photo_size = ctype, len(content)
        result.save()
        record_event(insp, event_model=InspectionEvent, action="recorded", actor=actor, at=result.updated_at,
                     data={"point": result.point_id, "passed": passed, "photo": bool(content)})
    return result


def inspection_submit(*, inspection_id: int, note: str = "", actor: Actor) -> Inspection:
    """Submit: every point must be marked; each failed point becomes an open finding on the hall."""
    with transaction.atomic():
        insp = (Inspection.objects.select_for_update().select_related("hall", "template")
                .filter(pk=inspection_id).first())
        if insp is None:
            raise NotFound(_("没有这次检查"), field="inspection")
        results = list(insp.results.select_related("point"))
        unmarked = [r.point.text for r in results if r.passed is None]
        if unmarked and insp.status == InspectionStatus.DRAFT:
            raise ServiceError(_("还有 %(n)d 个检查点未判定：%(first)s…") % {"n": len(unmarked), "first": unmarked[0]},
                               field="results")
        now = clock.now()
        failed = [r for r in results if r.passed is False]
        transition(insp, to=InspectionStatus.SUBMITTED, allowed_from={InspectionStatus.DRAFT}, action="submitted",
                   action_label=_("提交"), actor=actor, event_model=InspectionEvent,
                   changes={"submitted_at": now, "note": (note or "").strip()},
                   data={"failed": len(failed), "points": len(results)}, version_field=None, timestamp_field=None)
        findings_open([
            Finding(monitor="inspection", kind="inspection", severity="warn",
                    target_type="supervision.inspectionresult", target_id=str(r.pk),
                    target_label=f"{insp.hall.name} · {r.point.get_group_display()}",
                    message=f"{r.point.text}：{r.note or '不合格'}"[:500], hall=insp.hall, inspection_result=r,
                    first_seen=now, last_seen=now)
            for r in failed], correlation=insp.number)
    return insp


# ------------------------------------------------------------------------------------------ checklists (admin)


def checklist_template_save(*, template: ChecklistTemplate, actor: Actor) -> ChecklistTemplate:
    """Create or change a checklist template (its code, name, description, whether it may be used)."""
    if not template.code or not template.name:
        raise ServiceError(_("请填写模板代码和名称"), field="code" if not template.code else "name")
    with transaction.atomic():
        created = template.pk is None
        template.save()
        audit_log(actor=actor, action="supervision.checklist_template_" + ("create" if created else "update"),
                  target=template, detail={"code": template.code, "active": template.active})
    return template


def checklist_point_save(*, point: ChecklistPoint, actor: Actor) -> ChecklistPoint:
    """Add or change one point of a template. Points already used by an inspection keep their results."""
    with transaction.atomic():
        created = point.pk is None
        point.save()
        audit_log(actor=actor, action="supervision.checklist_point_" + ("create" if created else "update"),
                  target=point, detail={"template": point.template_id, "code": point.code})
    return point


def checklist_point_delete(*, point: ChecklistPoint, actor: Actor) -> None:
    """Remove a point no inspection has used (a used one is kept: its results refer to it)."""
    if InspectionResult.objects.filter(point=point).exists():
        raise Conflict(_("检查点已用于现场检查，不能删除；可停用整个模板"), field="point")
    with transaction.atomic():
        audit_log(actor=actor, action="supervision.checklist_point_delete", target=point,
                  detail={"template": point.template_id, "code": point.code})
        point.delete()


def checklist_template_delete(*, template: ChecklistTemplate, actor: Actor) -> None:
    """Remove a template no inspection has used (a used one can only be made inactive)."""
    if Inspection.objects.filter(template=template).exists():
        raise Conflict(_("检查表已用于现场检查，不能删除；请改为停用"), field="template")
    with transaction.atomic():
        audit_log(actor=actor, action="supervision.checklist_template_delete", target=template,
                  detail={"code": template.code})
        template.delete()
