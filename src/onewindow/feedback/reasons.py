"""The national 测评指标 table (evaluation content codes) by level, the set in use (usingStatus=true).

A reason is required for 不满意 and 非常不满意 and must belong to the chosen level.
"""

from django.utils.translation import gettext_lazy as _

from onewindow.feedback.models import Level

REASONS: dict[str, list[tuple[str, object]]] = {
    Level.VERY_SATISFIED: [
        ("510", _("一窗受理一次办结")), ("511", _("可以先受理后补材料")), ("512", _("不用提交证明")),
        ("513", _("可以全程网上办理")), ("514", _("可以使用手机办理")), ("515", _("可以就近办理")),
        ("516", _("无需材料直接办理")), ("517", _("服务热情效率高")),
    ],
    Level.SATISFIED: [
        ("406", _("填写一张表单就可完成申报")), ("407", _("在线提交材料窗口核验")), ("408", _("一张清单告知全部申报材料")),
        ("409", _("用告知承诺减免申报材料")), ("410", _("可以在线预约办理")), ("411", _("跑大厅一次办完")),
        ("412", _("可以使用自助机办理")), ("413", _("服务态度较好")),
    ],
    Level.BASIC: [
        ("307", _("一次性告知需要补正的材料")), ("308", _("提供申报材料样本")), ("309", _("在承诺的时间内办结")),
        ("310", _("办事指南指引准确")), ("311", _("按办事指南要求的材料即可办理")), ("312", _("可以快递送达")),
        ("313", _("跑动次数与承诺的一致")), ("314", _("服务态度一般")),
    ],
    Level.DISSATISFIED: [
        ("207", _("没有提供材料样本")), ("208", _("没有提供材料清单")), ("209", _("未在承诺时间内办结")),
        ("210", _("同样内容的证明材料被要求多次提交")), ("211", _("承诺网办但无法在线办理")),
        ("212", _("在线预约办理后到实体大厅重复取号排队")), ("213", _("窗口人员业务不熟练")), ("214", _("服务态度生硬")),
    ],
    Level.VERY_DISSATISFIED: [
        ("108", _("在办事指南之外增加新的审批条件")), ("109", _("需提供办事指南之外的申报材料")),
        ("110", _("无理由超过法定办理时间")), ("111", _("办事指南提供样本有错")),
        ("112", _("承诺在线收取申报材料实际无法收取")), ("113", _("多头跑窗口和部门")),
        ("114", _("跑动次数与承诺的不一致")), ("115", _("服务态度差效率低")),
    ],
}

REASON_LABELS: dict[str, object] = {code: label for items in REASONS.values() for code, label in items}
REASON_LEVEL: dict[str, str] = {code: level for level, items in REASONS.items() for code, _label in items}
