"""Submitting an application: one case per applicable item, each routed to its department; each material once.

    result = application_submit(actor=request.user, channel=Channel.ONLINE, kind="bundle", code="fa-hire-staff",
                                answers={...}, applicant={...}, form={...}, files={"M-ID": upload})

The steps: the idempotency key (a retry with the same key and content returns the first application, another
content under the same key is a 409); the notice of what the answers require (bundles.notice); every problem
with the applicant, the form and the files collected at once (a 400 naming each field); the files stored; then,
in one short transaction, the numbered application (SQ<day>-NNNN, core.counters), its cases (BJ<day>-NNNN-NN), the
submitted materials linked to every case that needs them, and one `receive` event per case.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext as _

from onewindow.bundles.notice import bundle_notice, item_notice
from onewindow.cases.models import (
    Applicant,
    Application,
    ApplicationKind,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    Channel,
    SubmittedMaterial,
)
from onewindow.cases.services.cleaning import clean_applicant, clean_form
from onewindow.cases.services.uploads import (
    Upload,
    check_upload,
    discard_uploads,
    store_upload,
    upload_limit,
)
from onewindow.catalog.models import (
    CanonicalMaterial,
    ItemMaterial,
    MaterialNecessity,
    MaterialSource,
    ServiceItem,
)
from onewindow.core import clock
from onewindow.core import idempotency as idem
from onewindow.core.actors import Actor, actor_label, actor_user
from onewindow.core.cache import cached_figure
from onewindow.core.counters import counter_next
from onewindow.core.errors import FieldProblem, ServiceError

PAPER_SEEN = "窗口核验纸质材料"


@dataclass
class SubmitResult:
    application: Application
    created: bool
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True)
class Submission:
    """What one submission asks for, as given (before cleaning)."""

    channel: str
    kind: str
    code: str
    answers: dict[str, Any]
    applicant: dict[str, Any]
    form: dict[str, Any]
    files: dict[str, Upload]
    checked: tuple[str, ...] = ()
    deferral_promise: bool = False
    missing_ok: bool = False
    ticket_id: int | None = None


@dataclass
class _Accepted:
    """A submission that passed every check: what will be written."""

    notice: Any
    applicant: dict[str, str]
    form: dict[str, Any]
    kinds: dict[str, tuple[str, str]]  # material code → (content type, SHA-256) of each upload
    deferred: list[Any]  # 容缺 materials promised for later


def submission_fingerprint(submission: Submission) -> str:
    """What a submission asked for, as one hash (core.idempotency.request_fingerprint): the same idempotency key
    with a different fingerprint is another request, not a retry. Files count by their content's SHA-256 (a file
    over the size limit by its size: it is refused anyway, and is not read for a hash)."""
    limit = upload_limit()
    materials = {str(code): (f.sha256() if f.size <= limit else f"size:{f.size}")
                 for code, f in submission.files.items()}
    return idem.request_fingerprint({
        "channel": submission.channel, "kind": submission.kind, "code": submission.code,
        "answers": submission.answers, "applicant": submission.applicant, "form": submission.form,
        "materials": materials, "checked": sorted(submission.checked),
        "deferral_promise": submission.deferral_promise, "missing_ok": submission.missing_ok,
        "ticket": submission.ticket_id,
    })


def application_submit(*, actor: Actor, channel: str, kind: str, code: str, answers: Mapping[str, Any] | None = None,
                       applicant: Mapping[str, Any], form: Mapping[str, Any] | None = None,
                       files: Mapping[str, Upload] | None = None, checked_materials: Iterable[str] = (),
                       deferral_promise: bool = False, missing_ok: bool = False, idempotency_key: str = "",
                       idempotency_scope: str = "", ticket_id: int | None = None) -> SubmitResult:
    """Submit one application: one case per applicable item, each routed to its department.

    `files` maps a canonical material code to its upload; `checked_materials` lists material codes the clerk saw
    on paper at the window. `missing_ok` (clerks only) lets a window submission go ahead with missing materials
    so that a one-time supplement notice can follow. `ticket_id` records the hall ticket a window application
    was taken from (the hall links the two: hall.services.window). A retried call with the same idempotency key
    (per submitter: `core.idempotency.idempotency_scope`) and the same content returns the first application and
    creates nothing; the same key with different content is refused (409 Conflict).
    """
    submission = Submission(
        channel=channel, kind=kind, code=code, answers=dict(answers or {}), applicant=dict(applicant),
        form=dict(form or {}), files=dict(files or {}), checked=tuple(str(c) for c in checked_materials),
        deferral_promise=bool(deferral_promise), missing_ok=bool(missing_ok), ticket_id=ticket_id)
    key = idem.clean_key(idempotency_key)
    scope = _scope(actor, key, idempotency_scope)
    fingerprint = submission_fingerprint(submission) if key else ""
    if key and (replay := _replay(scope, key, fingerprint)) is not None:
        return replay
    if channel not in Channel.values:
        raise ServiceError(_("渠道只能是 online 或 window"), field="channel")
    accepted = _check(submission)
    stored: list[str] = []
    try:
        # files go to storage before the transaction, so the numbering lock is held only for the inserts
        paths = {c: store_upload(submission.files[c], kind, sha, stored) for c, (kind, sha) in accepted.kinds.items()}
        with transaction.atomic():
            return _create(submission, accepted, paths=paths, actor=actor, key=key, scope=scope,
                           fingerprint=fingerprint)
    except IntegrityError:
        discard_uploads(stored)
        if key and (replay := _replay(scope, key, fingerprint)) is not None:
            return replay  # a concurrent retry won the race
        raise
    except Exception:
        discard_uploads(stored)
        raise


# --------------------------------------------------------------------------- idempotency


def _scope(actor: Actor, key: str, scope: str) -> str:
    if not key or scope:
        return scope
    user = actor_user(actor)
    if user is None:
        raise ServiceError(_("匿名提交不能使用幂等键"), field=idem.FIELD)
    return idem.idempotency_scope(actor=user)


def _replay(scope: str, key: str, fingerprint: str) -> SubmitResult | None:
    existing = Application.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is None:
        return None
    idem.idempotent_replay(existing, fingerprint=fingerprint)
    return SubmitResult(existing, False, list(existing.cases.order_by("number")))


# --------------------------------------------------------------------------- checks


# A single item's notice (its materials and form fields: three queries) is the same for every applicant, so it is
# kept in the ``figures`` cache for NOTICE_SECONDS. Any change saved to the catalog or the bundles in this process
# drops it at once (a new key generation); another server process without Redis sees it within NOTICE_SECONDS.
NOTICE_SECONDS = 30
NOTICE_APPS = frozenset({"catalog", "bundles"})
SAFE_CODE = re.compile(r"[A-Za-z0-9_.-]{1,80}")
_catalog_generation = [0]


def _catalog_changed(sender: Any, **_kwargs: Any) -> None:
    if getattr(getattr(sender, "_meta", None), "app_label", "") in NOTICE_APPS:
        _catalog_generation[0] += 1


for _signal in (post_save, post_delete, m2m_changed):
    _signal.connect(_catalog_changed, dispatch_uid=f"cases.notice.{id(_signal)}")


def _notice_for(kind: str, code: str, answers: Mapping[str, Any]) -> Any:
    if kind == ApplicationKind.BUNDLE:
        return bundle_notice(bundle_code=code, answers=dict(answers))
    if kind == ApplicationKind.ITEM:
        if not SAFE_CODE.fullmatch(code):  # item codes are short; anything else is looked up, never kept
            return item_notice(item_code=code)
        return cached_figure(f"cases.notice:{_catalog_generation[0]}:item:{code}", NOTICE_SECONDS,
                             lambda: item_notice(item_code=code))
    raise ServiceError(_("申请类型只能是一件事（bundle）或单个事项（item）"), field="kind")


def _check(submission: Submission) -> _Accepted:
    """Every problem at once (ServiceError listing them), or what will be written."""
    notice = _notice_for(submission.kind, submission.code, submission.answers)
    if not notice.items:
        raise ServiceError(_("按所选情形没有需要办理的事项"), field="answers")
    problems: list[FieldProblem] = []
    applicant = clean_applicant(submission.applicant, problems)
    form = clean_form(notice.fields, submission.form, problems)
    kinds = _check_files(notice, submission.files, problems)
    missing, deferred = _missing_materials(notice, submission)
    if missing and not submission.missing_ok:
        for m in missing:
            hint = _("（可勾选书面承诺后容缺后补）") if m.necessity == MaterialNecessity.DEFERRABLE else ""
            problems.append(FieldProblem(f"materials.{m.code}", _("请上传「%(name)s」") % {"name": m.name} + hint))
    if problems:
        raise ServiceError(_("提交的信息有误，请按提示修改"), problems=problems)
    return _Accepted(notice=notice, applicant=applicant, form=form, kinds=kinds, deferred=deferred)


def _check_files(notice: Any, files: Mapping[str, Upload], problems: list[FieldProblem]) -> dict[str, tuple[str, str]]:
    """Each upload is on the notice's list and is a PDF, JPEG or PNG within the size limit."""
    listed = {m.code for m in notice.materials}
    kinds: dict[str, tuple[str, str]] = {}
    for key, upload in files.items():
        if key not in listed:
            problems.append(FieldProblem(f"materials.{key}", _("该材料不在本次申请的材料清单中")))
            continue
        try:
            kinds[key] = (check_upload(upload, field=f"materials.{key}"), upload.sha256())
        except ServiceError as exc:
            problems.extend(exc.problems)
    return kinds


def _missing_materials(notice: Any, submission: Submission) -> tuple[list[Any], list[Any]]:
    """Materials neither uploaded nor seen on paper nor shared (数据共享免提交: the department fetches those):
    (missing, deferred — 容缺 materials that follow later on the applicant's written promise)."""
    missing: list[Any] = []
    deferred: list[Any] = []
    for m in notice.materials:
        if m.source == MaterialSource.SHARED or m.code in submission.files or m.code in submission.checked:
            continue
        if m.necessity == MaterialNecessity.DEFERRABLE and submission.deferral_promise:
            deferred.append(m)
        elif m.necessity in (MaterialNecessity.REQUIRED, MaterialNecessity.DEFERRABLE):
            missing.append(m)
    return missing, deferred


# --------------------------------------------------------------------------- the rows


def next_application_number(day: dt.date) -> tuple[str, int]:
    """The day's next application number (SQ20261128-0001) and its sequence; call inside the creating
    transaction so a rollback gives the number back."""
    seq = counter_next(scope="application", day=day)
    return f"SQ{day:%Y%m%d}-{seq:04d}", seq


def _create(submission: Submission, accepted: _Accepted, *, paths: Mapping[str, str], actor: Actor, key: str,
            scope: str, fingerprint: str) -> SubmitResult:
    now = clock.now()
    user = actor_user(actor)
    owner = user if submission.channel == Channel.ONLINE else None
    applicant = Applicant.objects.create(user=owner, created_at=now, **accepted.applicant)
    number, _seq = next_application_number(clock.today())
    application = Application.objects.create(
        number=number, kind=submission.kind, code=accepted.notice.code, name=accepted.notice.name,
        answers={k: list(v) if isinstance(v, list | tuple) else v for k, v in submission.answers.items()},
        form_data=accepted.form, channel=submission.channel, applicant=applicant,
        phone_last4=(applicant.notify_phone or "")[-4:], submitted_by=user, ticket_id=submission.ticket_id,
        idempotency_scope=scope if key else "", idempotency_key=key, idempotency_fingerprint=fingerprint,
        deferral_promise=submission.deferral_promise, submitted_at=now)
    cases = _create_cases(application, accepted, now=now)
    _create_materials(application, accepted, submission, cases, paths=paths, now=now)
    CaseEvent.objects.bulk_create([
        CaseEvent(case=c, at=now, actor=user, actor_label=actor_label(actor), action="receive", from_status="",
                  to_status=CaseStatus.RECEIVED, correlation=application.number, data={"channel": submission.channel})
        for c in cases])
    return SubmitResult(application, True, cases)


def _create_cases(application: Application, accepted: _Accepted, *, now: dt.datetime) -> list[Case]:
    notice = accepted.notice
    items = {i.pk: i for i in ServiceItem.objects.filter(pk__in=[n.item_id for n in notice.items])}
    cases: list[Case] = []
    for index, n in enumerate(notice.items, start=1):
        item = items.get(n.item_id)
        if item is None:
            raise ServiceError(_("事项「%(name)s」已不存在") % {"name": n.name}, field="code")
        deferred_here = [{"material_id": m.material_id, "code": m.code, "name": m.name}
                         for m in accepted.deferred if n.code in m.item_codes]
        cases.append(Case(number=f"BJ{application.number[2:]}-{index:02d}", application=application, item=item,
                          item_code=n.code, item_name=n.name, department_id=item.case_department_id,
                          handling_type=n.handling_type, promised_limit=n.promised_limit, status=CaseStatus.RECEIVED,
                          received_at=now, deferred_materials=deferred_here, updated_at=now))
    cases = Case.objects.bulk_create(cases)
    if any(c.pk is None for c in cases):  # backends that do not return ids from bulk inserts
        cases = list(Case.objects.filter(application=application).order_by("number"))
    return cases


def _create_materials(application: Application, accepted: _Accepted, submission: Submission, cases: Sequence[Case],
                      *, paths: Mapping[str, str], now: dt.datetime) -> None:
    """One row per material (uploaded, or seen on paper at the window), linked to every case whose item needs it."""
    materials = [m for m in accepted.notice.materials if m.code in submission.files or m.code in submission.checked]
    rows: list[SubmittedMaterial] = []
    for m in materials:
        if m.code in submission.files:
            content_type, sha = accepted.kinds[m.code]
            upload = submission.files[m.code]
            rows.append(SubmittedMaterial(application=application, material_id=m.material_id, file=paths[m.code],
                                          original_name=upload.name[:200], size=upload.size,
                                          content_type=content_type, sha256=sha, checked=m.code in submission.checked,
                                          uploaded_at=now))
        else:
            rows.append(SubmittedMaterial(application=application, material_id=m.material_id, checked=True,
                                          original_name=PAPER_SEEN, uploaded_at=now))
    rows = SubmittedMaterial.objects.bulk_create(rows)
    by_item_code = {c.item_code: c for c in cases}
    links = [CaseMaterial(case=by_item_code[code], submitted=sm)
             for m, sm in zip(materials, rows, strict=True) for code in m.item_codes if code in by_item_code]
    CaseMaterial.objects.bulk_create(links)


# --------------------------------------------------------------------------- later documents


def application_add_material(*, application: Application, material_code: str, upload: Upload,
                             actor: Actor) -> SubmittedMaterial:
    """Add a document later (supplement or 容缺 make-up); linked to every case of the application whose item needs
    it. The file is stored inside the transaction and deleted again if it fails."""
    field_name = f"materials.{material_code}"
    material = CanonicalMaterial.objects.filter(code=material_code).first()
    if material is None:
        raise ServiceError(_("未知的材料"), field=field_name)
    content_type = check_upload(upload, field=field_name)
    sha = upload.sha256()
    stored: list[str] = []
    try:
        with transaction.atomic():
            path = store_upload(upload, content_type, sha, stored)
            sm = SubmittedMaterial.objects.create(application=application, material=material, file=path,
                                                  original_name=upload.name[:200], size=upload.size,
                                                  content_type=content_type, sha256=sha, uploaded_at=clock.now())
            item_ids = set(ItemMaterial.objects.filter(material=material).values_list("item_id", flat=True))
            CaseMaterial.objects.bulk_create([CaseMaterial(case=c, submitted=sm)
                                              for c in application.cases.all() if c.item_id in item_ids])
    except Exception:
        discard_uploads(stored)
        raise
    return sm
