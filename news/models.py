"""Press releases and news items, with topics, images, attachments and a press contact."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from swsdigital.core.images import validate_image_upload
from swsdigital.core.richtext import RichTextField

# Path segments under /presse/ that are not items.
RESERVED_SLUGS = {"feeds", "feed", "preview", "vorschau", "topic", "thema", "rss", "atom"}
ATTACHMENT_EXTENSIONS = ["pdf", "zip", "docx", "xlsx", "pptx", "odt", "jpg", "jpeg", "png"]
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


class Topic(models.Model):
    """A subject press items are filed under, e.g. MINT; each has its own feed."""

    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_de


class PressContact(models.Model):
    """The person journalists call about a release."""

    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class NewsItemQuerySet(models.QuerySet):
    def visible(self, *, now=None):
        """Published items whose publication time has come (embargo lifted)."""
        return self.filter(status=NewsItem.Status.PUBLISHED, published_at__lte=now or timezone.now())


class NewsItem(models.Model):
    """A press release, news item or event report."""

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        NEWS = "news", _("News")
        REPORT = "report", _("Report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESS_RELEASE)
    title = models.CharField(_("title"), max_length=200)
    german_only = models.BooleanField(
        _("German only"),
        default=False,
        help_text=_("No English version is planned: not listed as missing, no English address in the sitemap."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Part of the address; unique."))
    dateline_place = models.CharField(
        _("dateline place"), max_length=100, blank=True, help_text=_("Where the release was issued, e.g. Plauen.")
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        db_index=True,
        help_text=_("A time in the future keeps the item hidden until then (embargo)."),
    )
    lead = models.TextField(_("lead"), max_length=600, help_text=_("One or two sentences; shown in lists and feeds."))
    body = RichTextField(_("text"), blank=True, tables=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="items", blank=True)
    press_contact = models.ForeignKey(
        PressContact, verbose_name=_("press contact"), on_delete=models.SET_NULL, null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_items",
    )
    related_events = models.ManyToManyField(
        "events.Event",
        verbose_name=_("related events"),
        related_name="news_items",
        blank=True,
        help_text=_("Shown as links next to the text; only published events appear."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Filled by services.news_item_search_refresh on PostgreSQL, GIN-indexed there: the German texts with the
    # German configuration, the English texts with the English one (its stemming: "networks" finds "network").
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)
    search_vector_en = SearchVectorField(_("English search index"), null=True, editable=False)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("press item")
        verbose_name_plural = _("press items")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="news_item_visible_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; please choose another.")})

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_embargoed(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def cover(self):
        """The first image (from the prefetch cache when prefetched)."""
        images = list(self.images.all())
        return images[0] if images else None


class NewsImage(models.Model):
    """A photo of an item, with caption, alt text and photo credit."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="images", verbose_name=_("item"))
    image = models.ImageField(
        _("image"),
        upload_to="news/images/%Y/",
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="news/thumbnails/%Y/", blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt_text = models.CharField(
        _("alt text"), max_length=250, help_text=_("Describes the picture for people who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("photo credit"), max_length=200, blank=True, help_text=_("Name (organisation), shown as “Foto: …”.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text

    @property
    def thumbnail_or_image(self):
        return self.thumbnail or self.image


def validate_attachment_size(upload) -> None:
    if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")


class NewsAttachment(models.Model):
    """A download of an item, e.g. a PDF press kit."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("item"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="news/attachments/%Y/",
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size],
    )
    size = models.PositiveIntegerField(_("size in bytes"), null=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""
