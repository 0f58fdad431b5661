"""Texts with their own German and English columns (legal pages, the site profile, membership types, newsletter
topics and mailings): on the English site the German text where no English one is written, marked lang="de"."""

import pytest
from django.utils import timezone, translation

from members.models import Member, MembershipType
from newsletter.models import Mailing
from newsletter.models import Topic as NewsletterTopic
from swsdigital.pages.models import LegalPage, SiteProfile
from swsdigital.pages.selectors import _PROFILE_CACHE_KEY

pytestmark = pytest.mark.django_db

NOTE = '<small class="translation-note" lang="de">(auf Deutsch)</small>'


@pytest.fixture
def profile():
    from django.core.cache import cache

    profile = SiteProfile.objects.create(claim_de="Gemeinsam digital", intro_de="<p>Wir vernetzen die Region.</p>")
    cache.delete(_PROFILE_CACHE_KEY)
    return profile


def test_legal_page_without_english_text_shows_the_german_one_marked(client):
    LegalPage.objects.create(
        kind="imprint", title_de="Impressum", title_en="", body_de="<p>Verantwortlich: Vorstand</p>"
    )
    html = client.get("/en/imprint/").content.decode()
    assert f'<h1><span lang="de">Impressum</span> {NOTE}</h1>' in html
    assert '<div lang="de"><p>Verantwortlich: Vorstand</p>' in html
    german = client.get("/impressum/").content.decode()
    assert "<h1>Impressum</h1>" in german and 'lang="de"><p>' not in german


def test_legal_page_with_english_text_is_not_marked(client):
    LegalPage.objects.create(
        kind="imprint", title_de="Impressum", title_en="Imprint", body_de="<p>Vorstand</p>", body_en="<p>Board</p>"
    )
    html = client.get("/en/imprint/").content.decode()
    assert "<h1>Imprint</h1>" in html and "<p>Board</p>" in html
    assert "(auf Deutsch)" not in html and "Vorstand" not in html


def test_site_profile_claim_and_intro_fall_back_to_german_marked(client, profile):
    html = client.get("/en/").content.decode()
    assert f'<span lang="de">Gemeinsam digital</span> {NOTE}' in html
    assert '<div lang="de"><p>Wir vernetzen die Region.</p>' in html
    SiteProfile.objects.filter(pk=profile.pk).update(claim_en="Digital together", intro_en="<p>We connect.</p>")
    from django.core.cache import cache

    cache.delete(_PROFILE_CACHE_KEY)
    html = client.get("/en/").content.decode()
    assert "Digital together" in html and "<p>We connect.</p>" in html and "(auf Deutsch)" not in html


def test_membership_types_on_the_english_join_form(client):
    MembershipType.objects.create(
        slug="firma", name_de="Unternehmen", category="company", annual_fee=120, description_de="Für Firmen"
    )
    MembershipType.objects.create(
        slug="schule", name_de="Schule", name_en="School", category="school", annual_fee=0, description_de="Kostenfrei"
    )
    html = client.get("/en/join/").content.decode()
    # The fee table and the radio labels of the form: German marked, English plain, never empty.
    assert f'<dt><span lang="de">Unternehmen</span> {NOTE}</dt>' in html
    assert f'<span lang="de">Für Firmen</span> {NOTE}' in html
    assert f'<span lang="de">Unternehmen</span> {NOTE} – ' in html.split("<form", 1)[1]
    assert "<dt>School</dt>" in html and f'<span lang="de">Kostenfrei</span> {NOTE}' in html
    assert "<dt>Unternehmen</dt>" in client.get("/mitglied-werden/").content.decode()


def test_member_directory_filter_options_carry_the_language_of_german_names(client):
    from tests.members.factories import member_admitted

    member = member_admitted(email="dir@example.org")
    Member.objects.filter(pk=member.pk).update(directory_listed=True)
    MembershipType.objects.filter(pk=member.membership_type_id).update(name_en="")
    slug = member.membership_type.slug
    html = client.get("/en/members/").content.decode()
    assert f'value="{slug}" lang="de"' in html
    assert f'value="{slug}" lang="de"' not in client.get("/mitglieder/").content.decode()


def test_newsletter_topics_on_the_english_sign_up_form(client):
    NewsletterTopic.objects.create(slug="termine", name_de="Termine", name_en="")
    NewsletterTopic.objects.create(slug="presse", name_de="Presse", name_en="Press")
    html = client.get("/en/newsletter/").content.decode()
    assert '<span lang="de">Termine</span>' in html and "Press" in html
    assert '<span lang="de">Presse</span>' not in html


def _english_url(mailing: Mailing) -> str:
    with translation.override("en"):
        return mailing.get_absolute_url()


def _sent(**kwargs) -> Mailing:
    return Mailing.objects.create(status=Mailing.Status.SENT, finished_at=timezone.now(), in_archive=True, **kwargs)


def test_newsletter_archive_and_web_version_mark_german_only_mailings(client):
    german = _sent(subject="Neues aus dem Netzwerk", preheader="Kurz notiert", body="<p>Liebe Mitglieder</p>")
    english = _sent(
        subject="Netzwerk", body="<p>Hallo</p>", subject_en="Network news", preheader_en="In brief", body_en="<p>Hi</p>"
    )
    html = client.get("/en/newsletter/archive/").content.decode()
    assert f'<span lang="de">Neues aus dem Netzwerk</span> {NOTE}</a>' in html
    assert '<span lang="de">Kurz notiert</span>' in html
    assert ">Network news</a>" in html and "In brief" in html
    detail = client.get(_english_url(german))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert '<article class="mt-3" lang="de">' in page and "(auf Deutsch)" in page
    with_english = client.get(_english_url(english))
    assert '<article class="mt-3">' in with_english.content.decode()


def test_admin_edits_the_pairs_in_tabs_and_filters_missing_english(staff_login):
    LegalPage.objects.create(kind="imprint", title_de="Impressum", title_en="Imprint", body_de="<p>x</p>")
    LegalPage.objects.create(
        kind="privacy", title_de="Datenschutz", title_en="Privacy", body_de="<p>y</p>", body_en="<p>y</p>"
    )
    client = staff_login(superuser=True)
    page = LegalPage.objects.get(kind="imprint")
    form = client.get(f"/admin/pages/legalpage/{page.pk}/change/").content.decode()
    assert "mt-field-title-de" in form and "mt-field-title-en" in form and "mt-field-body-en" in form
    assert "js/admin-translation-tabs.js" in form
    missing = client.get("/admin/pages/legalpage/?english=missing").content.decode()
    privacy = LegalPage.objects.get(kind="privacy")
    assert f"/legalpage/{page.pk}/change/" in missing and f"/legalpage/{privacy.pk}/change/" not in missing
    firm = MembershipType.objects.create(slug="firma", name_de="Unternehmen", category="company", annual_fee=120)
    school = MembershipType.objects.create(
        slug="schule", name_de="Schule", name_en="School", category="school", annual_fee=0
    )
    types = client.get("/admin/members/membershiptype/?english=missing").content.decode()
    assert f"/membershiptype/{firm.pk}/change/" in types and f"/membershiptype/{school.pk}/change/" not in types
    _sent(subject="Nur deutsch", body="<p>x</p>")
    _sent(subject="Zweisprachig", body="<p>x</p>", body_en="<p>y</p>")
    mailings = client.get("/admin/newsletter/mailing/?english=missing").content.decode()
    assert "Nur deutsch" in mailings and "Zweisprachig" not in mailings
