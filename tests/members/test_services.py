"""Service rules of applications, admission, the member area and resignation."""

import datetime
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from members import selectors, services
from members.models import Contact, Member, MembershipApplication, MembershipNumberCounter
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent
from tests.members.conftest import VALID_IBAN, application_data, logo_upload, token_from

pytestmark = pytest.mark.django_db
Status = MembershipApplication.Status


def _mails(template: str, to: str | None = None):
    qs = OutboxEmail.objects.filter(template=f"members/{template}")
    return list(qs.filter(to=to) if to else qs)


def test_application_is_stored_unconfirmed_with_consents_and_a_confirmation_mail(membership_type, topic):
    application = services.membership_application_create(
        data=application_data(membership_type, newsletter=True), topics=[topic], submission_token="t1", ip="10.0.0.1"
    )
    assert application.status == Status.UNCONFIRMED
    assert list(application.topics.all()) == [topic]
    keys = set(Consent.objects.filter(email="jens.meier@example.org").values_list("text__key", flat=True))
    assert keys == {"statutes", "privacy", "directory", "newsletter"}
    assert all(c.confirmed_at is None for c in Consent.objects.all())
    [mail] = _mails("application_confirm", to="jens.meier@example.org")
    [link] = [w for w in mail.body_text.split() if "/mitglied-werden/bestaetigen/" in w]
    assert services.membership_application_confirm(token=token_from(link)).pk == application.pk


def test_directory_fields_are_dropped_without_listing_consent(membership_type):
    data = application_data(membership_type, directory_listed=False, directory_fields=["website"])
    application = services.membership_application_create(data=data, submission_token="t-no-dir")
    assert application.directory_fields == []
    assert not Consent.objects.filter(text__key="directory").exists()


def test_double_submit_creates_one_application_and_one_mail(membership_type):
    data = application_data(membership_type)
    first = services.membership_application_create(data=data, submission_token="same")
    second = services.membership_application_create(data=data, submission_token="same")
    assert first.pk == second.pk
    assert MembershipApplication.objects.count() == 1
    assert len(_mails("application_confirm")) == 1


def test_invalid_data_raises_translated_validation_error(membership_type):
    with pytest.raises(ValidationError) as exc:
        services.membership_application_create(
            data=application_data(membership_type, region="mars"), submission_token="bad"
        )
    assert "region" in exc.value.message_dict
    assert not MembershipApplication.objects.exists()


@pytest.mark.parametrize("case", ["member_email", "member_organisation", "pending"])
def test_known_address_or_organisation_gets_an_explanation_not_a_link(
    case, membership_type, make_member, make_application
):
    if case == "member_email":
        member = make_member()
        Contact.objects.create(member=member, first_name="A", last_name="B", email="jens.meier@example.org")
    elif case == "member_organisation":
        make_member(name="Vogtland Digital GmbH")
    else:
        make_application(confirmed=True)
        OutboxEmail.objects.all().delete()
    application = services.membership_application_create(
        data=application_data(membership_type), submission_token=uuid.uuid4().hex
    )
    assert application.known == case
    assert _mails("application_confirm") == []
    [mail] = _mails("application_known", to="jens.meier@example.org")
    assert "/confirm/" not in mail.body_text and "/bestaetigen/" not in mail.body_text


def test_confirmation_submits_confirms_consents_and_notifies_staff_once(membership_type, settings):
    application = services.membership_application_create(data=application_data(membership_type), submission_token="c")
    token = token_from(services.application_confirm_url(application))
    confirmed = services.membership_application_confirm(token=token, ip="10.0.0.2")
    assert confirmed.status == Status.SUBMITTED and confirmed.confirmed_at
    assert all(c.confirmed_at and c.confirmed_ip == "10.0.0.2" for c in Consent.objects.all())
    [notice] = _mails("application_staff_notify", to=settings.STAFF_NOTIFICATION_EMAIL)
    assert f"/admin/members/membershipapplication/{application.pk}/change/" in notice.body_text
    services.membership_application_confirm(token=token)  # the second click
    assert len(_mails("application_staff_notify")) == 1


def test_tampered_and_expired_links_are_refused(membership_type, settings):
    application = services.membership_application_create(data=application_data(membership_type), submission_token="x")
    token = token_from(services.application_confirm_url(application))
    with pytest.raises(services.ApplicationLinkInvalid) as exc:
        services.membership_application_confirm(token=token[:-2] + ("yy" if token.endswith("xx") else "xx"))
    assert exc.value.expired is False
    settings.MEMBERS_CONFIRM_MAX_AGE_HOURS = -1
    with pytest.raises(services.ApplicationLinkInvalid) as exc:
        services.membership_application_confirm(token=token)
    assert exc.value.expired is True
    assert MembershipApplication.objects.get().status == Status.UNCONFIRMED


def test_new_link_is_sent_only_for_an_unconfirmed_application(membership_type):
    services.membership_application_create(data=application_data(membership_type), submission_token="r")
    services.membership_application_link_resend(email="JENS.MEIER@example.org")
    services.membership_application_link_resend(email="unknown@example.org")
    assert len(_mails("application_confirm", to="jens.meier@example.org")) == 2
    assert OutboxEmail.objects.filter(to="unknown@example.org").count() == 0


def test_approval_creates_member_contacts_account_and_welcome_mail(make_application, topic, django_user_model):
    application = make_application(
        sepa_account_holder="Vogtland Digital GmbH",
        sepa_iban=VALID_IBAN,
        further_contacts=[{"first_name": "Eva", "last_name": "Roth", "email": "eva@example.org"}],
    )
    application.topics.set([topic])
    staff = django_user_model.objects.create_user(email="office@example.org", is_staff=True)
    member = services.membership_application_approve(application=application, by=staff, message="Herzlich willkommen!")
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.member == member and application.decided_by == staff
    assert member.number == 1 and member.slug == "vogtland-digital-gmbh"
    assert member.sepa_mandate_reference == "SWSD-000001"
    assert list(member.topics.all()) == [topic]
    main = member.contacts.get(is_main=True)
    assert main.user.email == "jens.meier@example.org" and not main.user.has_usable_password()
    assert EmailAddress.objects.get(user=main.user).verified
    assert member.contacts.get(email="eva@example.org").user is None
    [mail] = _mails("application_approved", to="jens.meier@example.org")
    assert "/password/reset/key/" in mail.body_text or "/passwort/" in mail.body_text
    assert "Herzlich willkommen!" in mail.body_text and "SWSD-000001" in mail.body_text


def test_numbers_are_sequential_and_continue_after_existing_members(make_application, make_member):
    make_member()  # number 100000+, created without the counter
    MembershipNumberCounter.objects.all().delete()
    first = services.membership_application_approve(application=make_application(email="a@example.org", name="A"))
    second = services.membership_application_approve(application=make_application(email="b@example.org", name="B"))
    assert second.number == first.number + 1
    assert first.number == Member.objects.exclude(pk__in=[first.pk, second.pk]).get().number + 1


def test_only_submitted_applications_can_be_decided(make_application):
    unconfirmed = make_application(confirmed=False)
    with pytest.raises(ValidationError):
        services.membership_application_approve(application=unconfirmed)
    submitted = make_application(email="b@example.org")
    services.membership_application_reject(application=submitted)
    with pytest.raises(ValidationError):
        services.membership_application_approve(application=submitted)
    assert not Member.objects.exists()


def test_rejection_mails_the_optional_reason(make_application):
    application = services.membership_application_reject(
        application=make_application(), message="Ihr Sitz liegt außerhalb unseres Gebiets."
    )
    assert application.status == Status.REJECTED
    [mail] = _mails("application_rejected", to="jens.meier@example.org")
    assert "außerhalb unseres Gebiets" in mail.body_text


def test_purge_deletes_only_old_unconfirmed_applications(make_application):
    old = make_application(confirmed=False)
    kept = make_application(email="b@example.org")
    MembershipApplication.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    assert services.applications_unconfirmed_purge() == 1
    assert list(MembershipApplication.objects.values_list("pk", flat=True)) == [kept.pk]


def test_profile_update_validates_and_reencodes_a_new_logo(member_user):
    member = selectors.member_for_user(user=member_user)
    services.member_profile_update(member=member, data={"city": "Chemnitz"}, logo=logo_upload())
    member.refresh_from_db()
    assert member.city == "Chemnitz"
    assert member.logo.name.startswith("members/logos/") and member.logo.name.endswith(".jpg")
    assert member.logo_thumbnail.name.startswith("members/logos/thumbs/")
    with pytest.raises(ValidationError):
        services.member_profile_update(member=member, data={"postcode": "abc", "website": "kein link"})


def test_directory_update_records_and_withdraws_consent(member_user):
    member = selectors.member_for_user(user=member_user)
    member.directory_listed = False
    member.save()
    services.member_directory_update(member=member, listed=True, fields=["website", "contact"], user=member_user)
    consent = Consent.objects.get(text__key="directory", email=member_user.email)
    assert consent.confirmed_at and consent.withdrawn_at is None
    assert member.directory_fields == ["website", "contact"]
    services.member_consent_withdraw(member=member, user=member_user, consent_id=consent.pk)
    member.refresh_from_db()
    assert member.directory_listed is False
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    with pytest.raises(ValidationError):
        services.member_directory_update(member=member, listed=True, fields=["iban"], user=member_user)


def test_statutes_consent_cannot_be_withdrawn_nor_someone_elses(member_user):
    member = selectors.member_for_user(user=member_user)
    from swsdigital.privacy.services import consent_record

    own = consent_record(key="statutes", email=member_user.email, source="test")
    other = consent_record(key="newsletter", email="other@example.org", source="test")
    for consent in (own, other):
        with pytest.raises(PermissionDenied):
            services.member_consent_withdraw(member=member, user=member_user, consent_id=consent.pk)


def test_contact_invite_creates_account_and_mails_a_password_link(member_user):
    member = selectors.member_for_user(user=member_user)
    data = {"first_name": "Paul", "last_name": "Kunze", "email": "Paul@Example.org", "language": "en"}
    contact = services.contact_invite(member=member, by=member_user, data=data)
    assert contact.user.email == "paul@example.org" and not contact.user.has_usable_password()
    [mail] = _mails("contact_invitation", to="paul@example.org")
    assert "/en/account/password/reset/key/" in mail.body_text
    assert selectors.user_is_member(user=contact.user)
    with pytest.raises(ValidationError):
        services.contact_invite(member=member, by=member_user, data=data)


def test_contact_remove_protects_main_contact_and_oneself(member_user):
    member = selectors.member_for_user(user=member_user)
    main = member.contacts.get(is_main=True)
    with pytest.raises(ValidationError):
        services.contact_remove(contact=main, by=member_user)
    other = Contact.objects.create(member=member, first_name="X", last_name="Y", email="x@example.org")
    services.contact_remove(contact=other, by=member_user)
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_data_export_contains_member_contacts_account_and_consents(member_user):
    member = selectors.member_for_user(user=member_user)
    from swsdigital.privacy.services import consent_record

    consent_record(key="newsletter", email=member_user.email, source="test")
    data = services.member_data_export(member=member, user=member_user)
    assert data["member"]["number"] == member.number
    assert data["contacts"][0]["email"] == "main@example.org"
    assert data["account"]["email"] == "main@example.org"
    assert data["consents"][0]["key"] == "newsletter"


@pytest.mark.parametrize(
    ("months", "on", "expected"),
    [
        (0, datetime.date(2026, 12, 30), datetime.date(2026, 12, 31)),
        (3, datetime.date(2026, 9, 30), datetime.date(2026, 12, 31)),
        (3, datetime.date(2026, 10, 1), datetime.date(2027, 12, 31)),
        (6, datetime.date(2026, 2, 15), datetime.date(2026, 12, 31)),
    ],
)
def test_resignation_takes_effect_at_the_end_of_the_year_after_notice(settings, months, on, expected):
    settings.MEMBERS_RESIGNATION_NOTICE_MONTHS = months
    assert services.member_resignation_effective_date(on=on) == expected


def test_resignation_request_confirm_and_end(member_user, settings):
    member = selectors.member_for_user(user=member_user)
    member = services.member_resignation_request(member=member, by=member_user)
    assert member.resignation_effective_on.month == 12 and member.resignation_effective_on.day == 31
    assert _mails("resignation_received", to=member_user.email)
    assert _mails("resignation_staff_notify", to=settings.STAFF_NOTIFICATION_EMAIL)
    with pytest.raises(ValidationError):
        services.member_resignation_request(member=member, by=member_user)
    services.member_resignation_confirm(member=member)
    assert _mails("resignation_confirmed", to="main@example.org")
    assert selectors.member_count() == 1  # still a member until the date
    after = member.resignation_effective_on + datetime.timedelta(days=1)
    assert services.members_resignations_apply(today=after) == 1
    assert selectors.member_count() == 0
    assert not selectors.user_is_member(user=member_user)


def test_selectors_for_other_apps(member_user, make_member, django_user_model):
    ended = make_member(status=Member.Status.ENDED)
    Contact.objects.create(member=ended, first_name="E", last_name="N", email="ended@example.org")
    active = selectors.member_for_user(user=member_user)
    Contact.objects.create(member=active, first_name="C", last_name="D", email="Colleague@Example.org")
    assert selectors.member_count() == 1
    assert selectors.member_email_addresses() == ["colleague@example.org", "main@example.org"]
    assert selectors.user_is_member(user=member_user)
    stranger = django_user_model.objects.create_user(email="stranger@example.org")
    assert not selectors.user_is_member(user=stranger)
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.user_is_member(user=AnonymousUser())


def test_tasks_call_the_services(make_application, member_user):
    from members import tasks

    old = make_application(confirmed=False)
    MembershipApplication.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    assert tasks.applications_unconfirmed_purge_task() == 1
    assert tasks.members_resignations_apply_task() == 0


def test_newsletter_optins_of_confirmed_applications(make_application):
    make_application(newsletter=True)
    make_application(newsletter=True, email="unconfirmed@example.org", confirmed=False)
    make_application(newsletter=False, email="no@example.org")
    optins = selectors.applications_newsletter_optins()
    assert [o["email"] for o in optins] == ["jens.meier@example.org"]
    assert optins[0]["language"] == "de" and optins[0]["confirmed_at"]
