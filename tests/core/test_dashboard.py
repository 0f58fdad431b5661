"""Issue 15.2: the admin start page shows each role what needs doing, every number links to its filtered
list, and the page keeps a fixed number of queries with 10 and with 10,000 rows of each kind."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Registration
from members.models import Member, MembershipApplication
from newsletter.models import Subscriber
from swsdigital.core.roles import EDITORS, OFFICE, PRIVACY, TREASURER
from swsdigital.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _panels(response) -> dict[str, object]:
    from swsdigital.core.dashboard import dashboard_for

    return {panel.key: content for panel, content in dashboard_for(response.wsgi_request.user)}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize(
    ("role", "panels"),
    [
        (OFFICE, {"members-waiting", "events-next", "events-lacking", "newsletter", "mail", "members-regions",
                  "members-years", "events-registrations"}),
        (EDITORS, {"events-next", "events-lacking", "press", "newsletter"}),
        (TREASURER, {"members-waiting", "fees", "members-regions", "members-years"}),
        (PRIVACY, set()),
    ],
)  # fmt: skip
def test_each_role_sees_its_panels_and_every_link_opens(staff_login, demo, role, panels):
    client = staff_login(roles=(role,))
    response = client.get("/admin/")
    assert response.status_code == 200
    shown = _panels(response)
    assert set(shown) == panels
    html = response.content.decode()
    for content in shown.values():
        for url in [t.url for t in content.tiles] + [r.url for r in content.rows] + [b.url for b in content.bars]:
            if url:
                assert url.replace("&", "&amp;") in html
                answer = client.get(url)
                assert answer.status_code == 200, (role, url, answer.status_code)
                assert "?e=1" not in answer.get("Location", ""), url  # a filter the list does not know


def test_the_numbers_say_what_waits(staff_login, demo):
    MembershipApplication.objects.update(status=MembershipApplication.Status.SUBMITTED)
    Member.objects.filter(number__in=[1, 2]).update(resignation_requested_at=timezone.now())
    OutboxEmail.objects.filter(pk__in=OutboxEmail.objects.values("pk")[:3]).update(status=OutboxEmail.Status.FAILED)
    shown = _panels(staff_login(superuser=True).get("/admin/"))
    tiles = {t.label: t for content in shown.values() for t in content.tiles}
    assert tiles["Aufnahmeanträge warten auf eine Entscheidung"].value == str(MembershipApplication.objects.count())
    assert tiles["Kündigungen zu bestätigen"].value == "2"
    assert tiles["E-Mails in den letzten 30 Tagen fehlgeschlagen"].value == "3"
    assert "offene Rechnungen" in tiles
    assert shown["members-regions"].bars and shown["events-next"].columns


def _grow(rows: int) -> None:
    """Add ``rows`` applications, members, events with a registration each, subscribers and failed emails."""
    from members.models import MembershipType, Region

    kind = MembershipType.objects.first()
    now = timezone.now()
    MembershipApplication.objects.bulk_create(
        MembershipApplication(
            name=f"Firma {i}", street="A 1", postcode="09111", city="Chemnitz", region=Region.CHEMNITZ,
            membership_type=kind, first_name="A", last_name="B", email=f"a{i}@grow.example",
            submission_token=f"grow-{i}-{rows}", status=MembershipApplication.Status.SUBMITTED, confirmed_at=now,
        )
        for i in range(rows)
    )  # fmt: skip
    start = Member.objects.order_by("-number").first().number + 1
    Member.objects.bulk_create(
        Member(
            name=f"Grow {i}", street="A 1", postcode="09111", city="Chemnitz", region=Region.CHEMNITZ,
            membership_type=kind, number=start + i, slug=f"grow-{rows}-{i}",
            joined_on=datetime.date(2010 + i % 15, 1, 1),
        )
        for i in range(rows)
    )  # fmt: skip
    events = Event.objects.bulk_create(
        Event(title=f"Grow {i}", slug=f"grow-{rows}-{i}", start=now + datetime.timedelta(days=1 + i % 13),
              end=now + datetime.timedelta(days=1 + i % 13, hours=2), status=Event.Status.PUBLISHED, capacity=50)
        for i in range(rows)
    )  # fmt: skip
    Registration.objects.bulk_create(
        Registration(event=e, name="N", email=f"r{i}@grow.example", token=f"grow-{rows}-{i}",
                     status=Registration.Status.CONFIRMED, places=1)
        for i, e in enumerate(events)
    )  # fmt: skip
    Subscriber.objects.bulk_create(
        Subscriber(email=f"s{i}-{rows}@grow.example", status=Subscriber.Status.BOUNCED, bounced_at=now,
                   key=f"grow-{rows}-{i}")
        for i in range(rows)
    )  # fmt: skip
    OutboxEmail.objects.bulk_create(
        OutboxEmail(to=f"o{i}@grow.example", from_email="x@example.org", subject="S", body_text="B",
                    status=OutboxEmail.Status.FAILED)
        for i in range(rows)
    )  # fmt: skip


def test_the_start_page_keeps_its_query_budget_with_10_and_10000_rows(staff_login, demo, django_assert_max_num_queries):
    client = staff_login(superuser=True)
    _grow(10)
    with django_assert_max_num_queries(40) as small:
        client.get("/admin/")
    _grow(10_000)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/admin/")
    tiles = {t.label: t.value for _p, c in _panels(response).items() for t in c.tiles}
    assert int(tiles["Aufnahmeanträge warten auf eine Entscheidung"]) >= 10_010
