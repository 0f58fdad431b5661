"""Staff tools: events with registrations inline, counts, duplicate, CSV export, messages, check-in."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.csvexport import csv_response
from swsdigital.core.images import IMAGE_FORMFIELD_OVERRIDES
from swsdigital.core.staff import staff_action

from . import selectors, services
from .forms import ParticipantMessageForm
from .models import Event, Registration, Series, Topic


@admin.register(Series)
class SeriesAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Topic)
class TopicAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("name", "email", "organisation", "places", "status", "created_at", "checked_in_at")
    readonly_fields = ("name", "email", "organisation", "places", "status", "created_at", "checked_in_at")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _participants_csv(event: Event) -> HttpResponse:
    questions = event.question_list
    header = [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Places"),
        _("Status"),
        _("Registered"),
        _("Checked in"),
        *questions,
    ]
    rows = (
        [
            r.name,
            r.email,
            r.organisation,
            r.places,
            r.get_status_display(),
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
            *[r.answers.get(q, "") for q in questions],
        ]
        for r in selectors.registrations_for_export(event=event)
    )
    return csv_response(f"{event.slug}-participants.csv", header, rows, audit={"target": event, "kind": "participants"})


@admin.register(Event)
class EventAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("title", "start", "series", "status", "format", "registered", "waiting", "capacity", "view_link")
    list_filter = ("status", "format", "series", "region", "topics", "members_only", "save_the_date")
    search_fields = ("title", "teaser", "venue_name")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics",)
    inlines = [RegistrationInline]
    actions = ["duplicate", "export_participants"]
    readonly_fields = ("uid", "sequence", "participant_tools")
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES  # the upload's own message, not Django's vague one
    fieldsets = (
        (None, {"fields": ("title", "slug", "series", "topics", "teaser", "description")}),
        (_("Date"), {"fields": ("start", "end", "all_day")}),
        (
            _("Place"),
            {"fields": ("format", "region", "venue_name", "venue_address", "venue_accessibility", "online_url")},
        ),
        (_("People"), {"fields": ("organiser", "partners", "contact_name", "contact_email")}),
        (_("Image"), {"fields": ("image", "image_alt", "image_credit")}),
        (_("Publication"), {"fields": ("status", "publish_at", "save_the_date")}),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_enabled",
                    "registration_opens",
                    "registration_closes",
                    "capacity",
                    "waitlist_enabled",
                    "members_only",
                    "max_places",
                    "extra_questions",
                )
            },
        ),
        (_("Participants"), {"fields": ("participant_tools", "uid", "sequence")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("series")
            .annotate(
                _registered=Sum("registrations__places", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                _waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
            )
            # Grouped queries drop Meta.ordering; the autocomplete paginates this queryset as it is.
            .order_by("start", "pk")
        )

    @admin.display(description=_("registered"), ordering="_registered")
    def registered(self, obj) -> int:
        return obj._registered or 0

    @admin.display(description=_("waiting"), ordering="_waiting")
    def waiting(self, obj) -> int:
        return obj._waiting

    @admin.display(description=_("preview"))
    def view_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

    @admin.display(description=_("tools"))
    def participant_tools(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:events_event_message", args=[obj.pk]),
            _("Write to participants"),
            reverse("admin:events_event_export", args=[obj.pk]),
            _("Export participants (CSV)"),
            reverse("admin:events_event_checkin", args=[obj.pk]),
            _("Check-in list"),
        )

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("image") if "image" in form.changed_data else None
        services.event_save(event=obj, image=upload or None)

    def get_urls(self):
        return [
            path("<int:pk>/message/", self.admin_site.admin_view(self.message_view), name="events_event_message"),
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="events_event_export"),
            path("<int:pk>/check-in/", self.admin_site.admin_view(self.checkin_view), name="events_event_checkin"),
            *super().get_urls(),
        ]

    def message_view(self, request, pk: int):
        event = get_object_or_404(Event, pk=pk)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        form = ParticipantMessageForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = services.event_message_participants(
                event=event,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                include_waiting=form.cleaned_data["include_waiting"],
            )
            self.message_user(request, ngettext("%d email queued.", "%d emails queued.", count) % count)
            return redirect("admin:events_event_change", event.pk)
        context = {**self.admin_site.each_context(request), "form": form, "event": event, "opts": self.model._meta}
        return render(request, "events/admin/message.html", context)

    def checkin_view(self, request, pk: int):
        """The door list: confirmed participants, searchable, checked in with one click."""
        event = get_object_or_404(Event, pk=pk)
        if not request.user.has_perm("events.change_registration"):
            raise PermissionDenied
        if request.method == "POST":
            registration = get_object_or_404(event.registrations, pk=request.POST.get("registration"))
            try:
                services.registration_check_in(registration=registration)
            except services.RegistrationError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
            return redirect(request.get_full_path())
        query = request.GET.get("q", "").strip()[:100]
        context = {
            **self.admin_site.each_context(request),
            "event": event,
            "opts": self.model._meta,
            "query": query,
            "registrations": selectors.registrations_for_checkin(event=event, query=query),
            "places": selectors.event_places(event=event),
        }
        return render(request, "events/admin/checkin.html", context)

    def export_view(self, request, pk: int):
        event = get_object_or_404(Event, pk=pk)
        if not self.has_view_participants_permission(request):
            raise PermissionDenied
        return _participants_csv(event)

    def has_view_participants_permission(self, request) -> bool:
        # Participants are people: their names and addresses need the registrations' own permission.
        return request.user.has_perm("events.view_registration")

    @staff_action(description=_("Duplicate for the next session (a week later, as draft)"), permissions=["add"])
    def duplicate(self, request, queryset):
        for event in queryset:
            copy = services.event_duplicate(event=event)
            self.message_user(request, _("Created draft “%(title)s”.") % {"title": copy.slug}, messages.SUCCESS)

    @staff_action(description=_("Export participants (CSV)"), permissions=["view_participants"])
    def export_participants(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Please choose exactly one event to export."), messages.WARNING)
            return None
        return _participants_csv(queryset.get())


@admin.register(Registration)
class RegistrationAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "email", "event", "places", "status", "created_at", "checked_in_at")
    list_filter = ("status", ("checked_in_at", admin.EmptyFieldListFilter), "event__series")
    search_fields = ("name", "email", "organisation", "event__title")
    list_select_related = ("event",)
    raw_id_fields = ("event", "user")
    readonly_fields = ("token", "created_at", "confirmed_at", "cancelled_at", "reminder_sent_at", "anonymised_at")
    actions = ["cancel", "check_in"]

    @staff_action(description=_("Cancel (moves people up from the waiting list)"), permissions=["change"])
    def cancel(self, request, queryset):
        for registration in queryset:
            services.registration_cancel(registration=registration)
        self.message_user(request, _("Registrations cancelled."), messages.SUCCESS)

    @staff_action(description=_("Mark as attended"), permissions=["change"])
    def check_in(self, request, queryset):
        done = 0
        for registration in queryset.filter(status=Registration.Status.CONFIRMED):
            done += services.registration_check_in(registration=registration)
        self.message_user(request, ngettext("%d participant checked in.", "%d participants checked in.", done) % done)
