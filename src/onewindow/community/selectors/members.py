"""Members (masked for lists), service teams, and the member record of a signed-in user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from onewindow.community.models import Member, Team
from onewindow.core.actors import Actor, actor_user
from onewindow.core.masking import mask_name, mask_phone


def member_of(actor: Actor) -> Member | None:
    """The member record of the signed-in user, or None (anonymous visitors, the system, users without one)."""
    user = actor_user(actor)
    if user is None:
        return None
    return Member.objects.filter(user=user).select_related("home_compound__community").first()


def members(*, q: str = "", category: str = "", community_id: int | None = None, team_id: int | None = None,
            star: bool = False, employer_id: int | None = None) -> QuerySet[Member]:
    qs = Member.objects.select_related("home_compound__community", "employer", "account")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(skills__contains=q) | Q(home_compound__name__contains=q))
    filters = {"category": category, "home_compound__community_id": community_id, "teams__id": team_id,
               "employer_id": employer_id, "is_star": star}
    return qs.filter(**{name: value for name, value in filters.items() if value}).order_by("id")


def member_detail(member_id: int) -> Member | None:
    return (Member.objects.select_related("home_compound__community", "employer", "account", "reported_community")
            .filter(pk=member_id).first())


def member_row(m: Member) -> dict[str, Any]:
    """A masked row for lists and exports."""
    account = getattr(m, "account", None)
    return {
        "id": m.pk, "name": mask_name(m.name), "phone": mask_phone(m.phone), "category": m.category,
        "category_label": m.get_category_display(), "employer": m.employer.name if m.employer else "",
        "compound": m.home_compound.name, "community": m.home_compound.community.name, "skills": m.skills,
        "is_star": m.is_star, "star_title": m.star_title,
        "reported": m.reported_at is not None, "balance": account.balance if account else 0,
    }


def member_counts() -> dict[str, int]:
    rows = dict(Member.objects.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    rows["total"] = sum(rows.values())
    reported = Member.objects.filter(report_status=Member.ReportStatus.REPORTED)
    rows["reported"] = reported.count()
    # the seed's “3976名在职党员到所居住的社区报到” counts in-service members only
    rows["in_service_reported"] = reported.filter(category=Member.Category.IN_SERVICE).count()
    rows["stars"] = Member.objects.filter(is_star=True).count()
    return rows


def teams() -> QuerySet[Team]:
    return Team.objects.select_related("community", "leader", "account").annotate(
        n_members=Count("members", distinct=True)).order_by("id")

