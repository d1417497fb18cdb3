"""Writes for applications and cases. Each function is one transaction; every case state change is a
compare-and-swap on (status, version) checked by row count and writes exactly one CaseEvent.

Illegal transitions raise Conflict with a Chinese message; bad input raises ServiceError naming the field.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F

from onewindow.cases.models import (
    DONE_STATUSES,
    Applicant,
    ApplicantKind,
    Application,
    ApplicationKind,
    AutoApprovalRule,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    Channel,
    DeliveryMethod,
    OutboxMessage,
    SubmittedMaterial,
    SupplementRequest,
)
from onewindow.core import clock
from onewindow.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ServiceError

log = logging.getLogger(__name__)

MATERIAL_SHARED = "40"  # 数据共享免提交
NECESSITY_REQUIRED = "1"
NECESSITY_DEFERRABLE = "3"
INSTANT = "1"

STATUS_LABEL = {s.value: str(s.label) for s in CaseStatus}


# --------------------------------------------------------------------------- uploads

SNIFF_BYTES = 16
HASH_CHUNK = 64 * 1024


class Upload:
    """A file as received: a multipart part (streamed to a temporary file when large) or decoded base64.

    Nothing here reads a file whole: the size comes from the upload itself, the type from its first bytes and the
    hash from 64 KB chunks; storing it moves or copies it in chunks.
    """

    def __init__(self, name: str, file: File) -> None:
        self.name = name
        self.file = file
        self._sha256: str | None = None

    @property
    def size(self) -> int:
        return int(self.file.size or 0)

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        self.file.seek(0)
        data = self.file.read(n)
        self.file.seek(0)
        return data

    def sha256(self) -> str:
        if self._sha256 is None:
            digest = hashlib.sha256()
            for chunk in self.file.chunks(HASH_CHUNK):
                digest.update(chunk)
            self.file.seek(0)
            self._sha256 = digest.hexdigest()
        return self._sha256


def _file_name(name: object) -> str:
    from onewindow.core.validators import clean_text

    return clean_text(name, multiline=False)[:200] or "file"


def upload_from_django(f: Any) -> Upload:
    return Upload(name=_file_name(getattr(f, "name", "")), file=f)


def upload_from_bytes(name: str, data: bytes) -> Upload:
    name = _file_name(name)
    return Upload(name=name, file=ContentFile(data, name=name))


def _upload_limit() -> int:
    return int(settings.ONEWINDOW.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _too_large(size: int, limit: int, *, field: str) -> ServiceError:
    return ServiceError(f"文件过大：{size / 1048576:.1f} MB，单个文件不能超过 {limit // 1048576} MB", field=field)


def upload_from_base64(name: str, content: str, *, field: str) -> Upload:
    limit = _upload_limit()
    decoded_size = len(content) * 3 // 4
    if decoded_size > limit + 3:  # refused from its length, before decoding
        raise _too_large(decoded_size, limit, field=field)
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("文件内容不是有效的 base64 编码", field=field) from None
    return upload_from_bytes(name, data)


def sniff_content_type(data: bytes) -> str | None:
    """The file type from its first bytes (magic numbers), not from its name: PDF, JPEG or PNG only."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


_EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def check_upload(upload: Upload, *, field: str) -> str:
    """Return the detected content type or raise a ServiceError naming the field. The size is checked first, from
    the upload's own record of it, so an oversized file is refused without being read."""
    limit = _upload_limit()
    size = upload.size
    if not size:
        raise ServiceError("上传的文件是空的", field=field)
    if size > limit:
        raise _too_large(size, limit, field=field)
    kind = sniff_content_type(upload.head())
    if kind is None:
        raise ServiceError("只接受 PDF、JPG 或 PNG 文件（按文件内容识别）", field=field)
    return kind


def _store(upload: Upload, kind: str, sha: str, stored: list[str]) -> str:
    """Save the file under MEDIA_ROOT; `stored` collects names so a failed transaction can delete them."""
    today = clock.today()
    name = f"cases/{today:%Y/%m}/{sha[:2]}/{uuid.uuid4().hex}.{_EXT[kind]}"
    upload.file.seek(0)
    saved = default_storage.save(name, upload.file)  # chunked copy (or a move of the temporary file)
    stored.append(saved)
    return saved


def _discard(stored: list[str]) -> None:
    for name in stored:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - best effort
            log.warning("could not delete orphan upload %s", name)


# --------------------------------------------------------------------------- applicants

def _validated(problems: list[FieldProblem], field_name: str, value: str, validator: Any) -> str:
    try:
        return validator(value)
    except ValidationError as exc:
        problems.append(FieldProblem(field_name, "；".join(str(m) for m in exc.messages)))
        return value


def clean_applicant(data: Mapping[str, Any], problems: list[FieldProblem]) -> dict[str, str]:
    """The applicant's identity, validated; free text loses control characters (core.validators.clean_text)."""
    from onewindow.core.validators import (
        clean_text,
        validate_credit_code,
        validate_id_number,
        validate_mobile,
    )

    kind = clean_text(data.get("kind"), multiline=False) or ApplicantKind.PERSON
    out: dict[str, str] = {"kind": kind}
    if kind not in ApplicantKind.values:
        problems.append(FieldProblem("applicant.kind", "申请人类型只能是个人（person）或企业（enterprise）"))
        return out
    name = clean_text(data.get("name"), multiline=False)
    if not name:
        problems.append(FieldProblem("applicant.name", "请填写申请人姓名或名称"))
    elif len(name) > 200:
        problems.append(FieldProblem("applicant.name", "名称不能超过200字"))
    out["name"] = name
    if kind == ApplicantKind.PERSON:
        out["id_number"] = _validated(problems, "applicant.id_number", str(data.get("id_number") or ""), validate_id_number)
        out["phone"] = _validated(problems, "applicant.phone", str(data.get("phone") or ""), validate_mobile)
    else:
        out["credit_code"] = _validated(problems, "applicant.credit_code", str(data.get("credit_code") or ""),
                                        validate_credit_code)
        legal = clean_text(data.get("legal_representative"), multiline=False)
        if not legal:
            problems.append(FieldProblem("applicant.legal_representative", "请填写法定代表人"))
        elif len(legal) > 50:
            problems.append(FieldProblem("applicant.legal_representative", "法定代表人不能超过50字"))
        out["legal_representative"] = legal
        contact = clean_text(data.get("contact_name"), multiline=False)
        if not contact:
            problems.append(FieldProblem("applicant.contact_name", "请填写联系人"))
        elif len(contact) > 50:
            problems.append(FieldProblem("applicant.contact_name", "联系人不能超过50字"))
        out["contact_name"] = contact
        out["contact_phone"] = _validated(problems, "applicant.contact_phone", str(data.get("contact_phone") or ""),
                                          validate_mobile)
    return out


def clean_form(fields: Sequence[Any], data: Mapping[str, Any], problems: list[FieldProblem]) -> dict[str, Any]:
    """Validate the merged form against the notice's fields; unknown keys are dropped; text loses control
    characters (core.validators.clean_text)."""
    from onewindow.core.validators import (
        clean_text,
        validate_credit_code,
        validate_id_number,
        validate_mobile,
    )

    out: dict[str, Any] = {}
    for f in fields:
        raw = data.get(f.key, "")
        value = clean_text(raw, multiline=f.kind not in ("number", "date", "choice", "id_number", "mobile",
                                                          "credit_code"))
        name = f"form.{f.key}"
        if not value:
            if f.required:
                problems.append(FieldProblem(name, f"请填写「{f.label}」"))
            continue
        if f.kind == "number":
            try:
                float(value)
            except ValueError:
                problems.append(FieldProblem(name, f"「{f.label}」应填写数字"))
                continue
        elif f.kind == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(FieldProblem(name, f"「{f.label}」应为日期，格式如 2026-01-31"))
                continue
        elif f.kind == "choice" and f.choices and value not in f.choices:
            problems.append(FieldProblem(name, f"「{f.label}」只能选择：{'、'.join(f.choices)}"))
            continue
        elif f.kind == "id_number":
            value = _validated(problems, name, value, validate_id_number)
        elif f.kind == "mobile":
            value = _validated(problems, name, value, validate_mobile)
        elif f.kind == "credit_code":
            value = _validated(problems, name, value, validate_credit_code)
        elif len(value) > 2000:
            problems.append(FieldProblem(name, f"「{f.label}」不能超过2000字"))
            continue
        out[f.key] = value
    return out


# --------------------------------------------------------------------------- events, transitions, notifications

def _text(value: object, *, multiline: bool = True) -> str:
    """Free text from staff or applicants, without control characters (core.validators.clean_text)."""
    from onewindow.core.validators import clean_text

    return clean_text(value, multiline=multiline)


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    profile = getattr(actor, "profile", None) if hasattr(actor, "profile") else None
    return (getattr(profile, "display_name", "") if profile else "") or actor.get_username()


def _actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _event(case: Case, *, actor: Any, action: str, from_status: str, to_status: str, reason: str = "",
           data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=clock.now(), actor=_actor_or_none(actor), actor_label=_actor_label(actor),
                                    action=action, from_status=from_status, to_status=to_status, reason=reason,
                                    data=data or {})


ACTION_LABEL = {
    "receive": "接件", "accept": "受理", "accept_deferral": "容缺受理", "not_accept": "不予受理",
    "supplement": "一次性告知补正", "supplement_complete": "补正完成", "start_review": "开始审查",
    "special_start": "进入特别程序", "special_end": "特别程序结束", "approve": "准予", "deny": "不予批准",
    "complete": "办结", "deliver": "送达", "withdraw": "撤回", "terminate": "终止", "makeup_complete": "容缺材料补齐",
    "deadline_recomputed": "重算期限",
}


#: what staff do to an application; never to their own (selectors.is_own_application)
STAFF_ACTIONS = frozenset({"accept", "accept_deferral", "not_accept", "supplement", "supplement_complete",
                           "start_review", "special_start", "special_end", "approve", "deny", "complete", "deliver",
                           "makeup_complete"})


def _refuse_own(case: Case, *, actor: Any, action: str) -> None:
    from onewindow.cases.selectors import is_own_application

    if action in STAFF_ACTIONS and is_own_application(actor, case.application):
        raise Forbidden(f"不能{ACTION_LABEL.get(action, action)}本人的申请（{case.application.number}），"
                        "请由其他工作人员办理", field="actor")


def _transition(case: Case, *, to: str, allowed_from: Iterable[str], action: str, actor: Any, reason: str = "",
                data: dict | None = None, **changes: Any) -> Case:
    """Compare-and-swap the case from its current (status, version) to `to`; one event row."""
    _refuse_own(case, actor=actor, action=action)
    allowed = {str(s) for s in allowed_from}
    if case.status not in allowed:
        raise Conflict(f"办件{case.number}当前状态为「{STATUS_LABEL.get(case.status, case.status)}」，"
                       f"不能{ACTION_LABEL.get(action, action)}", field="status")
    now = clock.now()
    updated = Case.objects.filter(pk=case.pk, status=case.status, version=case.version).update(
        status=to, version=F("version") + 1, updated_at=now, **changes)
    if updated != 1:
        raise Conflict(f"办件{case.number}已被他人处理，请刷新后重试", field="version")
    from_status = case.status
    case.status = to
    case.version += 1
    case.updated_at = now
    for key, value in changes.items():
        setattr(case, key, value)
    _event(case, actor=actor, action=action, from_status=from_status, to_status=to, reason=reason, data=data)
    return case


def _notify(*, phone: str, text: str, kind: str, case: Case | None = None, application: Application | None = None) -> None:
    if not phone:
        return
    msg = OutboxMessage.objects.create(recipient_phone=phone, text=text, kind=kind, case=case, application=application,
                                       created_at=clock.now())

    def enqueue() -> None:
        try:
            from onewindow.cases.tasks import send_outbox_message

            send_outbox_message.enqueue(msg.pk)
        except Exception:
            log.warning("could not enqueue outbox message %s", msg.pk, exc_info=True)

    transaction.on_commit(enqueue)


def _lock_case(case_or_number: Case | str) -> Case:
    number = case_or_number.number if isinstance(case_or_number, Case) else case_or_number
    case = Case.objects.select_related("application__applicant").filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", field="number")
    return case


def _compute_due(accepted_on: dt.date, limit: int, paused: int) -> tuple[dt.date, bool]:
    from onewindow.core.calendar import deadline_after

    d = deadline_after(accepted_on, int(limit) + int(paused))
    return d.date, d.provisional


def _sms_name(application: Application) -> str:
    return application.name if len(application.name) <= 20 else application.name[:20] + "…"


# --------------------------------------------------------------------------- submission

@dataclass
class SubmitResult:
    application: Application
    created: bool
    cases: list[Case] = field(default_factory=list)


def submission_fingerprint(*, channel: str, kind: str, code: str, answers: Mapping[str, Any],
                           applicant: Mapping[str, Any], form: Mapping[str, Any], files: Mapping[str, Upload],
                           checked_materials: Sequence[str] = (), deferral_promise: bool = False,
                           missing_ok: bool = False, ticket_id: int | None = None) -> str:
    """What a submission asked for, as one hash (core.idempotency.request_fingerprint): the same idempotency key
    with a different fingerprint is another request, not a retry. Files count by their content's SHA-256 (a file
    over the size limit by its size: it is refused anyway, and is not read for a hash)."""
    from onewindow.core.idempotency import request_fingerprint

    limit = _upload_limit()
    materials = {str(code): (f.sha256() if f.size <= limit else f"size:{f.size}") for code, f in files.items()}
    return request_fingerprint({
        "channel": channel, "kind": kind, "code": code, "answers": dict(answers), "applicant": dict(applicant),
        "form": dict(form), "materials": materials, "checked": sorted(checked_materials),
        "deferral_promise": bool(deferral_promise), "missing_ok": bool(missing_ok), "ticket": ticket_id,
    })


def _notice_for(kind: str, code: str, answers: Mapping[str, Any]) -> Any:
    from onewindow.bundles.notice import bundle_notice, item_notice

    if kind == ApplicationKind.BUNDLE:
        return bundle_notice(bundle_code=code, answers=dict(answers))
    if kind == ApplicationKind.ITEM:
        return item_notice(item_code=code)
    raise ServiceError("申请类型只能是一件事（bundle）或单个事项（item）", field="kind")


def application_submit(*, actor: Any, channel: str, kind: str, code: str, answers: Mapping[str, Any] | None = None,
                       applicant: Mapping[str, Any], form: Mapping[str, Any] | None = None,
                       files: Mapping[str, Upload] | None = None, checked_materials: Iterable[str] = (),
                       deferral_promise: bool = False, missing_ok: bool = False, idempotency_key: str = "",
                       idempotency_scope: str = "", ticket_id: int | None = None) -> SubmitResult:
    """Submit one application: one case per applicable item, each routed to its department.

    `files` maps a canonical material code to its upload; `checked_materials` lists material codes the clerk saw
    on paper at the window. `missing_ok` (clerks only) lets a window submission go ahead with missing materials
    so that a one-time supplement notice can follow. A retried call with the same idempotency key (per submitter:
    `core.idempotency.idempotency_scope`) and the same content returns the first application and creates nothing;
    the same key with different content is refused (409 Conflict).
    """
    from onewindow.core import idempotency as idem

    answers = dict(answers or {})
    form = dict(form or {})
    files = dict(files or {})
    checked_materials = [str(c) for c in checked_materials]
    idempotency_key = idem.clean_key(idempotency_key)
    fingerprint = ""
    if idempotency_key and not idempotency_scope:
        user = _actor_or_none(actor)
        if user is None:
            raise ServiceError("匿名提交不能使用幂等键", field=idem.FIELD)
        idempotency_scope = idem.idempotency_scope(actor=user)
    if idempotency_key:
        fingerprint = submission_fingerprint(
            channel=channel, kind=kind, code=code, answers=answers, applicant=applicant, form=form, files=files,
            checked_materials=checked_materials, deferral_promise=deferral_promise, missing_ok=missing_ok,
            ticket_id=ticket_id)
        existing = Application.objects.filter(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key).first()
        if existing is not None:
            idem.idempotent_replay(existing, fingerprint=fingerprint)
            return SubmitResult(existing, False, list(existing.cases.order_by("number")))
    if channel not in Channel.values:
        raise ServiceError("渠道只能是 online 或 window", field="channel")

    notice = _notice_for(kind, code, answers)
    if not notice.items:
        raise ServiceError("按所选情形没有需要办理的事项", field="answers")

    problems: list[FieldProblem] = []
    applicant_data = clean_applicant(applicant, problems)
    form_data = clean_form(notice.fields, form, problems)

    by_code = {m.code: m for m in notice.materials}
    for key in files:
        if key not in by_code:
            problems.append(FieldProblem(f"materials.{key}", "该材料不在本次申请的材料清单中"))
    checked = set(checked_materials)
    kinds: dict[str, tuple[str, str]] = {}
    for key, upload in files.items():
        if key not in by_code:
            continue
        try:
            content_type = check_upload(upload, field=f"materials.{key}")
        except ServiceError as exc:
            problems.extend(exc.problems)
            continue
        kinds[key] = (content_type, upload.sha256())
    missing: list[Any] = []
    deferred: list[Any] = []
    for m in notice.materials:
        if m.source == MATERIAL_SHARED or m.code in files or m.code in checked:
            continue
        if m.necessity == NECESSITY_REQUIRED:
            missing.append(m)
        elif m.necessity == NECESSITY_DEFERRABLE:
            if deferral_promise:
                deferred.append(m)
            else:
                missing.append(m)
    if missing and not missing_ok:
        for m in missing:
            hint = "（可勾选书面承诺后容缺后补）" if m.necessity == NECESSITY_DEFERRABLE else ""
            problems.append(FieldProblem(f"materials.{m.code}", f"请上传「{m.name}」{hint}"))
    if problems:
        raise ServiceError("提交的信息有误，请按提示修改", problems=problems)

    stored: list[str] = []
    try:
        # files go to storage before the transaction, so the numbering lock is held only for the inserts
        paths = {code: _store(files[code], kinds[code][0], kinds[code][1], stored) for code in kinds}
        with transaction.atomic():
            result = _create_application(
                actor=actor, channel=channel, kind=kind, notice=notice, answers=answers, applicant_data=applicant_data,
                form_data=form_data, files=files, kinds=kinds, paths=paths, checked=checked, deferred=deferred,
                deferral_promise=deferral_promise, idempotency_key=idempotency_key,
                idempotency_scope=idempotency_scope, idempotency_fingerprint=fingerprint, ticket_id=ticket_id)
    except IntegrityError:
        _discard(stored)
        if idempotency_key:
            existing = Application.objects.filter(idempotency_scope=idempotency_scope,
                                                  idempotency_key=idempotency_key).first()
            if existing is not None:
                idem.idempotent_replay(existing, fingerprint=fingerprint)
                return SubmitResult(existing, False, list(existing.cases.order_by("number")))
        raise
    except Exception:
        _discard(stored)
        raise
    if ticket_id and channel == Channel.WINDOW:
        _link_ticket(ticket_id=ticket_id, application=result.application, actor=actor)
    return result


def _create_application(*, actor: Any, channel: str, kind: str, notice: Any, answers: dict, applicant_data: dict,
                        form_data: dict, files: dict[str, Upload], kinds: dict[str, tuple[str, str]],
                        paths: dict[str, str], checked: set[str],
                        deferred: list[Any], deferral_promise: bool, idempotency_key: str, idempotency_scope: str,
                        idempotency_fingerprint: str, ticket_id: int | None) -> SubmitResult:
    from onewindow.catalog.models import ServiceItem

    now = clock.now()
    today = clock.today()
    user = _actor_or_none(actor)
    owner = user if channel == Channel.ONLINE else None
    applicant = Applicant.objects.create(user=owner, created_at=now, **applicant_data)
    seq = _counter(today)
    application = Application.objects.create(
        number=f"SQ{today:%Y%m%d}-{seq:04d}", kind=kind, code=notice.code, name=notice.name,
        answers={k: list(v) if isinstance(v, list | tuple) else v for k, v in answers.items()}, form_data=form_data,
        channel=channel, applicant=applicant, phone_last4=(applicant.notify_phone or "")[-4:], submitted_by=user,
        ticket_id=ticket_id, idempotency_scope=idempotency_scope if idempotency_key else "",
        idempotency_key=idempotency_key, idempotency_fingerprint=idempotency_fingerprint,
        deferral_promise=deferral_promise, submitted_at=now)
    items = {i.pk: i for i in ServiceItem.objects.filter(pk__in=[n.item_id for n in notice.items])}
    cases: list[Case] = []
    for index, n in enumerate(notice.items, start=1):
        item = items.get(n.item_id)
        if item is None:
            raise ServiceError(f"事项「{n.name}」已不存在", field="code")
        deferred_here = [{"material_id": m.material_id, "code": m.code, "name": m.name}
                         for m in deferred if n.code in m.item_codes]
        cases.append(Case(number=f"BJ{today:%Y%m%d}-{seq:04d}-{index:02d}", application=application, item=item,
                          item_code=n.code, item_name=n.name, department_id=n.department_id,
                          handling_type=n.handling_type, promised_limit=n.promised_limit, status=CaseStatus.RECEIVED,
                          received_at=now, deferred_materials=deferred_here, updated_at=now))
    cases = Case.objects.bulk_create(cases)
    if any(c.pk is None for c in cases):  # backends that do not return ids from bulk inserts
        cases = list(Case.objects.filter(application=application).order_by("number"))
    by_item_code = {c.item_code: c for c in cases}
    materials = [m for m in notice.materials if m.code in files or m.code in checked]
    rows: list[SubmittedMaterial] = []
    for m in materials:
        if m.code in files:
            content_type, sha = kinds[m.code]
            upload = files[m.code]
            rows.append(SubmittedMaterial(application=application, material_id=m.material_id, file=paths[m.code],
                                          original_name=upload.name[:200], size=upload.size,
                                          content_type=content_type, sha256=sha, checked=m.code in checked,
                                          uploaded_at=now))
        else:
            rows.append(SubmittedMaterial(application=application, material_id=m.material_id, checked=True,
                                          original_name="窗口核验纸质材料", uploaded_at=now))
    rows = SubmittedMaterial.objects.bulk_create(rows)
    links: list[CaseMaterial] = []
    for m, sm in zip(materials, rows, strict=True):
        links.extend(CaseMaterial(case=by_item_code[c], submitted=sm) for c in m.item_codes if c in by_item_code)
    CaseMaterial.objects.bulk_create(links)
    CaseEvent.objects.bulk_create([
        CaseEvent(case=c, at=now, actor=user, actor_label=_actor_label(actor), action="receive", from_status="",
                  to_status=CaseStatus.RECEIVED, data={"channel": channel}) for c in cases])
    return SubmitResult(application, True, cases)


def _counter(day: dt.date) -> int:
    from onewindow.core.counters import counter_next

    return counter_next(scope="application", day=day)


def _link_ticket(*, ticket_id: int, application: Application, actor: Any) -> None:
    try:
        from onewindow.hall import services as hall_services
    except ImportError:
        return
    link = getattr(hall_services, "ticket_link_application", None)
    if link is None:
        return
    try:
        link(ticket_id=ticket_id, application_id=application.pk, actor=actor)
    except ServiceError as exc:
        log.info("ticket %s not linked to %s: %s", ticket_id, application.number, exc.message)


def application_add_material(*, application: Application, material_code: str, upload: Upload, actor: Any) -> SubmittedMaterial:
    """Add a document later (supplement or 容缺 make-up); linked to every case of the application whose item needs it."""
    from onewindow.catalog.models import CanonicalMaterial, ItemMaterial

    field_name = f"materials.{material_code}"
    material = CanonicalMaterial.objects.filter(code=material_code).first()
    if material is None:
        raise ServiceError("未知的材料", field=field_name)
    content_type = check_upload(upload, field=field_name)
    sha = upload.sha256()
    stored: list[str] = []
    try:
        with transaction.atomic():
            path = _store(upload, content_type, sha, stored)
            sm = SubmittedMaterial.objects.create(application=application, material=material, file=path,
                                                  original_name=upload.name[:200], size=upload.size,
                                                  content_type=content_type, sha256=sha, uploaded_at=clock.now())
            item_ids = set(ItemMaterial.objects.filter(material=material).values_list("item_id", flat=True))
            CaseMaterial.objects.bulk_create([CaseMaterial(case=c, submitted=sm)
                                              for c in application.cases.all() if c.item_id in item_ids])
    except Exception:
        _discard(stored)
        raise
    return sm


# --------------------------------------------------------------------------- acceptance

def _accept_changes(case: Case, today: dt.date) -> dict[str, Any]:
    due, provisional = _compute_due(today, case.promised_limit, case.paused_workdays)
    return {"accepted_on": today, "due_date": due, "due_provisional": provisional}


def _after_acceptance(case: Case, *, actor: Any) -> Case:
    """Instant items complete on the spot; items with a matching 秒批 rule are approved by the system."""
    if case.handling_type == INSTANT:
        now = clock.now()
        _transition(case, to=CaseStatus.APPROVED, allowed_from=[CaseStatus.ACCEPTED], action="approve", actor=actor,
                    reason="即办件当场办理", decided_by=_actor_or_none(actor), decided_at=now)
        _transition(case, to=CaseStatus.COMPLETED, allowed_from=[CaseStatus.APPROVED], action="complete", actor=actor,
                    data={"instant": True}, completed_at=now, result_number=_result_number(case, "JB"))
        return case
    rule = AutoApprovalRule.objects.filter(item_code=case.item_code, enabled=True).first()
    if rule is not None and auto_rule_matches(rule.rule, case):
        now = clock.now()
        _transition(case, to=CaseStatus.APPROVED, allowed_from=[CaseStatus.ACCEPTED], action="approve", actor=None,
                    reason="符合秒批规则，系统自动审批", data={"auto_rule": rule.pk}, decided_by=None,
                    decided_by_system=True, decided_at=now)
        _transition(case, to=CaseStatus.COMPLETED, allowed_from=[CaseStatus.APPROVED], action="complete", actor=None,
                    data={"auto_rule": rule.pk}, completed_at=now,
                    result_number=_result_number(case, rule.result_prefix or "MP"))
    return case


def _result_number(case: Case, prefix: str) -> str:
    return f"{prefix}{case.number[2:]}"


def auto_rule_matches(rule: Mapping[str, Any], case: Case) -> bool:
    conditions = rule.get("all") or []
    if not conditions:
        return False
    app = case.application
    present: set[str] | None = None
    for cond in conditions:
        if "answer" in cond:
            value = app.answers.get(cond["answer"])
            values = value if isinstance(value, list) else [value]
            if not set(map(str, values)) & set(map(str, cond.get("in", []))):
                return False
        elif "field" in cond:
            value = app.form_data.get(cond["field"])
            if value is None:
                return False
            if "equals" in cond and str(value) != str(cond["equals"]):
                return False
            if "in" in cond and str(value) not in map(str, cond["in"]):
                return False
            try:
                if "min" in cond and float(value) < float(cond["min"]):
                    return False
                if "max" in cond and float(value) > float(cond["max"]):
                    return False
            except ValueError:
                return False
        elif "material" in cond:
            if present is None:
                present = set(SubmittedMaterial.objects.filter(application=app).values_list("material__code", flat=True))
            if cond["material"] not in present:
                return False
        else:
            return False
    return True


def _makeup_days_default(case: Case) -> int:
    return max(0, min(20, case.promised_limit - 2))


def _validate_makeup_days(case: Case, days: int) -> None:
    if days < 1:
        raise ServiceError("容缺补齐期限至少1个工作日", field="makeup_days")
    if days > 20:
        raise ServiceError("容缺补齐期限不能超过20个工作日", field="makeup_days")
    if days > case.promised_limit - 2:
        raise ServiceError(f"容缺补齐期限须比承诺时限（{case.promised_limit}个工作日）至少短2个工作日",
                           field="makeup_days")


@transaction.atomic
def case_accept(*, case: Case | str, actor: Any, notify: bool = True) -> Case:
    """受理. Instant items are completed at once; deferred (容缺) materials get a make-up deadline."""
    case = _lock_case(case)
    if case.deferred_materials:
        return case_accept_with_deferral(case=case, actor=actor, makeup_days=_makeup_days_default(case), notify=notify)
    today = clock.today()
    _transition(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.RECEIVED], action="accept", actor=actor,
                **_accept_changes(case, today))
    _after_acceptance(case, actor=actor)
    if notify:
        _notify_accepted(case.application, [case])
    return case


@transaction.atomic
def case_accept_with_deferral(*, case: Case | str, actor: Any, makeup_days: int,
                              materials: Sequence[Mapping[str, Any]] | None = None, notify: bool = True) -> Case:
    """容缺受理: accepted now; the missing non-key materials must follow within `makeup_days` working days."""
    from onewindow.core.calendar import add_workdays

    case = _lock_case(case)
    deferred = list(materials) if materials is not None else list(case.deferred_materials)
    if not deferred:
        raise ServiceError("请列出容缺后补的材料", field="materials")
    if case.handling_type == INSTANT:
        raise Conflict("即办件不适用容缺受理", field="status")
    if not case.application.deferral_promise:
        raise Conflict("申请人未作书面承诺，不能容缺受理", field="deferral_promise")
    _validate_makeup_days(case, int(makeup_days))
    today = clock.today()
    makeup_due = add_workdays(today, int(makeup_days))
    _transition(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.RECEIVED], action="accept_deferral", actor=actor,
                data={"makeup_days": int(makeup_days), "materials": deferred}, makeup_due=makeup_due,
                deferred_materials=deferred, **_accept_changes(case, today))
    if notify:
        _notify_accepted(case.application, [case])
    return case


@transaction.atomic
def case_complete_makeup(*, case: Case | str, actor: Any) -> Case:
    """The deferred materials arrived (no state change; one event)."""
    case = _lock_case(case)
    _refuse_own(case, actor=actor, action="makeup_complete")
    if not case.deferred_materials or case.status not in (CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                                                          CaseStatus.SPECIAL_PROCEDURE):
        raise Conflict("该办件没有待补齐的容缺材料", field="status")
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        deferred_materials=[], makeup_due=None, version=F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise Conflict(f"办件{case.number}已被他人处理，请刷新后重试", field="version")
    _event(case, actor=actor, action="makeup_complete", from_status=case.status, to_status=case.status,
           data={"materials": case.deferred_materials})
    case.deferred_materials, case.makeup_due = [], None
    case.version += 1
    return case


def _notify_accepted(application: Application, cases: Sequence[Case]) -> None:
    dues = [c.due_date for c in cases if c.due_date and c.status not in DONE_STATUSES]
    done = [c for c in cases if c.status == CaseStatus.COMPLETED]
    if dues:
        text = (f"【一窗通办】您的申请{application.number}（{_sms_name(application)}）已受理，"
                f"承诺{max(dues):%Y年%m月%d日}前办结，可凭编号和手机尾号查询进度。")
    elif done:
        text = f"【一窗通办】您的申请{application.number}（{_sms_name(application)}）已当场办结。"
    else:
        return
    _notify(phone=application.applicant.notify_phone, text=text, kind="accepted", application=application)


@transaction.atomic
def application_accept(*, application: Application | str, actor: Any) -> list[Case]:
    """The window accepts every received case of an application at once (one SMS)."""
    app = _get_application(application)
    cases = list(app.cases.filter(status=CaseStatus.RECEIVED).order_by("number"))
    if not cases:
        raise Conflict("该申请没有待受理的办件", field="status")
    for c in cases:
        case_accept(case=c, actor=actor, notify=False)
    cases = list(app.cases.order_by("number"))
    _notify_accepted(app, cases)
    _maybe_application_done(app, before=False)
    return cases


def _get_application(application: Application | str) -> Application:
    if isinstance(application, Application):
        return Application.objects.select_related("applicant").get(pk=application.pk)
    app = Application.objects.select_related("applicant").filter(number=application).first()
    if app is None:
        raise NotFound("未找到该申请", field="number")
    return app


@transaction.atomic
def case_not_accept(*, case: Case | str, actor: Any, reason: str) -> Case:
    reason = _text(reason)
    if not reason:
        raise ServiceError("不予受理须说明理由", field="reason")
    case = _lock_case(case)
    _transition(case, to=CaseStatus.NOT_ACCEPTED, allowed_from=[CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT],
                action="not_accept", actor=actor, reason=reason, decided_by=_actor_or_none(actor), decided_at=clock.now())
    _notify(phone=case.application.applicant.notify_phone, kind="not_accepted", case=case, application=case.application,
            text=f"【一窗通办】您申请的「{case.item_name}」（{case.number}）不予受理，理由：{reason[:60]}")
    _maybe_application_done(case.application)
    return case


def _clean_missing(missing: Sequence[Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if missing and not isinstance(missing, (list, tuple)):
        raise ServiceError("补正清单应为列表", field="missing")
    for entry in missing or []:
        if isinstance(entry, str):
            name, note, code = _text(entry, multiline=False), "", ""
        elif not isinstance(entry, Mapping):
            raise ServiceError("补正清单的每一项应为材料名称或 {name, note}", field="missing")
        else:
            name = _text(entry.get("name"), multiline=False)
            note = _text(entry.get("note"))
            code = _text(entry.get("code"), multiline=False)
        if name:
            out.append({"code": code, "name": name, "note": note})
    if not out:
        raise ServiceError("请一次性列出需要补正的全部材料或内容", field="missing")
    return out


def _request_supplement(app: Application, cases: Sequence[Case], *, actor: Any, missing: list[dict], note: str) -> SupplementRequest:
    note = _text(note)
    req = SupplementRequest.objects.create(application=app, missing=missing, note=note, requested_by=_actor_or_none(actor),
                                           requested_at=clock.now())
    for c in cases:
        _transition(c, to=CaseStatus.SUPPLEMENT, allowed_from=[CaseStatus.RECEIVED], action="supplement", actor=actor,
                    reason=note, data={"missing": missing, "request": req.pk})
    req.cases.set(cases)
    names = "、".join(m["name"] for m in missing)
    _notify(phone=app.applicant.notify_phone, kind="supplement", application=app,
            text=f"【一窗通办】您的申请{app.number}需一次性补正：{names[:120]}。补齐之日起计算办理时限。")
    return req


@transaction.atomic
def case_request_supplement(*, case: Case | str, actor: Any, missing: Sequence[Any], note: str = "") -> SupplementRequest:
    """One-time notice of everything missing (一次性告知); the time limit starts when the supplement is complete."""
    missing_list = _clean_missing(missing)
    case = _lock_case(case)
    return _request_supplement(case.application, [case], actor=actor, missing=missing_list, note=note)


@transaction.atomic
def application_request_supplement(*, application: Application | str, actor: Any, missing: Sequence[Any],
                                   note: str = "") -> SupplementRequest:
    """At the window: one list for every received case of the application."""
    missing_list = _clean_missing(missing)
    app = _get_application(application)
    cases = list(app.cases.filter(status=CaseStatus.RECEIVED).order_by("number"))
    if not cases:
        raise Conflict("该申请没有待受理的办件，不能要求补正", field="status")
    return _request_supplement(app, cases, actor=actor, missing=missing_list, note=note)


@transaction.atomic
def case_complete_supplement(*, case: Case | str, actor: Any) -> Case:
    """Supplement complete: the case is accepted today and its time limit starts now."""
    case = _lock_case(case)
    today = clock.today()
    if case.deferred_materials:
        # 容缺 materials still pending after the supplement: keep the promise's make-up deadline
        from onewindow.core.calendar import add_workdays

        extra = {"makeup_due": add_workdays(today, _makeup_days_default(case))}
    else:
        extra = {}
    _transition(case, to=CaseStatus.ACCEPTED, allowed_from=[CaseStatus.SUPPLEMENT], action="supplement_complete",
                actor=actor, **_accept_changes(case, today), **extra)
    now = clock.now()
    for req in SupplementRequest.objects.filter(cases=case, completed_at__isnull=True):
        if not req.cases.exclude(status__in=[CaseStatus.ACCEPTED, *DONE_STATUSES, CaseStatus.UNDER_REVIEW]).exclude(
                pk=case.pk).exists():
            SupplementRequest.objects.filter(pk=req.pk).update(completed_at=now)
    _after_acceptance(case, actor=actor)
    _notify_accepted(case.application, [case])
    return case


# --------------------------------------------------------------------------- review

@transaction.atomic
def case_start_review(*, case: Case | str, actor: Any) -> Case:
    case = _lock_case(case)
    return _transition(case, to=CaseStatus.UNDER_REVIEW, allowed_from=[CaseStatus.ACCEPTED], action="start_review",
                       actor=actor)


SPECIAL_KINDS = {"hearing": "听证", "testing": "检验检测", "expert": "专家评审", "inspection": "现场勘查", "other": "其他"}


@transaction.atomic
def case_start_special_procedure(*, case: Case | str, actor: Any, kind: str, reason: str) -> Case:
    """特别程序: the clock stops until it ends (the paused working days do not count)."""
    if kind not in SPECIAL_KINDS:
        raise ServiceError(f"特别程序种类只能是：{'、'.join(SPECIAL_KINDS.values())}", field="kind")
    reason = _text(reason)
    if not reason:
        raise ServiceError("请说明进入特别程序的理由", field="reason")
    case = _lock_case(case)
    return _transition(case, to=CaseStatus.SPECIAL_PROCEDURE, allowed_from=[CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW],
                       action="special_start", actor=actor, reason=reason, data={"kind": kind},
                       pause_started_on=clock.today())


@transaction.atomic
def case_end_special_procedure(*, case: Case | str, actor: Any, result: str = "") -> Case:
    from onewindow.core.calendar import workdays_between

    case = _lock_case(case)
    if case.status != CaseStatus.SPECIAL_PROCEDURE:
        raise Conflict(f"办件{case.number}当前状态为「{STATUS_LABEL.get(case.status)}」，不在特别程序中", field="status")
    start = case.pause_started_on or clock.today()
    paused = workdays_between(start, clock.today())
    total = case.paused_workdays + paused
    due, provisional = _compute_due(case.accepted_on or start, case.promised_limit, total)
    return _transition(case, to=CaseStatus.UNDER_REVIEW, allowed_from=[CaseStatus.SPECIAL_PROCEDURE],
                       action="special_end", actor=actor, reason=_text(result), data={"paused_workdays": paused,
                                                                                "from": start.isoformat()},
                       paused_workdays=total, pause_started_on=None, due_date=due, due_provisional=provisional)


@transaction.atomic
def case_approve(*, case: Case | str, actor: Any, opinion: str = "") -> Case:
    case = _lock_case(case)
    return _transition(case, to=CaseStatus.APPROVED, allowed_from=[CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW],
                       action="approve", actor=actor, reason=_text(opinion), decided_by=_actor_or_none(actor),
                       decided_at=clock.now())


@transaction.atomic
def case_deny(*, case: Case | str, actor: Any, reason: str) -> Case:
    reason = _text(reason)
    if not reason:
        raise ServiceError("不予批准须说明理由", field="reason")
    case = _lock_case(case)
    _transition(case, to=CaseStatus.DENIED, allowed_from=[CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW], action="deny",
                actor=actor, reason=reason, decided_by=_actor_or_none(actor), decided_at=clock.now(),
                completed_at=clock.now())
    _notify(phone=case.application.applicant.notify_phone, kind="denied", case=case, application=case.application,
            text=f"【一窗通办】您申请的「{case.item_name}」（{case.number}）不予批准，理由：{reason[:60]}")
    _maybe_application_done(case.application)
    return case


@transaction.atomic
def case_complete(*, case: Case | str, actor: Any, result_number: str) -> Case:
    """办结 with the result (certificate or licence) number."""
    result_number = _text(result_number, multiline=False)
    if not result_number:
        raise ServiceError("请填写结果证照编号", field="result_number")
    if len(result_number) > 60:
        raise ServiceError("结果证照编号不能超过60个字符", field="result_number")
    case = _lock_case(case)
    _transition(case, to=CaseStatus.COMPLETED, allowed_from=[CaseStatus.APPROVED], action="complete", actor=actor,
                data={"result_number": result_number}, result_number=result_number, completed_at=clock.now())
    _maybe_application_done(case.application)
    return case


def _maybe_application_done(app: Application, *, before: bool = False) -> None:
    statuses = list(Case.objects.filter(application=app).values_list("status", flat=True))
    if statuses and all(s in DONE_STATUSES for s in statuses) and any(
            s in (CaseStatus.COMPLETED, CaseStatus.DELIVERED) for s in statuses):
        if OutboxMessage.objects.filter(application=app, kind="completed").exists():
            return
        _notify(phone=app.applicant.notify_phone, kind="completed", application=app,
                text=f"【一窗通办】您的申请{app.number}（{_sms_name(app)}）已全部办结，请按选择的方式领取结果。")


@transaction.atomic
def case_deliver(*, case: Case | str, actor: Any, method: str, tracking_number: str = "", pickup_code: str = "") -> Case:
    """送达: pickup at the window, post (tracking number), 24-hour locker (pickup code) or electronic."""
    if method not in DeliveryMethod.values:
        raise ServiceError("送达方式只能是：窗口领取、邮寄、24小时智能柜、电子证照", field="method")
    ref = ""
    if method == DeliveryMethod.POST:
        ref = _text(tracking_number, multiline=False)
        if not ref:
            raise ServiceError("邮寄送达须填写快递单号", field="tracking_number")
    elif method == DeliveryMethod.LOCKER:
        ref = _text(pickup_code, multiline=False) or f"{secrets.randbelow(10 ** 6):06d}"
        if not ref.isdigit() or not 4 <= len(ref) <= 8:
            raise ServiceError("取件码应为4到8位数字", field="pickup_code")
    case = _lock_case(case)
    _transition(case, to=CaseStatus.DELIVERED, allowed_from=[CaseStatus.COMPLETED], action="deliver", actor=actor,
                data={"method": method, "ref": ref}, delivery_method=method, delivery_ref=ref)
    how = {"pickup": "请到窗口领取", "post": f"已邮寄，快递单号{ref}", "locker": f"已放入24小时智能柜，取件码{ref}",
           "electronic": "电子证照已发放"}[method]
    _notify(phone=case.application.applicant.notify_phone, kind="delivered", case=case, application=case.application,
            text=f"【一窗通办】「{case.item_name}」（{case.number}）结果{how}。")
    return case


WITHDRAWABLE = (CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                CaseStatus.SPECIAL_PROCEDURE)


@transaction.atomic
def case_withdraw(*, case: Case | str, actor: Any, reason: str = "") -> Case:
    """撤回 by the applicant (before a decision)."""
    case = _lock_case(case)
    _transition(case, to=CaseStatus.WITHDRAWN, allowed_from=WITHDRAWABLE, action="withdraw", actor=actor,
                reason=_text(reason) or "申请人撤回")
    return case


@transaction.atomic
def application_withdraw(*, application: Application | str, actor: Any, reason: str = "") -> list[Case]:
    app = _get_application(application)
    cases = list(app.cases.filter(status__in=WITHDRAWABLE).order_by("number"))
    if not cases:
        raise Conflict("该申请已没有可撤回的办件", field="status")
    for c in cases:
        case_withdraw(case=c, actor=actor, reason=reason)
    return cases


# --------------------------------------------------------------------------- background jobs

def terminate_missed_makeups(*, today: dt.date | None = None) -> int:
    """容缺: end (terminate) every case whose make-up deadline has passed without the materials."""
    today = today or clock.today()
    count = 0
    numbers = list(Case.objects.filter(status__in=[CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                                                   CaseStatus.SPECIAL_PROCEDURE],
                                       makeup_due__lt=today).exclude(deferred_materials=[]).values_list("number", flat=True))
    for number in numbers:
        try:
            with transaction.atomic():
                case = _lock_case(number)
                _transition(case, to=CaseStatus.TERMINATED, allowed_from=[CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW,
                                                                          CaseStatus.SPECIAL_PROCEDURE],
                            action="terminate", actor=None, reason="容缺材料未在承诺期限内补齐，办件终止",
                            data={"makeup_due": case.makeup_due.isoformat() if case.makeup_due else None})
                _notify(phone=case.application.applicant.notify_phone, kind="terminated", case=case,
                        application=case.application,
                        text=f"【一窗通办】「{case.item_name}」（{case.number}）容缺材料未按期补齐，办件已终止。")
            count += 1
        except Conflict:
            continue
    return count


def recompute_deadlines() -> int:
    """Recompute provisional due dates (after an admin imports a year's official calendar)."""
    from onewindow.core.calendar import calendar_refresh

    calendar_refresh()
    count = 0
    for case in Case.objects.filter(due_provisional=True, accepted_on__isnull=False).iterator():
        due, provisional = _compute_due(case.accepted_on, case.promised_limit, case.paused_workdays)
        if due == case.due_date and provisional == case.due_provisional:
            continue
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, version=case.version).update(
                due_date=due, due_provisional=provisional, version=F("version") + 1, updated_at=clock.now())
            if updated:
                _event(case, actor=None, action="deadline_recomputed", from_status=case.status, to_status=case.status,
                       data={"from": case.due_date.isoformat() if case.due_date else None, "to": due.isoformat(),
                             "provisional": provisional})
                count += 1
    return count


def mark_message(*, message_id: int) -> str:
    """Send one outbox message through the configured sender; returns the new status."""
    from onewindow.cases.notify import get_sender

    with transaction.atomic():
        msg = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if msg is None or msg.status == "sent":
            return msg.status if msg else "missing"
        msg.attempts += 1
        try:
            get_sender()(phone=msg.recipient_phone, text=msg.text)
        except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried later
            msg.status = "failed" if msg.attempts >= 5 else "pending"
            msg.last_error = str(exc)[:200]
        else:
            msg.status = "sent"
            msg.sent_at = clock.now()
        msg.save(update_fields=["attempts", "status", "last_error", "sent_at"])
        return msg.status
