"""The service guide (办事指南) of an item, shaped once for the HTML page and the PDF."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onewindow.catalog.models import LimitUnit, MaterialNecessity, MaterialSource, ServiceItem

HANDLING_FORMS = {"1": "窗口办理", "2": "网上办理", "3": "移动端办理", "4": "快递申请", "9": "其他"}


@dataclass
class GuideStep:
    name: str
    detail: str


@dataclass
class Guide:
    item: ServiceItem
    legal: str
    promised: str
    speedup: str
    facts: list[tuple[str, str]]
    steps: list[GuideStep]
    faq: list[tuple[str, str]]
    forms: list[str]
    materials: list[dict[str, Any]] = field(default_factory=list)


def limit_text(value: int, unit: str) -> str:
    return _("%(n)d%(unit)s") % {"n": value, "unit": LimitUnit(unit).label}


def promised_text(item: ServiceItem) -> str:
    if item.is_instant:
        return _("即办（当场办结）")
    return limit_text(item.promised_limit, item.promised_limit_unit)


def speedup_text(item: ServiceItem) -> str:
    """How much faster the promise is than the law, e.g. "比法定时限缩短 75%"."""
    if item.promised_limit_unit != item.legal_limit_unit and not item.is_instant:
        return ""
    if not item.legal_limit or item.promised_limit >= item.legal_limit:
        return ""
    pct = round((item.legal_limit - item.promised_limit) * 100 / item.legal_limit)
    return _("比法定时限缩短 %(pct)d%%（少 %(days)d 个%(unit)s）") % {
        "pct": pct, "days": item.legal_limit - item.promised_limit, "unit": LimitUnit(item.legal_limit_unit).label}


def visits_text(item: ServiceItem) -> str:
    if item.max_visits == 0:
        return _("0 次（不用跑）")
    return _("最多跑 %(n)d 次") % {"n": item.max_visits}


# The usual step names, translated on English pages ({% translate s.name %}); other names stay as written.
STEP_NAMES = (gettext_noop("申请"), gettext_noop("受理"), gettext_noop("审核"), gettext_noop("审查"),
              gettext_noop("决定"), gettext_noop("办结"), gettext_noop("送达"), gettext_noop("一窗受理"))


def _steps(text: str) -> list[GuideStep]:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, sep, detail = line.partition("：")
        out.append(GuideStep(name, detail) if sep else GuideStep(line, ""))
    return out


def _faq(text: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    question = None
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("问："):
            question = line[2:]
        elif line.startswith("答：") and question is not None:
            pairs.append((question, line[2:]))
            question = None
        elif line:
            pairs.append((line, ""))
    return pairs


def material_rows(item: ServiceItem) -> list[dict[str, Any]]:
    rows = []
    for im in item.materials.all():
        if im.source == MaterialSource.SHARED:
            copies = _("免提交（部门数据共享）")
        else:
            parts = []
            if im.originals:
                parts.append(_("原件 %(n)d 份") % {"n": im.originals})
            if im.copies:
                parts.append(_("复印件 %(n)d 份") % {"n": im.copies})
            copies = "，".join(parts)
        rows.append({
            "name": im.material.name, "name_en": im.material.name_en, "source": im.get_source_display(),
            "issuer": im.material.issuer,
            "copies": copies, "necessity": im.get_necessity_display(), "necessity_code": im.necessity,
            "required": im.necessity == MaterialNecessity.REQUIRED, "form": im.get_form_display(),
            "paper_size": im.paper_size, "notes": im.notes, "blank_form": im.has_blank_form,
            "sample": im.has_sample, "shared": im.source == MaterialSource.SHARED,
        })
    return rows


def build_guide(item: ServiceItem) -> Guide:
    forms = [HANDLING_FORMS.get(code.strip(), code.strip()) for code in item.handling_forms.split(",") if code.strip()]
    fee = _("收费：") + item.fee_basis if item.has_fee else _("不收费")
    online = str(item.get_online_depth_display())
    if item.fully_online and _("全程网办") not in online:
        online += "（" + _("全程网办") + "）"
    dept = item.department.name
    if item.handling_department is not None:
        dept += "（" + _("承办：") + item.handling_department.name + "）"
    facts = [
        (_("实施主体"), dept),
        (_("事项类型"), item.get_item_type_display()),
        (_("实施编码"), item.code),
        (_("服务对象"), item.get_audience_display()),
        (_("办件类型"), item.get_handling_type_display()),
        (_("法定办结时限"), limit_text(item.legal_limit, item.legal_limit_unit)),
        (_("承诺办结时限"), promised_text(item)),
        (_("到办事现场次数"), visits_text(item) + (f"（{item.visits_reason}）" if item.max_visits and item.visits_reason else "")),
        (_("收费"), fee),
        (_("网上办理深度"), online),
        (_("办理形式"), "、".join(forms)),
        (_("预约/快递/网上支付"), "、".join(x for x, on in ((_("支持预约"), item.supports_appointment),
                                                       (_("结果可快递"), item.supports_post),
                                                       (_("网上支付"), item.supports_online_payment)) if on) or "—"),
        (_("审批结果"), item.result_name or "—"),
        (_("办理地点"), item.place or "—"),
        (_("办理时间"), item.hours or "—"),
        (_("咨询电话"), item.consult_phone or "—"),
        (_("监督投诉电话"), item.complaint_phone or "—"),
    ]
    return Guide(item=item, legal=limit_text(item.legal_limit, item.legal_limit_unit), promised=promised_text(item),
                 speedup=speedup_text(item), facts=facts, steps=_steps(item.process_steps), faq=_faq(item.faq),
                 forms=forms, materials=material_rows(item))


def guide_pdf(guide: Guide, url: str) -> bytes:
    from onewindow.core.pdf import PdfDocument

    item = guide.item
    doc = PdfDocument(title=_("办事指南"), subtitle=item.name, author=item.department.name)
    doc.facts(guide.facts)
    if guide.speedup:
        doc.paragraph(_("时限承诺：") + guide.speedup)
    doc.heading(_("受理条件"))
    doc.paragraph(item.acceptance_conditions or "—")
    doc.heading(_("申请材料"))
    doc.table([_("序号"), _("材料名称"), _("来源渠道"), _("份数"), _("必要性"), _("形式"), _("备注")],
              [[str(n), m["name"], m["source"], m["copies"], m["necessity"], m["form"], m["notes"]]
               for n, m in enumerate(guide.materials, start=1)],
              col_widths=[0.06, 0.24, 0.13, 0.15, 0.1, 0.1, 0.22])
    doc.heading(_("办理流程"))
    for n, step in enumerate(guide.steps, start=1):
        doc.paragraph(f"{n}. {step.name}" + (f"：{step.detail}" if step.detail else ""))
    if item.legal_basis:
        doc.heading(_("设定依据"))
        doc.paragraph(item.legal_basis)
    if guide.faq:
        doc.heading(_("常见问题"))
        for q, a in guide.faq:
            doc.paragraph(f"问：{q}" + (f"\n答：{a}" if a else ""))
    doc.qr(url, caption=_("扫码查看最新办事指南"))
    return doc.render()
