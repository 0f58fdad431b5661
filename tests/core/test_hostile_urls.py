"""Hostile URLs (issue 19): each known 500 is now a 404, a 400 or the admin's ``?e=1`` redirect.

The specific causes are tested with the NUL guard taken out of MIDDLEWARE, so that each view's own
defence is what answers; the guard has tests of its own at the end. tests/core/test_url_fuzz.py sends
the same kinds of values to every URL pattern.
"""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.utils import translation

from tests.conftest import give_second_factor

pytestmark = pytest.mark.django_db

GUARD = "swsdigital.core.nulguard.NulGuardMiddleware"
HUGE = "9" * 23
PROJECT = ("members.", "events.", "news.", "newsletter.", "swsdigital.")


@pytest.fixture
def unguarded(settings):
    """The portal without its NUL guard: the views' own defences answer."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GUARD]


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- Registration links with NUL (PostgreSQL refuses NUL in a string) -------


REGISTRATION_PATHS = [
    "/termine/anmeldung/{}/",
    "/termine/anmeldung/{}/kalender.ics",
    "/en/events/registration/{}/",
    "/en/events/registration/{}/calendar.ics",
]


@pytest.mark.postgres
@pytest.mark.parametrize("path", REGISTRATION_PATHS)
def test_registration_link_with_nul_is_not_found_on_postgres(unguarded, client, make_event, register, path):
    registration = register(make_event(), "nul@example.org")
    assert client.get(path.format(registration.token)).status_code == 200
    assert client.get(path.format(f"{registration.token}%00")).status_code == 404


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["/termine/check-in/{}/", "/en/events/check-in/{}/"])
def test_check_in_link_with_nul_is_not_found_on_postgres(unguarded, staff_client, make_event, register, path):
    registration = register(make_event(), "nul@example.org")
    assert staff_client.get(path.format(f"{registration.token}%00")).status_code == 404
    assert staff_client.post(path.format(f"{registration.token}%00")).status_code == 404


def test_a_token_no_link_can_carry_never_reaches_the_database(django_assert_num_queries):
    from events.selectors import registration_get_by_token

    with django_assert_num_queries(0):
        for token in ("abc\x00", "abc def", "abc/../x", "ä" * 10, "a" * 65, ""):
            assert registration_get_by_token(token=token) is None


# --- Uploaded files: NUL and names longer than the file system allows ------


@pytest.mark.parametrize("name", ["x%00y", "logo%00.png", "a" * 300, "members/" + "b" * 300 + ".png"])
def test_media_with_nul_or_an_overlong_name_is_not_found(unguarded, client, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "members").mkdir()
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/logo.png").status_code == 200


# --- The admin: a decision for a non-numeric id, hostile changelist filters --


@pytest.mark.parametrize("object_id", ["abc", "1abc", "a" * 300, "x%00y"])
def test_decide_with_a_non_numeric_id_never_reaches_the_view(unguarded, staff_client, object_id):
    path = f"/admin/members/membershipapplication/{object_id}/decide/"
    assert staff_client.get(path).status_code in (302, 404)
    assert staff_client.post(path, {"decision": "approve"}).status_code in (302, 404)


def test_decide_with_an_unknown_id_is_not_found(staff_client):
    assert staff_client.post(f"/admin/members/membershipapplication/{HUGE}/decide/").status_code == 404


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("members/membershipapplication", {"status": "\x00"}),
        ("members/membershipapplication", {"status__exact": "sub\x00mitted"}),
        ("members/membershipapplication", {"q": "\x00"}),
        ("events/event", {"start__year": HUGE}),
        ("events/event", {"start__year": "9999"}),
        ("events/event", {"start__year": "1"}),
        ("events/event", {"start__year": "2026", "start__month": HUGE}),
        ("events/event", {"start__year": "9999", "start__month": "12", "start__day": "31"}),
        ("news/newsitem", {"published_at__year": HUGE}),
    ],
)
def test_hostile_changelist_filter_redirects_to_the_error_flag(unguarded, staff_client, changelist, query):
    response = staff_client.get(f"/admin/{changelist}/?{urlencode(query)}")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize("param", ["membership_type", "membership_type__id__exact"])
def test_a_foreign_key_beyond_64_bits_is_no_error(staff_client, param):
    # SQLite cannot bind the number (OverflowError): ?e=1; PostgreSQL compares it and finds nothing.
    response = staff_client.get(f"/admin/members/member/?{param}={HUGE}")
    assert response.status_code == 200 or response["Location"].endswith("?e=1")


def test_a_valid_date_hierarchy_still_filters(staff_client, make_event):
    make_event(title="Im Jahr")
    response = staff_client.get("/admin/events/event/?start__year=2026&start__month=12")
    assert response.status_code == 200


def _own_model_admins():
    return [ma for ma in admin.site._registry.values() if type(ma).__module__.startswith(PROJECT)]


def test_every_model_admin_of_the_portal_uses_the_safe_changelist():
    from swsdigital.core.changelist import SafeChangeList, SafeChangeListMixin

    own = _own_model_admins()
    assert len(own) > 15
    missing = [type(ma).__qualname__ for ma in own if not isinstance(ma, SafeChangeListMixin)]
    assert not missing, f"ModelAdmins without SafeChangeListMixin: {missing}"
    assert all(ma.get_changelist(None) is SafeChangeList for ma in own)


@pytest.mark.parametrize("model_admin", _own_model_admins(), ids=lambda ma: f"{ma.opts.app_label}.{ma.opts.model_name}")
def test_no_changelist_of_the_portal_fails_on_hostile_filters(unguarded, staff_client, model_admin):
    from tests.core.test_url_fuzz import _changelist_queries

    path = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
    for query in _changelist_queries(model_admin):
        assert staff_client.get(f"{path}?{urlencode(query)}").status_code < 500, query


# --- The NUL guard in front of every view -----------------------------------


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/termine/x%00y/", "Die Anfrage konnte nicht verarbeitet werden"),
        ("/en/events/x%00y/", "The request could not be understood"),
        ("/admin/members/member/1%00/change/", "Die Anfrage konnte nicht verarbeitet werden"),
        ("/media/x%00y", "Die Anfrage konnte nicht verarbeitet werden"),
    ],
)
def test_nul_in_the_path_gets_the_portals_400_page(client, path, heading):
    response = client.get(path)
    assert response.status_code == 400
    assert heading in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "page=1&series=a%00b", "%00=1", "x=1&x=%00"])
def test_nul_in_a_query_key_or_value_gets_400(client, query):
    assert client.get(f"/termine/?{query}").status_code == 400


def test_the_guard_lets_everything_else_through(client):
    assert client.get("/termine/?q=%2500").status_code == 200  # the text "%00", not NUL
    with translation.override("en"):
        assert client.get("/en/events/").status_code == 200


def test_staff_get_the_400_page_too(client, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org", password="x-very-long-pass")
    staff.is_staff = True
    staff.save()
    give_second_factor(staff)
    client.force_login(staff)
    assert client.get("/admin/events/event/?status=%00").status_code == 400
