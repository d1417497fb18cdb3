"""Exports: the provincial 好差评 interface (JSON lines) and Excel workbooks.

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
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from onewindow.feedback.models import Rating, provincial_satisfaction

PROVINCIAL_DEFAULT_PF = "5"  # pf used for system default ratings, which have no channel of their own


def provincial_record(r: Rating) -> dict[str, Any]:
    dept = r.department
    clerk_name = ""
    if r.clerk_id is not None:
        profile = getattr(r.clerk, "profile", None)
        clerk_name = (getattr(profile, "display_name", "") or r.clerk.get_username()) if r.clerk else ""
    record = {
        "projectNo": r.target_number or f"{r.target_kind}-{r.target_id}",
        "taskCode": r.item.code if r.item_id and r.item else "",
        "taskName": r.item_name or (r.item.name if r.item_id and r.item else ""),
        "deptCode": (dept.credit_code or dept.code) if dept else "",
        "deptName": dept.name if dept else "",
        "areaCode": dept.region if dept else "",
        "pf": r.channel or PROVINCIAL_DEFAULT_PF,
        "satisfaction": provincial_satisfaction(r.level),
        "evalDetail": ",".join(r.reasons or []),
        "writingEvaluation": r.text,
        "assessTime": timezone.localtime(r.rated_at).strftime("%Y-%m-%d %H:%M:%S"),
        "assessNumber": r.sequence,
        "userProp": int(r.user_prop or 1),
        "userName": "" if r.anonymous else r.rater_name,
        "anonymityFlag": 1 if r.anonymous else 2,
        "proManager": clerk_name,
        "proStatus": 3,
        "defaultFlag": 1 if r.is_default else 0,
    }
    return record


def provincial_queryset(qs: Iterable[Rating] | Any, *, include_default: bool = False) -> Any:
    if not include_default:
        qs = qs.filter(is_default=False)
    return qs.select_related("department", "item", "clerk__profile").order_by("rated_at", "id")


def provincial_lines(qs: Any, *, include_default: bool = False) -> Iterator[str]:
    for r in provincial_queryset(qs, include_default=include_default).iterator(chunk_size=500):
        yield json.dumps(provincial_record(r), ensure_ascii=False) + "\n"
