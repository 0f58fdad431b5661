"""Issue 13.1: the staff roles are defined once, synced by migrate and `manage.py roles_sync`, idempotently."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from swsdigital.core.roles import EDITORS, OFFICE, PRIVACY, ROLES, TREASURER, roles_sync

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_created_every_role_with_exactly_its_permissions():
    roles_sync()
    for name, role in ROLES.items():
        assert _perms(Group.objects.get(name=name)) == set(role["permissions"])


def test_roles_sync_is_idempotent_and_repairs_a_group_edited_by_hand():
    roles_sync()
    assert not roles_sync().changed
    office = Group.objects.get(name=OFFICE)
    office.permissions.remove(Permission.objects.get(codename="send_mailing"))
    office.permissions.add(Permission.objects.get(codename="view_bank_data"))
    out = StringIO()
    call_command("roles_sync", stdout=out)
    expected = [f"{OFFICE}: + newsletter.send_mailing", f"{OFFICE}: - members.view_bank_data"]
    assert out.getvalue().splitlines() == expected
    assert _perms(office) == set(ROLES[OFFICE]["permissions"])
    out = StringIO()
    call_command("roles_sync", stdout=out)
    assert "nothing changed" in out.getvalue()


def test_a_deleted_role_is_created_again():
    Group.objects.filter(name=PRIVACY).delete()
    assert roles_sync().created == [PRIVACY]


def test_only_the_treasurer_holds_the_bank_data():
    holders = [name for name, role in ROLES.items() if "members.view_bank_data" in role["permissions"]]
    assert holders == [TREASURER]


def test_editors_never_see_subscribers_or_participants():
    perms = set(ROLES[EDITORS]["permissions"])
    assert not {p for p in perms if p.endswith(("_subscriber", "_registration", "_member", "_contact"))}
    assert "newsletter.send_mailing" not in perms
