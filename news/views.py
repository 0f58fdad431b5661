from django.shortcuts import render

from . import selectors


def news_list(request):
    return render(request, "news/news_list.html", {"items": selectors.news_latest()})
