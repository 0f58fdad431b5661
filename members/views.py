"""Membership pages (directory and application follow in the membership issue)."""

from django.shortcuts import render


def directory(request):
    return render(request, "members/directory.html", {"members": []})


def join(request):
    return render(request, "members/join.html", {})
