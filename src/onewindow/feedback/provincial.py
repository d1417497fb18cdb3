"""The provincial 好差评 interface: ratings as JSON lines (pages, API and `onewindow feedback_provincial_export`).

Provincial field mapping (national reporting interface as used by the provinces):
  projectNo  办件编号 (case/application number; ticket: date-number)     taskCode  实施编码
  taskName   事项名称                 deptCode  部门统一社会信用代码 (18位)    deptName 部门名称
  areaCode   行政区划                 pf        评价渠道 1 PC … 7 短信
  satisfaction 1 = 非常不满意 … 5 = 非常满意 (GB/T 39046 附录A.8 numbers them the other way round)
  evalDetail  测评内容代码, comma list   writingEvaluation 文字评价
  assessTime  yyyy-MM-dd HH:mm:ss       assessNumber 1 首次评价 / 2 追评
  userProp    1 个人 / 2 法人           userName   评价人 (blank when anonymous)
  anonymityFlag 1 匿名 / 2 实名         proManager 经办人 (clerk)        proStatus 3 已办结
  defaultFlag 1 系统默认评价 / 0 主动评价 (only when default ratings are included)
Anonymous ratings carry no rater: nothing about the rater is stored for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from onewindow.feedback.models import Rating, provincial_satisfaction

PROVINCIAL_DEFAULT_PF = "5"  # pf used for system default ratings, which have no channel of their own


EXPORT_FIELDS = ("target_kind", "target_id", "target_number", "item__code", "item__name", "item_name",
                 "department__credit_code", "department__code", "department__name", "department__region", "channel",
                 "level", "reasons", "text", "rated_at", "sequence", "user_prop", "anonymous", "rater_name",
                 "clerk__username", "clerk__profile__display_name", "is_default")


def _record(v: dict[str, Any]) -> dict[str, Any]:
    """One rating (a values() row: fast for large exports) in the provincial field format."""
    return {
        "projectNo": v["target_number"] or f"{v['target_kind']}-{v['target_id']}",
        "taskCode": v["item__code"] or "",
        "taskName": v["item_name"] or v["item__name"] or "",
        "deptCode": v["department__credit_code"] or v["department__code"] or "",
        "deptName": v["department__name"] or "",
        "areaCode": v["department__region"] or "",
        "pf": v["channel"] or PROVINCIAL_DEFAULT_PF,
        "satisfaction": provincial_satisfaction(v["level"]),
        "evalDetail": ",".join(v["reasons"] or []),
        "writingEvaluation": v["text"],
        "assessTime": timezone.localtime(v["rated_at"]).strftime("%Y-%m-%d %H:%M:%S"),
        "assessNumber": v["sequence"],
        "userProp": int(v["user_prop"] or 1),
        "userName": "" if v["anonymous"] else v["rater_name"],
        "anonymityFlag": 1 if v["anonymous"] else 2,
        "proManager": v["clerk__profile__display_name"] or v["clerk__username"] or "",
        "proStatus": 3,
        "defaultFlag": 1 if v["is_default"] else 0,
    }


def provincial_queryset(qs: QuerySet[Rating], *, include_default: bool = False) -> QuerySet[Rating, dict[str, Any]]:
    if not include_default:
        qs = qs.filter(is_default=False)
    return qs.order_by("rated_at", "id").values(*EXPORT_FIELDS)


def provincial_lines(qs: QuerySet[Rating], *, include_default: bool = False) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for v in provincial_queryset(qs, include_default=include_default).iterator(chunk_size=2000):
        yield dumps(_record(v)) + "\n"
