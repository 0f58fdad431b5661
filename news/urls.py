from django.urls import path
from django.utils.translation import gettext_lazy as _

from swsdigital.core.pagecache import page_cached

from . import feeds, views


def _feed(feed):
    """A feed, cached until the press section changes."""
    return page_cached(feed, sections=("press",))


app_name = "news"

urlpatterns = [
    path(_("press/"), views.news_list, name="list"),
    path(_("press/feeds/rss/"), _feed(feeds.NewsRssFeed()), name="feed_rss"),
    path(_("press/feeds/atom/"), _feed(feeds.NewsAtomFeed()), name="feed_atom"),
    path(_("press/feeds/<slug:topic>/rss/"), _feed(feeds.NewsRssFeed()), name="topic_feed_rss"),
    path(_("press/feeds/<slug:topic>/atom/"), _feed(feeds.NewsAtomFeed()), name="topic_feed_atom"),
    path(_("press/preview/<int:pk>/"), views.news_preview, name="preview"),
    path(_("press/<slug:slug>/"), views.news_detail, name="detail"),
]
