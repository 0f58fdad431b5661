"""Staff tools: events with registrations inline, counts, duplicate, CSV export, messages, check-in; venues."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.admin_preview import LivePreviewAdminMixin
from swsdigital.core.admin_translation import TranslatedAdmin, english_version_filter
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.csvexport import csv_response
from swsdigital.core.images import IMAGE_FORMFIELD_OVERRIDES
from swsdigital.core.staff import staff_action
from swsdigital.core.translated import text_language
from swsdigital.mail.admin_display import LABEL as not_delivered_label
from swsdigital.mail.admin_display import not_delivered_html

from . import selectors, services
from .forms import SCHEDULE_BUTTON, EventAdminForm, ParticipantMessageForm
from .models import Event, Registration, Series, Topic, Venue
from .views import event_preview_context

PREVIEW_BUTTON, PUBLISH_BUTTON, DUPLICATE_BUTTON = "_preview", "_publish", "_duplicate"


@admin.register(Series)
class SeriesAdmin(SafeChangeListMixin, TranslatedAdmin):
    list_display = ("name", "slug")
    list_filter = (english_version_filter("name"),)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name_de", "name_en")


@admin.register(Topic)
class TopicAdmin(SafeChangeListMixin, TranslatedAdmin):
    list_display = ("name", "slug")
    list_filter = (english_version_filter("name"),)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name_de", "name_en")


@admin.register(Venue)
class VenueAdmin(SafeChangeListMixin, TranslatedAdmin):
    list_display = ("name", "street", "postcode", "town", "region")
    list_filter = ("region",)
    search_fields = ("name", "street", "postcode", "town")
    fields = ("name", "street", ("postcode", "town"), "region", "accessibility", "participant_notes", "map_url")

    def save_model(self, request, obj, form, change):
        services.venue_save(venue=obj)


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
class EventAdmin(LivePreviewAdminMixin, LargeTableAdminMixin, SafeChangeListMixin, TranslatedAdmin):
    list_display = ("title", "start", "series", "status", "format", "registered", "waiting", "capacity", "view_link")
    list_filter = (
        "status",
        "format",
        "series",
        "region",
        "topics",
        "members_only",
        "save_the_date",
        english_version_filter("title"),
    )
    search_fields = ("title_de", "title_en", "teaser_de", "teaser_en", "venue__name", "venue__town")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("series", "topics", "venue")
    inlines = [RegistrationInline]
    actions = ["duplicate", "export_participants"]
    form = EventAdminForm
    readonly_fields = ("uid", "sequence", "participant_tools", "focal_point_picker")
    formfield_overrides = IMAGE_FORMFIELD_OVERRIDES  # the upload's own message, not Django's vague one
    # What every event needs stays open; what few events need is folded. Django opens a folded section with an
    # error, but only finds fields on a line of their own there (not grouped in a tuple): keep them so.
    fieldsets = (
        (None, {"fields": ("title", "slug", "series", "topics", "teaser", "description", "german_only")}),
        (_("Date"), {"fields": ("start", "end", "all_day")}),
        (_("Place"), {"fields": ("format", "venue", "online_url", "region")}),
        (_("Image"), {"fields": ("image", "image_alt", "focal_point_picker", ("focal_x", "focal_y"))}),
        (_("Registration"), {"fields": ("registration_enabled", "capacity")}),
        (_("Publication"), {"fields": ("status", "publish_at", "save_the_date")}),
        (
            _("Registration details"),
            {
                "classes": ["collapse"],
                "fields": (
                    "registration_opens",
                    "registration_closes",
                    "waitlist_enabled",
                    "members_only",
                    "max_places",
                ),
            },
        ),
        (_("Extra questions"), {"classes": ["collapse"], "fields": ("extra_questions",)}),
        (
            _("People and contact"),
            {"classes": ["collapse"], "fields": ("organiser", "partners", "contact_name", "contact_email")},
        ),
        (_("Photo credit"), {"classes": ["collapse"], "fields": ("image_credit",)}),
        (_("Participants"), {"classes": ["collapse"], "fields": ("participant_tools", "uid", "sequence")}),
    )

    live_preview_template = "events/event_detail.html"

    def live_preview_context(self, request, obj, *, form, language):
        # The form's topics, not the stored ones; the stored ones where the form's are not valid.
        topics = form.cleaned_data.get("topics", obj.topics.all() if obj.pk else [])
        return event_preview_context(request, obj, topics=topics)

    def live_preview_text_language(self, obj, language):
        with translation.override(language):
            return text_language(obj, "title")  # German where the English title is still missing

    def get_queryset(self, request):
        # Subqueries for the counts (no join over 200,000 registrations, none in the list's count); the
        # autocomplete paginates this queryset as it is, so it keeps an explicit order.
        return selectors.events_with_places(super().get_queryset(request).select_related("series")).order_by(
            "start", "pk"
        )

    @admin.display(description=_("registered"), ordering="places_confirmed")
    def registered(self, obj) -> int:
        return obj.places_confirmed or 0

    @admin.display(description=_("waiting"), ordering="places_waiting")
    def waiting(self, obj) -> int:
        return obj.places_waiting or 0

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

    @admin.display(description=_("focal point"))
    def focal_point_picker(self, obj):
        # Without JavaScript the two number inputs below set the point; with it, a click on the image does.
        alt = _("Preview of the image: click the point the thumbnails should be cut around")
        preview = ""
        if obj and obj.pk and obj.image:
            preview = format_html('<img src="{}" alt="{}" class="focal-picker-image">', obj.image.url, alt)
        return format_html(
            '<div class="focal-picker{}" data-focal-picker data-input-x="id_focal_x" data-input-y="id_focal_y" '
            'data-file-input="id_image" data-alt="{}">{}<span class="focal-marker" hidden></span></div>'
            '<div class="help" data-focal-hint="image"{}>{}</div><div class="help" data-focal-hint="empty"{}>{}</div>',
            "" if preview else " focal-picker-empty",
            alt,
            preview,
            "" if preview else " hidden",
            _("The thumbnails on the calendar are cut around this point (percent from the left and the top)."),
            " hidden" if preview else "",
            _("Once an image is chosen, click on it to set the point the thumbnails are cut around."),
        )

    def _submit_buttons(self, request, obj, status: str) -> dict:
        """Which of the event form's own buttons this user sees (the saving rules are in save_model)."""
        if IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET:
            return {}
        can_change = self.has_change_permission(request, obj)
        can_save = can_change if obj is not None else self.has_add_permission(request)
        unpublished = status in (Event.Status.DRAFT, Event.Status.SCHEDULED)
        return {
            "preview": can_save,
            "publish": can_save and can_change and unpublished,
            "schedule": can_save and can_change and unpublished,
            "duplicate": obj is not None and can_change and self.has_add_permission(request),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        status = context["adminform"].form.initial.get("status", Event.Status.DRAFT)  # as stored, not as typed
        context["event_buttons"] = self._submit_buttons(request, obj if change else None, status)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("image") if "image" in form.changed_data else None
        if PUBLISH_BUTTON in request.POST or SCHEDULE_BUTTON in request.POST:
            if not self.has_change_permission(request, obj if change else None):
                raise PermissionDenied  # publishing is a change; the button is not shown to this user
            publish = services.event_publish if PUBLISH_BUTTON in request.POST else services.event_schedule
            publish(event=obj, image=upload or None)
        else:
            services.event_save(event=obj, image=upload or None)

    def _button_response(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return None
        change_url = reverse("admin:events_event_change", args=[obj.pk])
        public = format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("public page"))
        if PREVIEW_BUTTON in request.POST:
            self.message_user(request, _("The event “%(title)s” was saved.") % {"title": obj.title}, messages.SUCCESS)
            return redirect(obj.get_absolute_url())  # staff see drafts there, marked as preview
        if PUBLISH_BUTTON in request.POST:
            text = _("The event “%(title)s” is published:") % {"title": obj.title}
            self.message_user(request, format_html("{} {}", text, public), messages.SUCCESS)
            return redirect(change_url)
        if SCHEDULE_BUTTON in request.POST:
            when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
            text = _("The event “%(title)s” will be published on %(when)s:") % {"title": obj.title, "when": when}
            self.message_user(request, format_html("{} {}", text, public), messages.SUCCESS)
            return redirect(change_url)
        if DUPLICATE_BUTTON in request.POST:
            if not self.has_add_permission(request):
                raise PermissionDenied
            copy = services.event_duplicate(event=obj)
            self.message_user(
                request,
                _("Saved, and created the draft “%(title)s” for the next session.") % {"title": copy.slug},
                messages.SUCCESS,
            )
            return redirect("admin:events_event_change", copy.pk)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._button_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._button_response(request, obj) or super().response_change(request, obj)

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
class RegistrationAdmin(LargeTableAdminMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "email", "event", "places", "status", "created_at", "checked_in_at")
    list_filter = ("status", ("checked_in_at", admin.EmptyFieldListFilter), "event__series")
    search_fields = ("name", "email", "organisation", "event__title_de", "event__title_en")
    list_select_related = ("event",)
    raw_id_fields = ("event", "user")
    readonly_fields = (
        "token", "created_at", "confirmed_at", "cancelled_at", "reminder_sent_at", "anonymised_at",
        "emails_not_delivered",
    )  # fmt: skip
    actions = ["cancel", "check_in"]

    @admin.display(description=not_delivered_label)
    def emails_not_delivered(self, obj: Registration) -> str:
        return not_delivered_html(obj.email)

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
