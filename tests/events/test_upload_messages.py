"""A refused event or press image says why (format or size), in German and English."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from events.models import Event
from news.forms import NewsImageAdminForm
from tests.events.test_admin import _change_form_data
from tests.uploads import BAD_UPLOAD_IDS, BAD_UPLOADS, MISLEADING, bad_upload, expected_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_event_admin_says_what_is_wrong_with_the_image(admin_client, make_event, settings, tmp_path, case):
    settings.MEDIA_ROOT = tmp_path
    event = make_event()
    data = {**_change_form_data(admin_client, event), "image": bad_upload(case), "image_alt": "Ein Bild"}
    response = admin_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [expected_message(case, "de")]
    assert not any(wrong in response.content.decode() for wrong in MISLEADING)
    event.refresh_from_db()
    assert not event.image


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_event_admin_form_in_both_languages(admin_user, make_event, case, language):
    request = RequestFactory().post("/admin/events/event/add/")
    request.user = admin_user
    form_class = admin.site._registry[Event].get_form(request, obj=make_event())
    with translation.override(language):
        form = form_class(data={}, files={"image": bad_upload(case)})
        assert form.errors["image"] == [expected_message(case, language)]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=BAD_UPLOAD_IDS)
def test_press_image_form_in_both_languages(case, language):
    with translation.override(language):
        form = NewsImageAdminForm(data={"alt_text": "Bild", "position": "0"}, files={"image": bad_upload(case)})
        assert form.errors["image"] == [expected_message(case, language)]
