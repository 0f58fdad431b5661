"""Public pages and the member area: every view, its error paths, and query budgets."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from members.models import Contact, Member, MembershipApplication, Topic
from swsdigital.mail.models import OutboxEmail
from tests.members.conftest import VALID_IBAN, application_post, logo_upload, token_from

pytestmark = pytest.mark.django_db


def _post_join(client, membership_type, form_protection_data, **overrides):
    data = {**application_post(membership_type, **overrides), **form_protection_data}
    return client.post("/mitglied-werden/", data)


@pytest.mark.parametrize(
    ("name", "kwargs", "german", "english"),
    [
        ("members:area", {}, "/konto/mitgliedschaft/", "/en/account/membership/"),
        ("members:join_sent", {}, "/mitglied-werden/gesendet/", "/en/join/sent/"),
        ("members:detail", {"slug": "x"}, "/mitglieder/x/", "/en/members/x/"),
    ],
)
def test_translated_paths(name, kwargs, german, english):
    with translation.override("de"):
        assert reverse(name, kwargs=kwargs) == german
    with translation.override("en"):
        assert reverse(name, kwargs=kwargs) == english


def test_join_form_shows_types_with_fees_and_links_the_statutes(client, membership_type):
    html = client.get("/mitglied-werden/").content.decode()
    assert "Unternehmen (1–9 Beschäftigte)" in html
    assert "240,00" in html
    assert 'href="/satzung/"' in html
    assert 'name="submission_token"' in html and 'name="contacts-TOTAL_FORMS"' in html


def test_join_english(client, membership_type):
    html = client.get("/en/join/").content.decode()
    assert "Company (1–9 employees)" in html and "Become a member" in html


def test_valid_application_redirects_and_mails_the_link(client, membership_type, topic, form_protection_data):
    response = _post_join(
        client,
        membership_type,
        form_protection_data,
        topics=[str(topic.pk)],
        sepa_mandate="on",
        sepa_account_holder="Erzgebirge Software GmbH",
        sepa_iban="DE89 3704 0044 0532 0130 00",
        **{"contacts-0-first_name": "Tom", "contacts-0-last_name": "Bauer", "contacts-0-email": "tom@example.org"},
        logo=logo_upload(),
    )
    assert response.status_code == 302 and response["Location"] == "/mitglied-werden/gesendet/"
    application = MembershipApplication.objects.get()
    assert application.sepa_iban == VALID_IBAN
    assert application.sepa_bic == "COBADEFFXXX"  # derived from the bank code (schwifty's registry)
    assert application.further_contacts[0]["email"] == "tom@example.org"
    assert application.logo.name.endswith(".jpg") and application.logo_thumbnail
    assert list(application.topics.all()) == [topic]
    assert application.language == "de"
    mail = OutboxEmail.objects.get(to="anna.schubert@example.org")
    assert "/mitglied-werden/bestaetigen/" in mail.body_text
    assert "Bitte bestätigen" in mail.subject


def test_known_address_gets_the_same_page(client, membership_type, form_protection_data, make_member):
    member = make_member()
    Contact.objects.create(member=member, first_name="A", last_name="S", email="anna.schubert@example.org")
    response = _post_join(client, membership_type, form_protection_data)
    assert response.status_code == 302 and response["Location"] == "/mitglied-werden/gesendet/"
    assert OutboxEmail.objects.get().template == "members/application_known"


def test_double_submit_creates_one_application(client, membership_type, form_protection_data):
    data = {**application_post(membership_type), **form_protection_data}
    assert client.post("/mitglied-werden/", data).status_code == 302
    assert client.post("/mitglied-werden/", data).status_code == 302
    assert MembershipApplication.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "1234"}, "postcode", "gültige deutsche Postleitzahl"),
        (
            {"sepa_mandate": "on", "sepa_account_holder": "X", "sepa_iban": "DE89370400440532013001"},
            "sepa_iban",
            "IBAN",
        ),
        ({"sepa_iban": VALID_IBAN}, "sepa_mandate", "Lastschriftmandat"),
        ({"statutes": None}, "statutes", "zwingend erforderlich"),
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
        ({"region": "mars"}, "region", "gültige Auswahl"),
        ({"website": "javascript:alert(1)"}, "website", "gültige Adresse"),
        ({"contacts-0-email": "tom@example.org"}, None, "zwingend erforderlich"),
    ],
)
def test_bad_input_shows_translated_errors_next_to_fields(
    client, membership_type, form_protection_data, overrides, field, message
):
    response = _post_join(client, membership_type, form_protection_data, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if field:
        assert field in response.context["form"].errors
    assert "Bitte korrigieren Sie die markierten Felder." in html or response.context["contacts"].errors
    assert not MembershipApplication.objects.exists()


def test_fake_image_is_rejected(client, membership_type, form_protection_data):
    fake = SimpleUploadedFile("logo.png", b"<?php echo 1; ?>" * 10, content_type="image/png")
    response = _post_join(client, membership_type, form_protection_data, logo=fake)
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert not MembershipApplication.objects.exists()


def test_honeypot_and_speed_are_refused(client, membership_type, form_protection_data):
    response = _post_join(client, membership_type, {**form_protection_data, "homepage": "http://spam.example"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = _post_join(client, membership_type, {"form_started": "kaputt"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not MembershipApplication.objects.exists()


def test_rate_limit_gives_friendly_429(client, membership_type, form_protection_data, settings):
    settings.MEMBERS_JOIN_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/mitglied-werden/", {})
    response = client.post("/mitglied-werden/", {})
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode() or response["Retry-After"]


def test_confirm_link_valid_invalid_and_expired(client, make_application, settings):
    from members import services

    application = make_application(confirmed=False)
    token = token_from(services.application_confirm_url(application))
    bad = client.get(f"/mitglied-werden/bestaetigen/{token[:-3]}abc/")
    assert bad.status_code == 400 and "nicht gültig" in bad.content.decode()
    assert client.post(f"/mitglied-werden/bestaetigen/{token[:-3]}abc/").status_code == 400
    ok = client.post(f"/mitglied-werden/bestaetigen/{token}/")
    assert ok.status_code == 200 and "Antrag bestätigt" in ok.content.decode()
    settings.MEMBERS_CONFIRM_MAX_AGE_HOURS = -1
    expired = client.get(f"/mitglied-werden/bestaetigen/{token}/")
    assert expired.status_code == 410 and "abgelaufen" in expired.content.decode()
    assert 'action="/mitglied-werden/neuer-link/"' in expired.content.decode()
    assert client.post(f"/mitglied-werden/bestaetigen/{token}/").status_code == 410


def test_confirm_link_asks_for_a_button_so_a_mail_scanner_confirms_nothing(client, make_application):
    from members import services

    application = make_application(confirmed=False)
    OutboxEmail.objects.all().delete()
    url = f"/mitglied-werden/bestaetigen/{token_from(services.application_confirm_url(application))}/"
    for _ in range(2):  # a scanner may follow the link more than once
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200 and "Antrag bestätigen" in html
        assert '<form method="post">' in html and '<button type="submit"' in html and "Antrag bestätigt" not in html
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.UNCONFIRMED and not OutboxEmail.objects.exists()
    done = client.post(url)
    assert done.status_code == 200 and "Antrag bestätigt" in done.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert OutboxEmail.objects.filter(template="members/application_staff_notify").count() == 1
    # Opened again after confirming, the link says so and changes nothing.
    again = client.get(url)
    assert "Antrag bestätigt" in again.content.decode()
    assert client.post(url).status_code == 200
    assert OutboxEmail.objects.count() == 1
    assert client.put(url).status_code == 405


def test_confirm_page_is_english_under_en(client, make_application):
    from members import services

    application = make_application(confirmed=False)
    token = token_from(services.application_confirm_url(application))
    html = client.get(f"/en/join/confirm/{token}/").content.decode()
    assert "Confirm your application" in html and "Confirm application" in html


def test_new_link_form_answers_the_same_for_any_address(client, make_application, form_protection_data):
    make_application(confirmed=False)
    OutboxEmail.objects.all().delete()
    for email in ("jens.meier@example.org", "nobody@example.org"):
        response = client.post("/mitglied-werden/neuer-link/", {"email": email, **form_protection_data})
        assert response.status_code == 302 and response["Location"] == "/mitglied-werden/gesendet/"
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["jens.meier@example.org"]
    response = client.post("/mitglied-werden/neuer-link/", {"email": "kaputt", **form_protection_data})
    assert response.status_code == 200 and "gültige E-Mail-Adresse" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "kaputt"}, "Bitte gültige E-Mail-Adresse eingeben."),
        ({"email": "jens.meier@example.org", "form_started": "kaputt"}, "Das Formular ist abgelaufen."),
    ],
    ids=["field", "form"],
)
def test_new_link_form_shows_each_error_once(client, data, message, form_protection_data):
    response = client.post("/mitglied-werden/neuer-link/", {**form_protection_data, **data})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(message) == 1, html[html.find("<main") :][:3000]


def test_application_form_shows_a_form_error_once(client, membership_type):
    html = client.post("/mitglied-werden/", {**application_post(membership_type), "form_started": "x"}).content
    assert html.decode().count("Das Formular ist abgelaufen.") == 1


def test_directory_lists_only_listed_members_and_hides_unchosen_fields(client, make_member):
    make_member(name="Sichtbar AG", fields=["website"], description="Geheime Beschreibung")
    make_member(name="Unsichtbar GmbH", listed=False)
    html = client.get("/mitglieder/").content.decode()
    assert "Sichtbar AG" in html
    assert "Unsichtbar GmbH" not in html
    assert "Geheime Beschreibung" not in html


def test_directory_filters_and_search(client, make_member, topic, membership_type):
    a = make_member(name="Plauener Code", region="vogtlandkreis")
    a.topics.add(topic)
    make_member(name="Zwickauer Daten", region="zwickau")
    html = client.get("/mitglieder/?region=vogtlandkreis").content.decode()
    assert "Plauener Code" in html and "Zwickauer Daten" not in html
    html = client.get(f"/mitglieder/?topic={topic.slug}").content.decode()
    assert "Plauener Code" in html and "Zwickauer Daten" not in html
    html = client.get("/mitglieder/?q=daten").content.decode()
    assert "Zwickauer Daten" in html and "Plauener Code" not in html
    html = client.get(f"/mitglieder/?type={membership_type.slug}&region=nowhere&page=x").content.decode()
    assert "Plauener Code" in html and "Zwickauer Daten" in html


def test_directory_query_budget_with_500_members(client, membership_type, django_assert_max_num_queries):
    topics = [Topic.objects.create(slug=f"t{i}", name_de=f"Thema {i}") for i in range(5)]
    members = Member.objects.bulk_create(
        Member(
            name=f"Mitglied {i:03d}",
            street="Weg 1",
            postcode="08056",
            city="Zwickau",
            region="zwickau",
            membership_type=membership_type,
            number=i + 1,
            slug=f"m-{i}",
            joined_on="2024-01-01",
            directory_listed=True,
            directory_fields=["topics", "description", "logo"],
            description="Text",
        )
        for i in range(500)
    )
    through = Member.topics.through
    through.objects.bulk_create(
        through(member_id=m.pk, topic_id=t.pk) for m in members for t in topics[: (m.number % 5) + 1]
    )
    with django_assert_max_num_queries(8):
        response = client.get("/mitglieder/?page=3")
    assert response.status_code == 200
    assert "Mitglied 048" in response.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get("/mitglieder/?topic=t1&q=Mitglied").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/mitglieder/m-7/").status_code == 200


def test_detail_page_shows_chosen_fields_and_schema_org(client, make_member):
    member = make_member(name="Schema & Co. KG", fields=["website", "address", "contact"])
    Contact.objects.create(member=member, first_name="Ida", last_name="Vogel", email="ida@example.org", is_main=True)
    html = client.get(member.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "Organization" and data["name"] == "Schema & Co. KG"
    assert data["address"]["postalCode"] == "08056"
    assert data["contactPoint"]["email"] == "ida@example.org"
    assert "description" not in data and "Beschreibung" not in html
    assert "ida@example.org" in html


def test_detail_of_unlisted_or_ended_member_is_404(client, make_member):
    hidden = make_member(listed=False)
    ended = make_member(status=Member.Status.ENDED)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(ended.get_absolute_url()).status_code == 404


# --- Member area ------------------------------------------------------------------


def test_member_area_requires_login_and_membership(client, django_user_model):
    response = client.get("/konto/mitgliedschaft/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    user = django_user_model.objects.create_user(email="x@example.org", password="pw-xyz-12345")
    client.force_login(user)
    assert client.get("/konto/mitgliedschaft/").status_code == 403
    assert client.get("/konto/mitgliedschaft/kontakte/").status_code == 403


def test_profile_edit_with_logo_and_errors(client, member_user):
    client.force_login(member_user)
    member = Member.objects.get()
    page = client.get("/konto/mitgliedschaft/")
    assert page.status_code == 200 and "Chemnitzer Werkstatt eG" in page.content.decode()
    data = {
        "name": "Chemnitzer Werkstatt eG", "street": "Straße der Nationen 1", "postcode": "09111",
        "city": "Chemnitz", "region": "chemnitz", "description": "Neu", "website": "https://werkstatt.example",
    }  # fmt: skip
    bad = client.post("/konto/mitgliedschaft/", {**data, "postcode": "9111"})
    assert bad.status_code == 200 and "Postleitzahl" in bad.content.decode()
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    bad = client.post("/konto/mitgliedschaft/", {**data, "logo": fake})
    assert bad.status_code == 200 and "logo" in bad.context["form"].errors
    ok = client.post("/konto/mitgliedschaft/", {**data, "logo": logo_upload()})
    assert ok.status_code == 302
    member.refresh_from_db()
    assert member.city == "Chemnitz" and member.region == "chemnitz" and member.logo_thumbnail


def test_directory_settings_and_consents_pages(client, member_user):
    client.force_login(member_user)
    response = client.post("/konto/mitgliedschaft/verzeichnis/", {"listed": "on", "fields": ["website"]})
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.directory_fields == ["website"]
    client.post("/konto/mitgliedschaft/verzeichnis/", {"fields": []})
    client.post("/konto/mitgliedschaft/verzeichnis/", {"listed": "on", "fields": ["contact"]})
    page = client.get("/konto/mitgliedschaft/einwilligungen/")
    assert "Einwilligung widerrufen" in page.content.decode()
    consent_id = page.context["consents"].filter(withdrawn_at__isnull=True).first().pk
    assert client.post("/konto/mitgliedschaft/einwilligungen/", {"consent": consent_id}).status_code == 302
    member.refresh_from_db()
    assert member.directory_listed is False
    assert client.post("/konto/mitgliedschaft/einwilligungen/", {"consent": "abc"}).status_code == 403


def test_contacts_invite_and_remove(client, member_user):
    client.force_login(member_user)
    data = {"first_name": "Paul", "last_name": "Kunze", "email": "paul@example.org", "language": "de"}
    assert client.post("/konto/mitgliedschaft/kontakte/", data).status_code == 302
    again = client.post("/konto/mitgliedschaft/kontakte/", data)
    assert again.status_code == 200 and "bereits Zugang" in again.content.decode()
    bad = client.post("/konto/mitgliedschaft/kontakte/", {**data, "email": "kaputt"})
    assert bad.status_code == 200 and "gültige E-Mail-Adresse" in bad.content.decode()
    paul = Contact.objects.get(email="paul@example.org")
    main = Contact.objects.get(is_main=True)
    response = client.post(f"/konto/mitgliedschaft/kontakte/{main.pk}/entfernen/", follow=True)
    assert "Hauptansprechperson kann nicht entfernt werden" in response.content.decode()
    assert client.post(f"/konto/mitgliedschaft/kontakte/{paul.pk}/entfernen/").status_code == 302
    assert not Contact.objects.filter(pk=paul.pk).exists()
    assert client.get(f"/konto/mitgliedschaft/kontakte/{paul.pk}/entfernen/").status_code == 405


def test_contact_of_another_member_cannot_be_removed(client, member_user, make_member):
    other = make_member()
    foreign = Contact.objects.create(member=other, first_name="F", last_name="G", email="f@example.org")
    client.force_login(member_user)
    assert client.post(f"/konto/mitgliedschaft/kontakte/{foreign.pk}/entfernen/").status_code == 404


def test_json_export(client, member_user):
    client.force_login(member_user)
    response = client.get("/konto/mitgliedschaft/export/")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["member"]["name"] == "Chemnitzer Werkstatt eG"


def test_resignation_page(client, member_user):
    client.force_login(member_user)
    page = client.get("/konto/mitgliedschaft/kuendigung/")
    assert "31. Dezember" in page.content.decode()
    assert client.post("/konto/mitgliedschaft/kuendigung/", {}).status_code == 200  # not confirmed
    assert client.post("/konto/mitgliedschaft/kuendigung/", {"confirm": "on"}).status_code == 302
    assert Member.objects.get().resignation_requested_at is not None
    response = client.post("/konto/mitgliedschaft/kuendigung/", {"confirm": "on"}, follow=True)
    assert "bereits" in response.content.decode()


def test_join_page_query_budget(client, membership_type, django_assert_max_num_queries):
    from decimal import Decimal

    from members.models import MembershipType

    for i in range(20):
        MembershipType.objects.create(slug=f"typ-{i}", name_de=f"Typ {i}", category="company", annual_fee=Decimal(i))
        Topic.objects.create(slug=f"thema-{i}", name_de=f"Thema {i}")
    with django_assert_max_num_queries(6):
        assert client.get("/mitglied-werden/").status_code == 200


def test_english_application_gets_english_mail_and_links(client, membership_type, form_protection_data):
    data = {**application_post(membership_type), **form_protection_data}
    response = client.post("/en/join/", data)
    assert response.status_code == 302 and response["Location"] == "/en/join/sent/"
    application = MembershipApplication.objects.get()
    assert application.language == "en"
    mail = OutboxEmail.objects.get()
    assert mail.subject == "Please confirm your membership application"
    assert "/en/join/confirm/" in mail.body_text
    page = client.get("/en/join/sent/")
    assert "Please check your inbox" in page.content.decode()


def test_an_iban_outside_the_sepa_area_is_refused_with_a_message(client, membership_type, form_protection_data):
    response = _post_join(
        client, membership_type, form_protection_data, sepa_mandate="on", sepa_account_holder="Firma",
        sepa_iban="AE07 0331 2345 6789 0123 456",
    )  # fmt: skip
    assert response.status_code == 200 and "sepa_iban" in response.context["form"].errors
    assert "SEPA" in str(response.context["form"].errors["sepa_iban"])
    assert not MembershipApplication.objects.exists()
