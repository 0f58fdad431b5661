from django.shortcuts import render

from . import selectors


def event_list(request):
    return render(request, "events/event_list.html", {"events": selectors.events_upcoming()})
