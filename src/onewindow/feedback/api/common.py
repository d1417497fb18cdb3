"""Who the feedback API serves: staff see ratings and rectifications; department staff work suggestions."""

from onewindow.core.access import Role

STAFF = (Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
DEPT = (Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR)
