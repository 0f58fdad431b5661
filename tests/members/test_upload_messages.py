"""A refused logo says why (format or size), in German and English — never "no file was submitted"."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from members.models import Member, MembershipApplication
from tests.members.conftest import application_post
from tests.uploads import BAD_UPLOAD_IDS, BAD_UPLOADS, MISLEADING, bad_upload, expected_message

pytestmark = pytest.mark.django_db

JOIN = {"de": "/mitglied-werden/", "en": "/en/join/"}
PROFILE = {"de": "/konto/mitgliedschaft/", "en": "/en/account/membership/"}


def _assert_says_why(response, form, case, language):
    assert response.status_code == 200
    assert form.errors["logo"] == [expected_message(case, language)]
    html = response.content.decode()
    assert expected_message(case, language) in html
    assert not any(wrong in html for wrong in MISLEADING)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_application_form_says_what_is_wrong_with_the_logo(
    client, membership_type, form_protection_data, case, language
):
    data = {**application_post(membership_type, logo=bad_upload(case)), **form_protection_data}
    response = client.post(JOIN[language], data)
    _assert_says_why(response, response.context["form"], case, language)
    assert not MembershipApplication.objects.exists()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_member_profile_says_what_is_wrong_with_the_logo(client, member_user, case, language):
    client.force_login(member_user)
    data = {
        "name": "Chemnitzer Werkstatt eG", "street": "Straße der Nationen 1", "postcode": "09111",
        "city": "Chemnitz", "region": "chemnitz", "description": "Neu", "website": "https://werkstatt.example",
        "logo": bad_upload(case),
    }  # fmt: skip
    response = client.post(PROFILE[language], data)
    _assert_says_why(response, response.context["form"], case, language)
    assert not Member.objects.get().logo


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_member_admin_says_what_is_wrong_with_the_logo(admin_user, make_member, case, language):
    request = RequestFactory().post("/admin/members/member/add/")
    request.user = admin_user
    form_class = admin.site._registry[Member].get_form(request, obj=make_member())
    with translation.override(language):
        form = form_class(data={}, files={"logo": bad_upload(case)})
        assert form.errors["logo"] == [expected_message(case, language)]
