"""Demo logins, one per role (and a supervisor scoped to Huli, who sees only Huli's halls, notices and rankings).
Runs after the catalog demo so reviewers can be placed in departments, and after the regions.

The password they share is core.checks.DEMO_PASSWORD, which `onewindow serve` refuses to run with."""

from dataclasses import dataclass
from typing import TextIO

from django.contrib.auth.models import Group, User
from django.db import transaction

from onewindow.core.access import Role
from onewindow.core.checks import DEMO_PASSWORD
from onewindow.core.models import Profile


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    roles: tuple[str, ...]
    department_code: str = ""
    is_staff: bool = False
    region_code: str = ""  # the region the login's roles are scoped to (core.Profile.region); "" = unscoped


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("citizen", "林晓梅", (Role.CITIZEN,)),
    DemoLogin("clerk", "陈雅琴", (Role.CLERK,)),
    DemoLogin("reviewer", "郑建华", (Role.REVIEWER,), "FA-RSJ"),
    DemoLogin("reviewer_market", "黄志明", (Role.REVIEWER,), "HL-SCJ"),
    DemoLogin("head", "吴国栋", (Role.DEPARTMENT_HEAD, Role.REVIEWER), "FA-RSJ"),
    DemoLogin("supervisor", "许文斌", (Role.SUPERVISOR,)),
    DemoLogin("supervisor_huli", "庄雅婷", (Role.SUPERVISOR,), region_code="350206"),  # Huli's own supervisor
    DemoLogin("catalog_admin", "王丽娟", (Role.CATALOG_ADMIN,), is_staff=True),
    DemoLogin("community", "蔡淑芬", (Role.COMMUNITY_WORKER,)),
    DemoLogin("volunteer", "方志强", (Role.VOLUNTEER,)),
)


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def load(*, scale: int = 0, stdout: TextIO | None = None) -> None:
    from onewindow.catalog.models import Department
    from onewindow.core.models import Region

    ensure_role_groups()
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = login.is_staff
        user.save()
        user.groups.set(Group.objects.filter(name__in=[str(r) for r in login.roles]))
        department = Department.objects.filter(code=login.department_code).first() if login.department_code else None
        region = Region.objects.filter(code=login.region_code).first() if login.region_code else None
        Profile.objects.update_or_create(user=user, defaults={"display_name": login.display_name, "department": department,
                                                             "region": region})
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", DEMO_PASSWORD)


def login_lines() -> list[str]:
    """One line per demo login for `onewindow demo` to print: username, name, roles, and for a login scoped to a
    region the region it sees (in Chinese and English), since a scoped supervisor sees less than the other one."""
    from onewindow.core.access import ROLE_LABELS
    from onewindow.core.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__in=[lg.region_code for lg in DEMO_LOGINS if lg.region_code])}
    lines = []
    for login in DEMO_LOGINS:
        line = f"  {login.username:<16} {login.display_name:<6} " + "、".join(str(ROLE_LABELS[r]) for r in login.roles)
        region = regions.get(login.region_code)
        if region is not None:
            line += f"（{region.name} / {region.name_en}）" if region.name_en else f"（{region.name}）"
        lines.append(line)
    return lines
