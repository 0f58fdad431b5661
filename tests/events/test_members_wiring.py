"""Events with real members: the shared account menu leads to membership and registrations."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_account_menu_links_membership_and_registrations(client, member):
    client.force_login(member)
    html = client.get(reverse("account_email")).content.decode()
    assert f'href="{reverse("members:area")}">Mitgliedschaft</a>' in html
    assert f'href="{reverse("events:my_registrations")}">Meine Anmeldungen</a>' in html
    assert reverse("members:area") == "/konto/mitgliedschaft/"


def test_my_registrations_sits_in_the_account_menu_and_is_marked_current(client, make_event, member, register):
    event = make_event(members_only=True, title="Mitgliederversammlung 2026")
    register(event, "mia@example.org", user=member)
    client.force_login(member)
    html = client.get(reverse("events:my_registrations")).content.decode()
    assert 'class="nav flex-column nav-pills account-nav"' in html
    url = reverse("events:my_registrations")
    assert f'class="nav-link active" aria-current="page" href="{url}">Meine Anmeldungen</a>' in html
    account_nav = html.split('account-nav">', 1)[1].split("</ul>", 1)[0]
    assert account_nav.count('aria-current="page"') == 1
    assert "Mitgliederversammlung 2026" in html


def test_member_area_works_for_the_admitted_member(client, member):
    client.force_login(member)
    response = client.get(reverse("members:area"))
    assert response.status_code == 200
    assert "Sächsische Digitalwerkstatt" in response.content.decode()
