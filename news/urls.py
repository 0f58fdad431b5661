from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views

app_name = "news"

urlpatterns = [
    path(_("press/"), views.news_list, name="list"),
    path(_("press/feeds/rss/"), feeds.NewsRssFeed(), name="feed_rss"),
    path(_("press/feeds/atom/"), feeds.NewsAtomFeed(), name="feed_atom"),
    path(_("press/feeds/<slug:topic>/rss/"), feeds.NewsRssFeed(), name="topic_feed_rss"),
    path(_("press/feeds/<slug:topic>/atom/"), feeds.NewsAtomFeed(), name="topic_feed_atom"),
    path(_("press/preview/<int:pk>/"), views.news_preview, name="preview"),
    path(_("press/<slug:slug>/"), views.news_detail, name="detail"),
]
