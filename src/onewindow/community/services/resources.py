"""Resources of compound governance (确保有人办事、有钱办事、有地议事): the service sites (neighbourhood centres
and party-mass stations with their functions), the funding grants of compounds (the pilot compounds' among
them) and how each branch secretary came to the post. One transaction each, audited; the admin writes here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.community.models import (
    Community,
    Compound,
    FundingGrant,
    PartyOrg,
    SecretaryBackground,
    SecretarySelection,
    ServiceFunction,
    ServiceSite,
)
from onewindow.core import clock
from onewindow.core.actors import Actor, actor_user
from onewindow.core.audit import audit_log
from onewindow.core.errors import Conflict, FieldProblem, NotFound, ServiceError
from onewindow.core.validators import clean_text

MAX_GRANT_YUAN = 10_000_000  # one grant to one compound; anything above is a typing error


def _text(value: object, field: str, max_length: int) -> str:
    text = clean_text(value or "", multiline=False)
    if len(text) > max_length:
        raise ServiceError(_("不能超过%(n)d个字符") % {"n": max_length}, field=field)
    return text


def _functions(values: Iterable[str]) -> list[str]:
    known = [code for code, _label in ServiceFunction.choices]
    chosen = [str(v).strip() for v in values if str(v).strip()]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise ServiceError(_("服务功能只能是：%(known)s") % {"known": "、".join(str(label) for _c, label in
                                                                      ServiceFunction.choices)}, field="functions")
    return [code for code in known if code in chosen]  # the vocabulary's order, each once


def site_check(*, kind: str, name: str, community_id: int | None, compound_id: int | None,
                 ) -> tuple[str, Community, Compound | None]:
    problems: list[FieldProblem] = []
    if kind not in ServiceSite.Kind.values:
        problems.append(FieldProblem("kind", _("类型只能是邻里中心（centre）或党群服务站（station）")))
    name = _text(name, "name", 100)
    if not name:
        problems.append(FieldProblem("name", _("请填写名称")))
    community = Community.objects.filter(pk=community_id).first() if community_id else None
    if community is None:
        problems.append(FieldProblem("community", _("未找到该社区")))
    compound = Compound.objects.filter(pk=compound_id).first() if compound_id else None
    if kind == ServiceSite.Kind.PARTY_STATION and compound is None:
        problems.append(FieldProblem("compound", _("党群服务站应设在一个小区")))
    if compound is not None and community is not None and compound.community_id != community.pk:
        problems.append(FieldProblem("compound", _("该小区不在所选社区")))
    if problems:
        raise ServiceError(problems[0].message, field=problems[0].field, problems=problems)
    assert community is not None
    return name, community, compound


def site_save(*, kind: str, name: str, community_id: int, actor: Actor, compound_id: int | None = None,
              address: str = "", spaces: str = "", functions: Iterable[str] = (), opened_on: dt.date | None = None,
              active: bool = True, site_id: int | None = None) -> ServiceSite:
    """Create a service site, or update `site_id`; names are unique."""
    name, community, compound = site_check(kind=kind, name=name, community_id=community_id,
                                             compound_id=compound_id)
    values = {"kind": kind, "name": name, "community": community, "compound": compound,
              "address": _text(address, "address", 120),
              "spaces": _text(spaces, "spaces", 200),
              "functions": _functions(functions), "opened_on": opened_on, "active": bool(active)}
    with transaction.atomic():
        if site_id is not None:
            site = ServiceSite.objects.select_for_update().filter(pk=site_id).first()
            if site is None:
                raise NotFound(_("未找到该服务阵地"), field="site")
            for field, value in values.items():
                setattr(site, field, value)
        else:
            site = ServiceSite(**values)
        try:
            with transaction.atomic():
                site.save()
        except IntegrityError:
            raise Conflict(_("已有同名的服务阵地"), field="name") from None
        audit_log(actor=actor, action="community.site_save", target=site,
                  detail={"kind": kind, "functions": site.functions, "created": site_id is None})
    return site


def grant_check(*, compound_id: int | None, source: str, amount_yuan: object, granted_on: dt.date) -> Compound:
    """The grant's compound, or a ServiceError with one problem per bad field."""
    problems: list[FieldProblem] = []
    compound = Compound.objects.filter(pk=compound_id).first() if compound_id else None
    if compound is None:
        problems.append(FieldProblem("compound", _("未找到该小区")))
    if source not in FundingGrant.Source.values:
        problems.append(FieldProblem("source", _("来源只能是党费划拨、财政扶持或专项补助")))
    if not isinstance(amount_yuan, int) or isinstance(amount_yuan, bool) or not 0 < amount_yuan <= MAX_GRANT_YUAN:
        problems.append(FieldProblem("amount_yuan", _("金额应为1至%(max)d元之间的整数") % {"max": MAX_GRANT_YUAN}))
    if granted_on > clock.today():
        problems.append(FieldProblem("granted_on", _("拨付日期不能晚于今天")))
    if problems or compound is None:
        raise ServiceError(problems[0].message, field=problems[0].field, problems=problems)
    return compound


def grant_record(*, compound_id: int, source: str, amount_yuan: int, granted_on: dt.date, actor: Actor,
                 purpose: str = "", pilot: bool = False) -> FundingGrant:
    """Record money granted to a compound."""
    compound = grant_check(compound_id=compound_id, source=source, amount_yuan=amount_yuan, granted_on=granted_on)
    with transaction.atomic():
        grant = FundingGrant.objects.create(
            compound=compound, source=source, amount_yuan=amount_yuan, granted_on=granted_on,
            purpose=_text(purpose, "purpose", 120), pilot=bool(pilot),
            recorded_by=actor_user(actor), recorded_at=clock.now())
        audit_log(actor=actor, action="community.grant_record", target=grant,
                  detail={"compound": compound_id, "amount_yuan": amount_yuan, "source": source, "pilot": pilot})
    return grant


def secretary_record(*, party_org_id: int, actor: Actor, background: str, selection: str, note: str = "",
                     secretary: str | None = None) -> PartyOrg:
    """Record where a compound branch's secretary comes from and how they were chosen (and, when given, the
    secretary's name, which is never published)."""
    problems: list[FieldProblem] = []
    if background not in SecretaryBackground.values:
        problems.append(FieldProblem("background", _("书记来源不在可选范围内")))
    if selection not in SecretarySelection.values:
        problems.append(FieldProblem("selection", _("产生方式只能是小区推选或街道、社区选派")))
    if problems:
        raise ServiceError(problems[0].message, field=problems[0].field, problems=problems)
    with transaction.atomic():
        org = PartyOrg.objects.select_for_update().filter(pk=party_org_id).first()
        if org is None or org.kind != PartyOrg.Kind.COMPOUND_BRANCH:
            raise NotFound(_("未找到该小区党支部"), field="party_org")
        org.secretary_background, org.secretary_selection = background, selection
        org.secretary_note = _text(note, "note", 120)
        fields = ["secretary_background", "secretary_selection", "secretary_note"]
        if secretary is not None:
            org.secretary = _text(secretary, "secretary", 30)
            fields.append("secretary")
        org.save(update_fields=fields)
        audit_log(actor=actor, action="community.secretary_record", target=org,
                  detail={"background": background, "selection": selection})
    return org
