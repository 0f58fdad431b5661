"""Home page and legal pages: thin views over the selectors."""

from django.http import Http404
from django.shortcuts import render

from . import selectors


def home(request):
    return render(request, "pages/home.html", selectors.home_sections())


def legal_page(request, kind: str):
    page = selectors.legal_page_get(kind=kind)
    if page is None:
        raise Http404
    return render(request, "pages/legal.html", {"page": page})
