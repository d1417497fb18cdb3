"""The one-time notice (一次性告知单) as a PDF, from the same context the notice page renders."""

from typing import Any

from django.utils.translation import gettext as _

from onewindow.core.pdf import PdfDocument


def render_notice_pdf(context: dict[str, Any]) -> bytes:
    bundle, notice, full = context["bundle"], context["notice"], context["full"]
    ba = notice.before_after
    doc = PdfDocument(title=_("一次性告知单"), subtitle=_("“%(name)s”一件事") % {"name": bundle.name})
    doc.facts([
        (_("牵头部门"), bundle.lead_department.name),
        (_("您的情形"), "；".join(f"{text}：{'、'.join(labels)}" for text, labels in context["answered"]) or _("无")),
        (_("承诺办结时限"), _("%(d)s个工作日（并联办理）") % {"d": notice.promised_days} if notice.promised_days
         else _("即时办结")),
        (_("到现场次数"), _("最多%(n)s次") % {"n": ba.visits_after}),
        (_("办理地点"), notice.place),
        (_("办理时间"), bundle.hours or "—"),
        (_("咨询电话"), bundle.consult_phone or bundle.lead_department.phone or "—"),
    ])
    doc.heading(_("一、需办理的事项（%(n)s项）") % {"n": len(notice.items)})
    doc.table([_("序号"), _("事项名称"), _("实施部门"), _("承诺时限")],
              [(n, i.name, i.department_name,
                _("即办") if i.handling_type == context["INSTANT"] else _("%(d)s个工作日") % {"d": i.promised_limit})
               for n, i in enumerate(notice.items, 1)], col_widths=[0.08, 0.47, 0.28, 0.17])
    doc.heading(_("二、需提交的材料（一套材料，共%(n)s份）") % {"n": len(notice.materials)})
    doc.table([_("序号"), _("材料名称"), _("来源"), _("必要性"), _("原件/复印件"), _("用于事项")],
              [(n, row["m"].name + (f"（{row['m'].notes}）" if row["m"].notes else ""), row["m"].source_label,
                row["m"].necessity_label, f"{row['m'].originals} / {row['m'].copies}", "、".join(row["items"]))
               for n, row in enumerate(context["materials"], 1)],
              col_widths=[0.07, 0.31, 0.14, 0.1, 0.12, 0.26])
    if notice.fields:
        doc.heading(_("三、一张表单需填写的信息"))
        doc.paragraph("、".join(f.label + ("" if f.required else _("（选填）")) for f in notice.fields))
    doc.heading(_("改革前后对比"))
    doc.table([_("项目"), _("逐项办理"), _("一件事办理")], [
        (_("事项"), ba.items, ba.items),
        (_("材料（份）"), ba.materials_before, ba.materials_after),
        (_("跑动（次）"), ba.visits_before, ba.visits_after),
        (_("时限（工作日）"), ba.days_before, ba.days_after),
    ], col_widths=[0.4, 0.3, 0.3])
    if full.items != ba.items:
        doc.paragraph(_("本一件事共含%(n)s个事项，以上按您的情形计算。") % {"n": full.items})
    doc.paragraph(_("本告知单所列材料为全部材料，除此之外不再要求提供其他材料（一次性告知）。"))
    return doc.render()
