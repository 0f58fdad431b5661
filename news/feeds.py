"""RSS and Atom feeds of the press room: all items, and per topic."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from swsdigital.core.translated import text_language

from . import selectors
from .models import NewsItem, Topic

DC = "http://purl.org/dc/elements/1.1/"


class _ItemLanguageMixin:
    """Each item names the language its text is in (``dc:language``): the feed's language is the page's, and an
    item without English text appears in German in the English feed."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("text_language"):
            handler.addQuickElement("dc:language", item["text_language"])


class RssWithLanguages(_ItemLanguageMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC}


class AtomWithLanguages(_ItemLanguageMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DC}


class NewsRssFeed(Feed):
    """Latest press items as RSS 2.0."""

    feed_type = RssWithLanguages

    author_name = "Südwestsachsen Digital e.V."

    def author_link(self) -> str:
        return settings.SITE_URL

    def get_object(self, request, topic: str | None = None):
        if topic is None:
            return None
        found = selectors.topic_get(slug=topic)
        if found is None:
            raise Http404
        return found

    def title(self, obj: Topic | None) -> str:
        name = _("Press and news")
        return f"SWS Digital – {name}: {obj.name}" if obj else f"SWS Digital – {name}"

    def link(self, obj: Topic | None) -> str:
        url = reverse("news:list")
        return f"{url}?topic={obj.slug}" if obj else url

    def description(self, obj: Topic | None) -> str:
        return _("Press releases and news of Südwestsachsen Digital e.V.")

    def items(self, obj: Topic | None) -> list[NewsItem]:
        return selectors.news_for_topic(topic=obj)

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        return item.lead

    def item_extra_kwargs(self, item: NewsItem) -> dict:
        return {"text_language": text_language(item, "title")}

    def item_pubdate(self, item: NewsItem):
        return item.published_at

    def item_updateddate(self, item: NewsItem):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item: NewsItem) -> list[str]:
        return [t.name for t in item.topics.all()]

    def item_guid(self, item: NewsItem) -> str:
        return f"{settings.SITE_URL}/news/{item.pk}"

    item_guid_is_permalink = False

    def item_enclosures(self, item: NewsItem):
        cover = item.cover
        if cover is None or not cover.image:
            return []
        mime = "image/png" if cover.image.name.endswith(".png") else "image/jpeg"
        return [Enclosure(f"{settings.SITE_URL}{cover.image.url}", "0", mime)]


class NewsAtomFeed(NewsRssFeed):
    """Latest press items as Atom 1.0."""

    feed_type = AtomWithLanguages

    def subtitle(self, obj: Topic | None) -> str:
        return self.description(obj)
