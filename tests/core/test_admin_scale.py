"""The admin at scale (issue 18): fixed query budgets for the big changelists, estimated and capped counts,
and no change form offering a select over a table that grows to thousands of rows."""

import itertools
import uuid
from datetime import timedelta

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from members.models import Member, User
from newsletter.models import Delivery, Mailing, Subscriber
from swsdigital.core.admin_paging import EstimatedCountPaginator, LargeTableAdminMixin, capped_count, table_estimate
from swsdigital.mail.models import OutboxEmail

_serial = itertools.count()

# Models that grow to thousands of rows: a form must never list them as a select's options.
BIG = {Subscriber, Event, Member, User, Registration, OutboxEmail, Delivery}


def _subscribers(n):
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"s{i}@example.org", status=Subscriber.Status.CONFIRMED, key=uuid.uuid4().hex)
            for i in (next(_serial) for _ in range(n))
        ]
    )


def _events(n):
    start = timezone.now() + timedelta(days=5)
    Event.objects.bulk_create(
        [
            Event(
                title=f"Termin {i}",
                slug=f"termin-{i}",
                start=start,
                end=start + timedelta(hours=2),
                status=Event.Status.PUBLISHED,
                region=Event.Region.MITTELSACHSEN,
            )
            for i in (next(_serial) for _ in range(n))
        ]
    )


def _registrations(n):
    _events(1)
    event = Event.objects.latest("pk")
    Registration.objects.bulk_create(
        [Registration(event=event, name=f"P {i}", email=f"p{i}@example.org", status="confirmed") for i in range(n)]
    )


def _mailings(n):
    _subscribers(5)
    mailings = Mailing.objects.bulk_create([Mailing(subject=f"N {i}", body="<p>x</p>") for i in range(n)])
    subscribers = list(Subscriber.objects.all()[:5])
    Delivery.objects.bulk_create([Delivery(mailing=m, subscriber=s) for m in mailings for s in subscribers])


def _outbox(n):
    OutboxEmail.objects.bulk_create(
        [OutboxEmail(to=f"o{i}@example.org", from_email="x@example.org", subject="S", body_text="T") for i in range(n)]
    )


CHANGELISTS = {
    "newsletter_subscriber": (_subscribers, "?q=s1%40example.org"),
    "events_event": (_events, "?q=Termin"),
    "events_registration": (_registrations, "?status__exact=confirmed"),
    "newsletter_mailing": (_mailings, "?q=N"),
    "mail_outboxemail": (_outbox, "?status__exact=pending"),
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", sorted(CHANGELISTS))
def test_a_big_changelist_needs_as_many_queries_for_300_rows_as_for_3(admin_client, name):
    build, query = CHANGELISTS[name]
    url = reverse(f"admin:{name}_changelist")
    build(3)
    admin_client.get(url)  # the first request of a session fills caches (site profile, content types)
    few = {view: _queries(admin_client, view) for view in (url, url + query)}
    build(297)
    many = {view: _queries(admin_client, view) for view in (url, url + query)}
    assert many == few
    assert max(many.values()) <= 18  # session, user, messages, filters' choices, one count, one page


@pytest.mark.parametrize("name", sorted(CHANGELISTS))
def test_the_big_admins_estimate_and_cap_their_counts(name):
    model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.db_table == name)
    assert isinstance(model_admin, LargeTableAdminMixin)
    assert model_admin.paginator is EstimatedCountPaginator
    assert model_admin.show_full_result_count is False


def test_the_paginator_counts_small_and_filtered_lists_exactly_and_caps_big_ones(db):
    _subscribers(30)
    everyone = Subscriber.objects.all()
    assert EstimatedCountPaginator(everyone, 10).count == 30  # small: a real count (SQLite: always)
    some = everyone.filter(pk__in=list(everyone.values_list("pk", flat=True)[:11]))
    assert EstimatedCountPaginator(some, 10).count == 11
    capped = type("Capped", (EstimatedCountPaginator,), {"count_limit": 12})(everyone, 5)
    assert capped.count == 12 and capped.is_capped and capped.num_pages == 3
    assert capped_count(everyone, limit=100) == 30
    assert capped.page(3).object_list.count() == 2  # rows 11 and 12: the pages end at the cap


def test_on_sqlite_there_is_no_estimate(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's fallback; the PostgreSQL estimate has its own test")
    assert table_estimate(Subscriber) is None


@pytest.mark.postgres
def test_on_postgresql_an_unfiltered_big_table_is_estimated_from_its_statistics(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _subscribers(50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE newsletter_subscriber")
    assert table_estimate(Subscriber) == 50  # ANALYZE of a small table counts it
    estimating = type("Estimating", (EstimatedCountPaginator,), {"estimate_above": 10})
    with CaptureQueriesContext(connection) as ctx:
        assert estimating(Subscriber.objects.all(), 10).count == 50
    assert "pg_class" in ctx.captured_queries[0]["sql"] and "COUNT" not in ctx.captured_queries[0]["sql"].upper()
    # Filtered: counted (capped), never estimated.
    some = Subscriber.objects.filter(pk__in=list(Subscriber.objects.values_list("pk", flat=True)[:11]))
    assert estimating(some, 10).count == 11


def _admin_forms():
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin.get_form(request, None)
        for inline in model_admin.get_inline_instances(request, None):
            yield inline.model, inline.get_formset(request, None).form


def _widget(field):
    return getattr(field.widget, "widget", field.widget)  # inside Django's related-field wrapper


@pytest.mark.django_db
def test_no_change_form_lists_a_big_table_as_options():
    offenders = []
    for model, form in _admin_forms():
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.queryset.model not in BIG:
                continue
            if not isinstance(_widget(field), (AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget)):
                offenders.append(f"{model._meta.label}.{name}")
    assert offenders == []
