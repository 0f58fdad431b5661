"""Staff tools of the press room: scheduling, preview, filters, search, image upload helper."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from swsdigital.core.admin_paging import LargeTableAdminMixin
from swsdigital.core.admin_preview import LivePreviewAdminMixin
from swsdigital.core.admin_translation import TranslatedAdmin, english_version_filter
from swsdigital.core.changelist import SafeChangeListMixin
from swsdigital.core.staff import staff_action
from swsdigital.core.translated import text_language

from . import services
from .forms import NewsImageAdminForm
from .models import NewsAttachment, NewsImage, NewsItem, PressContact, Topic
from .views import news_preview_context


class NewsImageInline(TranslationStackedInline):
    model = NewsImage
    form = NewsImageAdminForm
    extra = 0
    readonly_fields = ("preview",)
    fields = ("image", "preview", "alt_text", "caption", "credit", "position")

    @admin.display(description=_("preview"))
    def preview(self, obj: NewsImage) -> str:
        if not obj.pk or not obj.thumbnail:
            return "–"
        return format_html('<img src="{}" alt="" height="80">', obj.thumbnail.url)


class NewsAttachmentInline(admin.TabularInline):
    model = NewsAttachment
    extra = 0
    fields = ("title", "file", "position")


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("public", _("Public")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=NewsItem.Status.PUBLISHED)
        if self.value() == "public":
            return published.filter(published_at__lte=now)
        if self.value() == "scheduled":
            return published.filter(published_at__gt=now)
        if self.value() == "draft":
            return queryset.filter(status=NewsItem.Status.DRAFT)
        return queryset


@admin.register(NewsItem)
class NewsItemAdmin(LivePreviewAdminMixin, LargeTableAdminMixin, SafeChangeListMixin, TranslatedAdmin):
    list_display = ("title", "kind", "visibility", "published_at", "dateline_place", "preview_link")
    list_filter = (
        PublicationStateFilter,
        "kind",
        "status",
        "topics",
        ("published_at", admin.DateFieldListFilter),
        english_version_filter("title"),
        "german_only",
    )
    search_fields = ("title_de", "title_en", "lead_de", "lead_en", "body_de", "body_en", "dateline_place")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("press_contact", "related_events")
    filter_horizontal = ("topics",)
    list_select_related = ("press_contact",)
    readonly_fields = ("author", "created_at", "updated_at", "preview_link")
    inlines = (NewsImageInline, NewsAttachmentInline)
    actions = ("publish_now", "unpublish")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "dateline_place", "lead", "body", "german_only")}),
        (_("Publication"), {"fields": ("status", "published_at", "preview_link")}),
        (_("Classification and contact"), {"fields": ("topics", "press_contact", "related_events")}),
        (_("History"), {"fields": ("author", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    live_preview_template = "news/news_detail.html"

    def live_preview_context(self, request, obj, *, form, language):
        # The form's choices, not the stored ones; the stored ones where the form's are not valid.
        stored = obj.pk is not None
        topics = form.cleaned_data.get("topics", obj.topics.all() if stored else [])
        events = form.cleaned_data.get("related_events", obj.related_events.all() if stored else [])
        return news_preview_context(obj, topics=topics, related_events=events)

    def live_preview_text_language(self, obj, language):
        with translation.override(language):
            return text_language(obj, "title")  # German where the English title is still missing

    def view_on_site(self, obj: NewsItem) -> str:
        # The public address is a 404 for drafts and scheduled items; the preview always works.
        return reverse("news:preview", args=[obj.pk])

    @admin.display(description=_("visibility"))
    def visibility(self, obj: NewsItem) -> str:
        if obj.status == NewsItem.Status.DRAFT:
            return _("Draft")
        return _("Scheduled") if obj.is_embargoed else _("Public")

    @admin.display(description=_("preview"))
    def preview_link(self, obj: NewsItem) -> str:
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', reverse("news:preview", args=[obj.pk]), _("Preview")
        )

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        services.news_item_save(item=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is NewsImage:
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            for image_form in formset.forms:
                obj = image_form.instance
                if obj not in instances:
                    continue
                if "image" in image_form.changed_data:
                    services.news_image_set_file(image=obj, upload=image_form.cleaned_data["image"])
                else:
                    obj.save()
            return
        if formset.model is NewsAttachment:
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            for obj in instances:
                services.news_attachment_save(attachment=obj)
            return
        super().save_formset(request, form, formset, change)

    @staff_action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        for item in queryset:
            services.news_item_publish(item=item, at=timezone.now() if item.published_at > timezone.now() else None)
        count = queryset.count()
        self.message_user(
            request, ngettext("%d item published.", "%d items published.", count) % count, messages.SUCCESS
        )

    @staff_action(description=_("Back to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        for item in queryset:
            services.news_item_unpublish(item=item)
        count = queryset.count()
        self.message_user(
            request, ngettext("%d item set to draft.", "%d items set to draft.", count) % count, messages.SUCCESS
        )


@admin.register(Topic)
class TopicAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name_de", "name_en", "slug")
    search_fields = ("name_de", "name_en")
    prepopulated_fields = {"slug": ("name_de",)}


@admin.register(PressContact)
class PressContactAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "role", "email", "phone")
    search_fields = ("name", "role", "email")
