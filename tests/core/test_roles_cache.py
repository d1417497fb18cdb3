"""A user's roles are kept in the figures cache (core.access.user_roles), so a staff request costs no query
for them; a change of groups must still take effect on the very next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.core.access import Role

pytestmark = pytest.mark.django_db

CLERK_ONLY = "/api/v1/counters/999999/call-next"  # a clerk's operation: 404 for a clerk, 403 for anyone else


def test_a_second_request_reads_no_groups_and_a_withdrawn_role_is_refused_at_once(client_for):
    clerk = client_for(Role.CLERK)
    assert clerk.post(CLERK_ONLY).status_code == 404
    with CaptureQueriesContext(connection) as sql:
        assert clerk.post(CLERK_ONLY).status_code == 404
    assert not [q for q in sql.captured_queries if "auth_group" in q["sql"]]
    user = clerk.user
    user.groups.remove(Group.objects.get(name=Role.CLERK))
    assert clerk.post(CLERK_ONLY).status_code == 403
    user.groups.add(Group.objects.get(name=Role.CLERK))
    assert clerk.post(CLERK_ONLY).status_code == 404


def test_removing_members_from_the_group_side_or_deleting_the_group_is_seen_at_once(client_for):
    clerk = client_for(Role.CLERK)
    assert clerk.post(CLERK_ONLY).status_code == 404
    group = Group.objects.get(name=Role.CLERK)
    group.user_set.remove(clerk.user)
    assert clerk.post(CLERK_ONLY).status_code == 403
    group.user_set.add(clerk.user)
    assert clerk.post(CLERK_ONLY).status_code == 404
    group.delete()
    assert clerk.post(CLERK_ONLY).status_code == 403
