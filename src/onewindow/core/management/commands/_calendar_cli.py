"""Shared helpers for the calendar management commands."""

from __future__ import annotations

from datetime import date, datetime

from django.core.management.base import CommandError


def parse_date_arg(name: str, value: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{name}: “{value}” 不是有效日期，请使用 YYYY-MM-DD 格式 (not a valid date, use YYYY-MM-DD)")


def parse_int_arg(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise CommandError(f"{name}: “{value}” 不是整数 (not an integer)") from None


def provisional_warning(years: list[int]) -> str:
    listed = "、".join(str(y) for y in years)
    return (f"警告：{listed}年尚无官方节假日安排，结果为暂定（按周末和估算的法定节假日计算）"
            f" / warning: no official schedule for {listed}; the answer is provisional")
