"""Issue 15.1: the admin in German throughout, grouped by the office's tasks, with readable fields.

Django 6.1's German catalogue lacks the strings of its newer widgets ("Choose all %s", "- Select an option -");
locale_vendor/ fills them. These tests read Django's own English source catalogues, so a Django upgrade that
adds strings fails here until they have German, and render the admin pages looking for English leftovers.
"""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation.trans_real import DjangoTranslation

from members.models import Member, MembershipApplication
from swsdigital.core.roles import EDITORS, OFFICE, PRIVACY, TREASURER

DJANGO = Path(django.__file__).parent
CATALOGUES = [
    ("django", DJANGO / "conf/locale/en/LC_MESSAGES/django.po"),
    ("django", DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po"),
    ("django", DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po"),
    ("djangojs", DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"),
]

# What staff saw in English on the German admin before (issue 15), and raw stored data.
ENGLISH_LEFTOVERS = [
    "Choose all", "Remove all", "Authenticators", "authenticators", "Decided by", "Member:", "home page box",
    "- Select an option -", "Select an option", "Django administration", "Site administration",
    "[{&quot;salutation", "[&quot;description", '["description"', "Sprache: de",
]  # fmt: skip


def _german(domain: str) -> DjangoTranslation:
    if domain == "django":
        return translation.trans_real.translation("de")
    return DjangoTranslation("de", domain="djangojs", localedirs=[DJANGO / "contrib/admin/locale"])


@pytest.mark.parametrize(("domain", "path"), CATALOGUES, ids=lambda value: str(value).split("django/")[-1])
def test_every_string_of_djangos_catalogues_has_german(domain, path):
    catalogue = _german(domain)._catalog
    missing = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or entry.msgid == "Haitian Creole":
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if (key, 0) not in catalogue if entry.msgid_plural else key not in catalogue:
            missing.append(entry.msgid)
    assert missing == [], f"{len(missing)} strings without German in {path.name}: {missing[:10]}"


def test_the_admins_javascript_catalogue_is_german(admin_client):
    response = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="de")
    body = response.content.decode()
    for english, german in [("Choose all %s", "Alle %s auswählen"), ("Remove all %s", "Alle %s entfernen"),
                            ("Today (%(date)s)", "Heute (%(date)s)")]:  # fmt: skip
        assert f"{json.dumps(english)}: {json.dumps(german)}" in body


def test_every_field_of_our_models_has_a_translatable_name():
    ours = {"members", "events", "news", "newsletter", "fees", "core", "mail", "privacy", "pages"}
    plain = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and field.name != "id" and not isinstance(field.verbose_name, Promise)
    ]
    assert plain == []


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _admin_urls() -> list[str]:
    urls = ["/admin/"]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{info}_change", args=[obj.pk]))
    return urls


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_stock_english_on_the_german_admin(admin_client, demo):
    MembershipApplication.objects.filter(pk=MembershipApplication.objects.order_by("pk").first().pk).update(
        further_contacts=[{"salutation": "mr", "title": "Dr.", "first_name": "Jan", "last_name": "Roth",
                           "role": "IT", "email": "jan.roth@example.org", "phone": ""}],
        directory_fields=["description", "website"],
    )  # fmt: skip
    problems = []
    for url in _admin_urls():
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        if response.status_code in (302, 403):  # add pages of models nobody adds by hand
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="de"' in html, url
        text = _visible_text(html)
        problems += [(url, word) for word in ENGLISH_LEFTOVERS if word in text or word in html]
    assert problems == []


def test_the_application_shows_its_data_readably(admin_client, demo):
    application = MembershipApplication.objects.order_by("pk").first()
    application.further_contacts = [
        {"salutation": "ms", "title": "Dr.", "first_name": "Ute", "last_name": "Lang", "role": "Leitung IT",
         "email": "ute.lang@example.org", "phone": "0371 123"},
        {"salutation": "", "title": "", "first_name": "<b>Kai</b>", "last_name": "Berg", "role": "",
         "email": "kai@example.org", "phone": ""},
    ]  # fmt: skip
    application.directory_fields = ["description", "website"]
    application.language = "en"
    application.save()
    html = admin_client.get(f"/admin/members/membershipapplication/{application.pk}/change/").content.decode()
    assert "Frau Dr. Ute Lang, Leitung IT – ute.lang@example.org, 0371 123" in html
    assert "&lt;b&gt;Kai&lt;/b&gt; Berg – kai@example.org" in html  # escaped, never markup
    assert re.search(r'<input type="checkbox" name="directory_fields" value="website"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="directory_fields" value="address"[^>]*checked', html)
    assert "Englisch" in _visible_text(html)
    assert "entschieden von" in _visible_text(html).lower()


def test_the_directory_checkboxes_save_a_list(admin_client, demo):
    member = Member.objects.order_by("pk").first()
    page = admin_client.get(f"/admin/members/member/{member.pk}/change/")
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("logo",):
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for i, inline_form in enumerate(formset.forms):
            data[f"{formset.prefix}-{i}-id"] = inline_form.instance.pk
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if value not in (None, ""):
                    data[f"{formset.prefix}-{i}-{name}"] = getattr(value, "pk", value)
    data["directory_fields"] = ["logo", "address"]
    response = admin_client.post(f"/admin/members/member/{member.pk}/change/", data)
    if response.status_code != 302:
        raise AssertionError(
            [f.errors for f in response.context["inline_admin_formsets"][0].formset] + [response.context["errors"]]
        )
    member.refresh_from_db()
    assert member.directory_fields == ["logo", "address"]


def _groups(client) -> list[str]:
    html = client.get("/admin/").content.decode()
    return re.findall(r'<caption>\s*<a href="/admin/bereich/([a-z]+)/" class="section"', html)


def test_navigation_is_grouped_by_the_offices_tasks(admin_client):
    assert _groups(admin_client) == [
        "mitglieder", "termine", "presse", "newsletter", "beitraege", "website", "datenschutz", "system",
    ]  # fmt: skip
    html = admin_client.get("/admin/bereich/termine/").content.decode()
    assert "Veranstaltungen" in html and "Anmeldungen" in html and "Pressebeiträge" not in html
    assert admin_client.get("/admin/bereich/nichts/").status_code == 404
    # Every registered model is reachable from a group: nothing falls out of the navigation.
    everything = admin_client.get("/admin/").content.decode()
    for model in admin.site._registry:
        assert reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") in everything


@pytest.mark.parametrize(
    ("role", "groups"),
    [
        (EDITORS, ["termine", "presse", "newsletter", "website"]),
        (TREASURER, ["mitglieder", "beitraege", "website"]),  # the association's bank details
        (PRIVACY, ["datenschutz"]),
        (OFFICE, ["mitglieder", "termine", "newsletter", "system"]),  # the email log is in System
    ],
)
def test_each_role_sees_only_its_groups(staff_login, role, groups):
    client = staff_login(roles=(role,))
    shown = _groups(client)
    assert shown == groups
    hidden = {"mitglieder", "termine", "presse", "newsletter", "beitraege", "website", "datenschutz", "system"}
    for group in hidden - set(shown):
        assert client.get(f"/admin/bereich/{group}/").status_code == 404


def test_the_admin_wears_the_portals_look(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "/static/css/admin-theme.css" in html
    assert 'src="/static/img/logo.svg"' in html
    assert 'id="sws-admin-words"' in html and 'data-choose-file="Datei auswählen"' in html
    assert (Path(settings.BASE_DIR) / "static/css/admin-theme.css").read_text().count('[data-theme="dark"]') >= 1
