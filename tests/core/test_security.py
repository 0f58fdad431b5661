"""The shared protections in swsdigital/core: headers, CSP, form protection, rate limits, media, sessions."""

import time

import pytest
from django import forms
from django.core import signing
from django.test import RequestFactory

from swsdigital.core.forms import HoneypotTimingMixin
from swsdigital.core.ratelimit import RateLimited, rate_limit_hit, rate_limit_request
from swsdigital.core.richtext import richtext_render


def test_security_headers_and_csp_without_unsafe_inline(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "form-action 'self'" in csp


def test_permissions_policy_switches_off_unused_browser_features(client, db):
    """Issue 13.9: camera, microphone, geolocation and payment off on every response, errors included."""
    for response in (client.get("/"), client.get("/gibt-es-nicht/"), client.get("/en/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment"):
            assert f"{feature}=()" in policy


def test_no_inline_script_or_style_in_the_layout(client, db):
    html = client.get("/").content.decode()
    assert "<script>" not in html and "<style" not in html and ' style="' not in html


class ContactForm(HoneypotTimingMixin, forms.Form):
    name = forms.CharField()


def _started(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt="swsdigital.core.forms.started")


def test_protected_form_accepts_a_person():
    form = ContactForm(data={"name": "Anna", "homepage": "", "form_started": _started(30)})
    assert form.is_valid(), form.errors


def test_protected_form_rejects_the_honeypot():
    form = ContactForm(data={"name": "Bot", "homepage": "http://spam.example", "form_started": _started(30)})
    assert not form.is_valid()
    assert form.has_error("__all__", code="honeypot")


def test_protected_form_rejects_too_fast_and_keeps_the_entries(settings):
    settings.FORM_MIN_FILL_SECONDS = 5
    form = ContactForm(data={"name": "Anna", "homepage": "", "form_started": _started(0.1)})
    assert not form.is_valid()
    assert form.has_error("__all__", code="too_fast")
    assert form["name"].value() == "Anna"  # nothing the person typed is lost
    # The re-rendered form carries a fresh token, so the next try goes through.
    retry = ContactForm(data={"name": "Anna", "homepage": "", "form_started": form.data["form_started"]})
    assert retry.is_valid(), retry.errors


def test_protected_form_asks_half_a_second_per_field_to_fill_up_to_the_setting(settings):
    settings.FORM_MIN_FILL_SECONDS = 5
    assert ContactForm(data={"name": "Anna", "homepage": "", "form_started": _started(0.7)}).is_valid()

    class LongForm(HoneypotTimingMixin, forms.Form):
        a, b, c, d, e, f = (forms.CharField() for _ in range(6))
        optional = forms.CharField(required=False)
        preset = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")])  # a list starts with its first entry chosen

    assert LongForm()._min_fill_seconds() == 3.0
    settings.FORM_MIN_FILL_SECONDS = 2
    assert LongForm()._min_fill_seconds() == 2


@pytest.mark.parametrize("token", ["", "garbage", signing.dumps("x", salt="other")])
def test_protected_form_rejects_missing_or_forged_token(token):
    form = ContactForm(data={"name": "Anna", "homepage": "", "form_started": token})
    assert not form.is_valid()
    assert form.has_error("__all__", code="expired")


def test_rate_limit_counts_per_key_and_scope():
    for _ in range(3):
        rate_limit_hit(scope="t", key="1.2.3.4", limit=3, period=60)
    with pytest.raises(RateLimited):
        rate_limit_hit(scope="t", key="1.2.3.4", limit=3, period=60)
    rate_limit_hit(scope="t", key="5.6.7.8", limit=3, period=60)  # another client is unaffected
    rate_limit_hit(scope="other", key="1.2.3.4", limit=3, period=60)  # another form too


def test_rate_limit_ignores_get_requests():
    request = RequestFactory().get("/")
    for _ in range(5):
        rate_limit_request(request, scope="g", limit=1, period=60)


def test_rate_limited_request_gets_the_friendly_429_page(client, db, settings):
    settings.ROOT_URLCONF = "tests.core.urls_ratelimit"
    for _ in range(2):
        assert client.post("/limited/").status_code == 200
    response = client.post("/limited/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode() or "Zu viele" in response.content.decode()


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="#" style="color:red" onclick="x()">a</a>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_rich_text_cannot_inject_script_or_style(source):
    html = str(richtext_render(source))
    for forbidden in ("<script", "onerror", "javascript:", "onclick", "style=", "<style", "<iframe"):
        assert forbidden not in html.lower()


def test_rich_text_keeps_formatting_and_safe_links():
    html = str(richtext_render('<p><strong>fett</strong> und <a href="https://example.org">Link</a></p>'))
    assert "<strong>fett</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_uploaded_html_is_never_served_as_html(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evil.html").write_text("<script>alert(1)</script>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/media/evil.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/media/logo.png")["Content-Type"] == "image/png"


@pytest.mark.parametrize("path", ["/media/../settings.py", "/media/%2e%2e/manage.py", "/media/nope.png"])
def test_media_serving_refuses_traversal_and_missing_files(client, db, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get(path).status_code == 404


def test_session_ends_after_the_absolute_lifetime(client, django_user_model, settings):
    user = django_user_model.objects.create_user(email="staff@example.org", password="x-very-long-pass")
    client.force_login(user)
    session = client.session
    session["_auth_started"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 10
    session.save()
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_staff_without_second_factor_are_sent_to_set_it_up(client, django_user_model):
    staff = django_user_model.objects.create_user(email="office@example.org", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/totp/" in response["Location"]


def test_staff_with_totp_reach_the_admin(admin_client):
    assert admin_client.get("/admin/").status_code == 200


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "1" * 40])
def test_model_choice_fields_answer_huge_ids_with_invalid_choice(db, value):
    from swsdigital.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
    from swsdigital.privacy.models import ConsentText

    single = SafeModelChoiceField(queryset=ConsentText.objects.all())
    multiple = SafeModelMultipleChoiceField(queryset=ConsentText.objects.all())
    for field, data in ((single, value), (multiple, [value])):
        with pytest.raises(forms.ValidationError) as info:
            field.clean(data)
        assert info.value.code == "invalid_choice"


def test_account_forms_have_the_honeypot_and_minimum_fill_time(client, db):
    for path in ("/konto/login/", "/konto/signup/", "/konto/password/reset/"):
        html = client.get(path).content.decode()
        assert 'name="homepage"' in html and 'name="form_started"' in html, path
    response = client.post("/konto/signup/", {"email": "bot@example.org", "password1": "x" * 12, "password2": "x" * 12})
    assert response.status_code == 200  # no token: the form comes back with a message, nothing is created
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="bot@example.org").exists()
