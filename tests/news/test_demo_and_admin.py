"""Demo content (idempotent, in the association's style) and the staff tools in the admin."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from news import demo
from news.models import NewsAttachment, NewsImage, NewsItem
from swsdigital.pages import demo as pages_demo

from .conftest import jpeg_upload


def test_demo_loads_twice_without_duplicates(db, media_root):
    pages_demo.load()
    demo.load()
    counts = (NewsItem.objects.count(), NewsImage.objects.count(), NewsAttachment.objects.count())
    demo.load()
    assert (NewsItem.objects.count(), NewsImage.objects.count(), NewsAttachment.objects.count()) == counts
    assert counts[0] >= 6 and counts[1] >= 4 and counts[2] == 1
    assert all(image.credit and image.alt_text for image in NewsImage.objects.all())
    assert NewsItem.objects.filter(published_at__gt=timezone.now(), status="published").count() == 1


def test_demo_release_reads_like_the_associations_press_releases(client, db, media_root):
    pages_demo.load()
    demo.load()
    item = NewsItem.objects.get(slug="unternehmen-zeigen-dem-wirtschaftsminister-digitale-praxis")
    html = client.get(item.get_absolute_url()).content.decode()
    assert re.search(r"Plauen, <time[^>]*>3\. Mai 2019</time>", html)
    assert "Jana Beispiel (SWS Digital e.V.)" in html
    assert "47 Mitglieder" in html


def test_admin_lists_filters_and_searches(staff_client, make_item):
    make_item("Sommerfest-Bericht")
    make_item("Jahresbilanz-Ankündigung", published_at=timezone.now() + timedelta(days=2))
    make_item("Satzungstext-Rohfassung", status=NewsItem.Status.DRAFT)
    url = reverse("admin:news_newsitem_changelist")
    html = staff_client.get(url, {"visibility": "scheduled"}).content.decode()
    assert "Jahresbilanz-Ankündigung" in html
    assert "Sommerfest-Bericht" not in html and "Satzungstext-Rohfassung" not in html
    html = staff_client.get(url, {"q": "Rohfassung"}).content.decode()
    assert "Satzungstext-Rohfassung" in html and "Jahresbilanz-Ankündigung" not in html


def test_admin_creates_a_scheduled_item_with_an_image_through_the_upload_helper(staff_client, mint, media_root):
    when = timezone.localtime() + timedelta(days=1)
    data = {
        "kind": "press_release",
        "title_de": "Neue Mitglieder im Netzwerk",
        "slug": "neue-mitglieder",
        "dateline_place": "Plauen",
        "lead_de": "Das Netzwerk wächst weiter.",
        "body_de": "Text",
        "status": "published",
        "published_at_0": when.strftime("%d.%m.%Y"),
        "published_at_1": when.strftime("%H:%M:%S"),
        "topics": [mint.pk],
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": jpeg_upload("IMG_0001.jpg", size=(3000, 1500)),
        "images-0-alt_text_de": "Gruppenfoto der neuen Mitglieder",
        "images-0-credit": "Jana Beispiel (SWS Digital e.V.)",
        "images-0-position": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:news_newsitem_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = NewsItem.objects.get(slug="neue-mitglieder")
    assert item.is_embargoed and item.author.email == "presse@example.org"
    image = item.images.get()
    assert image.width == 2400 and image.thumbnail and "IMG_0001" not in image.image.name
    change = staff_client.get(reverse("admin:news_newsitem_change", args=[item.pk])).content.decode()
    assert reverse("news:preview", kwargs={"pk": item.pk}) in change  # "view on site" goes to the preview
    preview = staff_client.get(reverse("news:preview", kwargs={"pk": item.pk}))
    assert preview.status_code == 200 and "Neue Mitglieder im Netzwerk" in preview.content.decode()


def test_admin_rejects_a_fake_image_with_a_message(staff_client, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    now = timezone.localtime()
    data = {
        "kind": "news",
        "title_de": "Mit kaputtem Bild",
        "slug": "kaputt",
        "lead_de": "Vorspann",
        "status": "draft",
        "published_at_0": now.strftime("%d.%m.%Y"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        "images-0-alt_text_de": "x",
        "images-0-position": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:news_newsitem_add"), data)
    assert response.status_code == 200
    assert not NewsItem.objects.filter(slug="kaputt").exists()
    assert "errorlist" in response.content.decode()


def test_admin_publish_action_lifts_an_embargo(staff_client, make_item):
    item = make_item("Später", published_at=timezone.now() + timedelta(days=3))
    staff_client.post(
        reverse("admin:news_newsitem_changelist"), {"action": "publish_now", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert item.is_visible


def test_demo_press_items_agree_with_the_demo_events_they_name(db, media_root):
    from django.utils.formats import date_format

    from events import demo as events_demo
    from events.models import Event

    pages_demo.load()
    events_demo.load()
    demo.load()
    events = {event.title: event for event in Event.objects.all()}
    for item in NewsItem.objects.prefetch_related("related_events"):
        namesake = events.get(item.title.removeprefix("Rückblick: "))
        related = list(item.related_events.all())
        for event in [namesake, *related] if namesake else []:
            # An item named like an event is its announcement (before it) or its report (after it).
            assert event in related, item.title
            if item.kind == NewsItem.Kind.REPORT:
                assert item.published_at > event.end, item.title
            else:
                assert item.published_at < event.start, item.title
            day = date_format(timezone.localtime(event.start), "DATE_FORMAT")
            assert day in f"{item.lead} {item.body}", (item.title, day)
    announcement = NewsItem.objects.get(slug="instrumente-fuer-die-digitale-zusammenarbeit")
    event = Event.objects.get(slug="save-the-date-digitale-zusammenarbeit")
    assert announcement.title == event.title and announcement.published_at < event.start
    assert "2024" not in announcement.lead
    report = NewsItem.objects.get(slug="mint-nachwuchs-smart-rail-connectivity-campus")
    assert (
        report.dateline_place == "Zwickau"
        and report.published_at > Event.objects.get(slug="smartrailcampus-connectivity").end
    )
