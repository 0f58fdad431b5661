"""Members' English descriptions: written in the member area, shown in the English directory, German marked."""

import pytest

from members.models import Member

pytestmark = pytest.mark.django_db

NOTE = '<small class="translation-note" lang="de">(auf Deutsch)</small>'
DATA = {
    "name": "Chemnitzer Werkstatt eG", "street": "Straße der Nationen 1", "postcode": "09111",
    "city": "Chemnitz", "region": "chemnitz", "website": "https://werkstatt.example",
}  # fmt: skip


def _listed(member: Member) -> Member:
    Member.objects.filter(pk=member.pk).update(directory_listed=True, directory_fields=["description"])
    member.refresh_from_db()
    return member


def test_member_writes_an_english_description_in_the_member_area(client, member_user):
    client.force_login(member_user)
    page = client.get("/konto/mitgliedschaft/").content.decode()
    assert 'name="description_en"' in page and 'lang="en"' in page
    assert "Kurzbeschreibung" in page or "description" in page
    response = client.post(
        "/konto/mitgliedschaft/",
        {**DATA, "description": "Wir bauen Maschinen.", "description_en": "We build machines."},
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.description, member.description_en) == ("Wir bauen Maschinen.", "We build machines.")


def test_directory_shows_the_description_in_the_pages_language_with_a_marked_fallback(client, member_user):
    member = _listed(Member.objects.get())
    Member.objects.filter(pk=member.pk).update(description="Wir bauen Maschinen.", description_en="")
    english = client.get("/en/members/").content.decode()
    assert f'<span lang="de">Wir bauen Maschinen.</span> {NOTE}' in english
    detail = client.get(f"/en/members/{member.slug}/").content.decode()
    assert f'<span lang="de">Wir bauen Maschinen.</span> {NOTE}' in detail
    german = client.get("/mitglieder/").content.decode()
    assert "Wir bauen Maschinen." in german and "(auf Deutsch)" not in german

    Member.objects.filter(pk=member.pk).update(description_en="We build machines.")
    english = client.get("/en/members/").content.decode()
    assert "We build machines." in english and "Wir bauen" not in english and "(auf Deutsch)" not in english
    assert "Wir bauen Maschinen." in client.get("/mitglieder/").content.decode()
    # Written in English only: the German page shows it, marked as English.
    Member.objects.filter(pk=member.pk).update(description="")
    german = client.get("/mitglieder/").content.decode()
    assert '<span lang="en">We build machines.</span>' in german
